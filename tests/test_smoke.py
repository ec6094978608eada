"""Every registered method end to end through `fskd distill`: the smoke config, seed 0, a fixed teacher mode. The `slow` test runs
all eight and checks what each result records; as a script it compares two versions of the package run for run:

usage: python tests/test_smoke.py run DIR              # the eight methods into DIR/<method>
       python tests/test_smoke.py compare DIR_A DIR_B   # accuracy, agreement, queries by phase and MTE side by side; exit 1 if any differ
The teacher mode is given explicitly (white_box for ZSKT and KD^3, soft for the others) so that the runs of two versions are the
same experiment; LightSKD runs on Fashion-MNIST (it needs the real files in $FSKD_DATA)."""
import json, os, subprocess, sys, time
from pathlib import Path
import pytest

METHODS = ('student-alone', 'standard-kd', 'student-full', 'fsbbt', 'divbfkd', 'zskt', 'kd3', 'lightskd')
KEYS = ('acc_last', 'acc_best', 'agreement', 'mte', 'queries', 'queries_total')
FSKD = str(Path(sys.executable).parent/'fskd')

def run_one(m:str, out:Path, env=None) -> subprocess.CompletedProcess:
    "`fskd distill m` on its smoke config, seed 0, into `out`."
    mode = 'white_box' if m in ('zskt', 'kd3') else 'soft'
    extra = ['--dataset', 'fashionmnist'] if m == 'lightskd' else []
    return subprocess.run([FSKD, 'distill', m, '--config', 'smoke', '--seed', '0', '--teacher-mode', mode, *extra, '--out', str(out)],
                          capture_output=True, text=True, env=env)

def run(out:Path):
    for m in METHODS:
        t0 = time.perf_counter(); p = run_one(m, out/m)
        print(f'{m:14s} rc={p.returncode} {time.perf_counter() - t0:6.1f}s', flush=True)
        if p.returncode: print(p.stderr[-2000:]); sys.exit(1)

def compare(a:Path, b:Path) -> int:
    bad = 0
    print("| method | acc_last | agreement | queries charged | MTE | identical |\n|---|---|---|---|---|---|")
    for m in METHODS:
        ra, rb = (json.loads((d/m/'result.json').read_text()) for d in (a, b))
        same = all(ra[k] == rb[k] for k in KEYS); bad += not same
        f = lambda k: f"{ra[k]}" if ra[k] == rb[k] else f"{ra[k]} → {rb[k]}"
        print(f"| {m} | {f('acc_last')} | {f('agreement')} | {f('queries_total')} | {f('mte')} | {'yes' if same else 'NO'} |")
    return 1 if bad else 0

@pytest.mark.slow
@pytest.mark.parametrize('m', METHODS)
def test_every_method_runs_its_smoke_config(m, real_data, tmp_path):
    p = run_one(m, tmp_path/m, dict(os.environ, CI='1', FSKD_DATA=str(real_data)))
    assert p.returncode == 0, p.stderr[-2000:]
    r = json.loads((tmp_path/m/'result.json').read_text())
    assert r['method'] == m and 0 <= r['acc_last'] <= 100 and (tmp_path/m/'student.pt').exists()
    assert r['queries_total'] == sum(v for k, v in r['queries'].items() if k not in ('eval', 'metric'))   # every charged query is in the ledger by phase
    assert (r['teacher'] is None) == (m == 'lightskd')

if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'run': run(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == 'compare': sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else: print(__doc__); sys.exit(2)
