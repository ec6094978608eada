"""Print every case of tests/faults.py as a table row: the command, exit code, lines on stderr, traceback, nothing lost,
the suggested fix works, and the last line. PYTHONPATH=<another checkout> measures that checkout instead.

usage: python scripts/reports/faults_table.py [CASE ...] > faults.md"""
import os, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('CI', '1'); os.environ.setdefault('FSKD_CACHE', tempfile.mkdtemp())
sys.path.insert(0, str(Path(__file__).resolve().parents[2]/'tests'))
from faults import CASES, run_case, passes
import fskd_nb
root, names = Path(tempfile.mkdtemp()), sys.argv[1:] or list(CASES)
yn = lambda v: '–' if v is None else 'yes' if v else '**no**'
print(f"fskd_nb from {Path(fskd_nb.__file__).parent.parent}\n")
print('| # | family | case | command | exit | lines | traceback | nothing lost | fix works | as required | last line |\n|---|---|---|---|---|---|---|---|---|---|---|')
ok = 0
for i, n in enumerate(names, 1):
    fam, what, rc, says, _ = CASES[n]; t0 = time.time()
    o = run_case(n, root); good = passes(n, o); ok += good
    last = o.last.replace('|', '/')[:220]
    print(f"| {i} | {fam} | {what} | `{o.cmd[:120]}` | {o.rc} | {o.lines} | {'yes' if o.traceback else 'no'} | {yn(o.kept)} | {yn(o.advice)} | "
          f"{'yes' if good else '**no**'} (exit {rc}) | {last} |", flush=True)
print(f"\n{ok} of {len(names)} cases end as required")
