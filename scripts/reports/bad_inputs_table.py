"""Print every bad input of tests/test_bad_input.py as a table: the input, the exit code (or the exception), the one-line
message and whether the output folder kept what it held (nothing lost, nothing written).

usage: python scripts/reports/bad_inputs_table.py > bad-inputs.md"""
import os, sys, tempfile, warnings
from pathlib import Path
os.environ.setdefault('CI', '1'); os.environ.setdefault('FSKD_CACHE', tempfile.mkdtemp())
sys.path.insert(0, str(Path(__file__).resolve().parents[2]/'tests'))
from test_bad_input import CLI, PY, cli_case, py_case
warnings.simplefilter('ignore')
tmp, ok = Path(tempfile.mkdtemp()), 0
print('| # | input | exit code / exception | one-line message | nothing lost |\n|---|---|---|---|---|')
for i, (args, want) in enumerate(CLI, 1):
    rc, err, kept = cli_case(args, tmp/f'c{i}')
    msg = err.strip().replace(str(tmp/f'c{i}'), 'DIR'); good = rc == 2 and '\n' not in msg and want.replace('{tmp}', str(tmp/f'c{i}')) in err and kept
    ok += good
    print(f"| {i} | `fskd {' '.join(args).replace('{tmp}', 'DIR')}` | {rc} | {msg.replace('|', '/')} | {'yes' if kept else 'NO'}{'' if good else ' (row FAILS)'} |")
for j, (src, want) in enumerate(PY, len(CLI) + 1):
    typ, msg = py_case(src, tmp/f'p{j}')
    good = typ is not None and '\n' not in msg and want in msg; ok += good
    print(f"| {j} | `{src.replace('{tmp}', 'DIR')}` | {typ.__name__ if typ else 'none'} | {msg.replace(str(tmp/f'p{j}'), 'DIR').replace('|', '/')} | raised before any work{'' if good else ' (row FAILS)'} |")
print(f"\n{ok} of {len(CLI) + len(PY)} rows as expected")
