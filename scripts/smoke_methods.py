"""Seeded smoke runs of every registered method through `fskd distill`, and a comparison of two such folders.

usage: python scripts/smoke_methods.py run DIR           # the eight methods, smoke config, seed 0, into DIR/<method>
       python scripts/smoke_methods.py compare DIR_A DIR_B   # accuracy, agreement, queries and MTE side by side; exit 1 if any differ
The teacher mode is given explicitly (white_box for ZSKT and KD^3, soft for the others) so that the runs of two
versions of the package are the same experiment; LightSKD runs on Fashion-MNIST (it needs the real files in $FSKD_DATA)."""
import json, subprocess, sys, time
from pathlib import Path

METHODS = ('student-alone', 'standard-kd', 'student-full', 'fsbbt', 'divbfkd', 'zskt', 'kd3', 'lightskd')
KEYS = ('acc_last', 'acc_best', 'agreement', 'mte', 'queries', 'queries_total')

def run(out:Path):
    fskd = str(Path(sys.executable).parent/'fskd')
    for m in METHODS:
        mode = 'white_box' if m in ('zskt', 'kd3') else 'soft'
        extra = ['--dataset', 'fashionmnist'] if m == 'lightskd' else []
        t0 = time.perf_counter()
        p = subprocess.run([fskd, 'distill', m, '--config', 'smoke', '--seed', '0', '--teacher-mode', mode, *extra, '--out', str(out/m)],
                           capture_output=True, text=True)
        print(f'{m:14s} rc={p.returncode} {time.perf_counter() - t0:6.1f}s', flush=True)
        if p.returncode: print(p.stderr[-2000:]); sys.exit(1)

def compare(a:Path, b:Path) -> int:
    bad = 0
    print(f"| method | acc_last | agreement | queries charged | MTE | identical |\n|---|---|---|---|---|---|")
    for m in METHODS:
        ra, rb = (json.loads((d/m/'result.json').read_text()) for d in (a, b))
        same = all(ra[k] == rb[k] for k in KEYS); bad += not same
        f = lambda k: f"{ra[k]}" if ra[k] == rb[k] else f"{ra[k]} → {rb[k]}"
        print(f"| {m} | {f('acc_last')} | {f('agreement')} | {f('queries_total')} | {f('mte')} | {'yes' if same else 'NO'} |")
    return 1 if bad else 0

if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'run': run(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == 'compare': sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else: print(__doc__); sys.exit(2)
