"""Images per second `fskd teacher serve` answers with 1 and 4 clients, concurrent (the default) against --serial (one request at a time).

    python scripts/bench/bench_serve.py TEACHER [--batch 256] [--seconds 20]

Each client is an `HttpTeacher` sending batches of [B, C, S, S] float images in a loop; the server runs in its own process.
"""
import argparse, re, subprocess, sys, threading, time
from pathlib import Path
import torch

def serve(teacher, serial):
    cmd = [str(Path(sys.executable).parent/'fskd'), 'teacher', 'serve', teacher, '--port', '0'] + (['--serial'] if serial else [])
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = re.search(r'http://[\d.]+:\d+', p.stdout.readline()).group(0)
    return p, url

def load(url, clients, batch, seconds, shape):
    from fskd_nb.sources import HttpTeacher
    hs = [HttpTeacher(url, timeout=120) for _ in range(clients)]
    x, done, stop = torch.rand(batch, *shape), [0] * clients, time.perf_counter() + seconds
    def work(i):
        while time.perf_counter() < stop: hs[i](x); done[i] += batch
    hs[0](x)   # warm up
    t0 = time.perf_counter(); ts = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in ts: t.start()
    for t in ts: t.join()
    return sum(done) / (time.perf_counter() - t0)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('teacher'); ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--seconds', type=float, default=20); ap.add_argument('--shape', default='3,64,64')
    a = ap.parse_args(); shape = tuple(int(v) for v in a.shape.split(','))
    import os; print(f"CPU: {os.cpu_count()} cores; torch {torch.__version__}; teacher {a.teacher}; batches of {a.batch} × {shape}")
    for serial in (True, False):
        p, url = serve(a.teacher, serial)
        try:
            for n in (1, 4): print(f"{'serial' if serial else 'concurrent':10s} {n} client{'s' if n > 1 else ' '}: {load(url, n, a.batch, a.seconds, shape):8.0f} images/s", flush=True)
        finally: p.terminate(); p.wait(10)
