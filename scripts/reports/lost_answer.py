"""A teacher whose first answer comes after the client's timeout: how many images does the server bill, and what does the ledger count?

    python scripts/reports/lost_answer.py                              # this checkout
    PYTHONPATH=<an older checkout> python scripts/reports/lost_answer.py   # the same case on an older fskd_nb

The client asks once about 64 images (timeout 1 s, retries after 0.2 s); the teacher takes 1.5 s over its first answer only.
"""
import time, torch
from fskd_nb.sources import serve_teacher, HttpTeacher, as_teacher

calls = []
def slow_first(x):
    calls.append(len(x))
    if len(calls) == 1: time.sleep(1.5)
    return torch.zeros(len(x), 10)
slow_first.outputs = 'logits'

with serve_teacher(slow_first) as srv:
    t = as_teacher(HttpTeacher(srv.url, timeout=1.0, backoff=0.2))
    t(torch.rand(64, 1, 32, 32))
    time.sleep(2)   # the first request's computation ends on the server
    print(f"ledger (images the run paid for): {t.ledger.charged}; server billed: {srv.answered}; teacher computed {len(calls)} batches")
