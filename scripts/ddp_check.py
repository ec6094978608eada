"""Data-parallel runs against one process: each method on its lesson settings, `fskd distill` alone and under
`torchrun --nproc_per_node 2` (gloo, CPU), the same seeds; then a 2-process run stopped by its query budget and finished by
one process with --resume.

usage: python scripts/ddp_check.py [--methods standard-kd,fsbbt,divbfkd,zskt] [--seeds 0 1 2] [--out runs/ddp-check]
Prints one row per run (processes, seed, last-epoch accuracy, queries by phase, the charged total, wall time) and a summary
per method (mean ± std of each arm, whether the charged totals are identical)."""
import argparse, json, os, subprocess, time, statistics as st
from pathlib import Path

p = argparse.ArgumentParser(); p.add_argument('--out', default='runs/ddp-check')
p.add_argument('--methods', default='standard-kd,fsbbt,divbfkd,zskt'); p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
p.add_argument('--no-resume', action='store_true')
a = p.parse_args()
OUT, ENV = Path(a.out), dict(os.environ, CI='1')
ARGS = {'standard-kd': ['--dataset', 'fashionmnist', '--shots', '10', '--config', 'lesson'],
        'fsbbt': ['--dataset', 'fashionmnist', '--shots', '10', '--config', 'lesson'],
        'divbfkd': ['--dataset', 'fashionmnist', '--shots', '10', '--config', 'lesson'],
        'zskt': ['--config', 'lesson']}

def fskd(n:int, args:list) -> list:
    return (['fskd'] if n == 1 else ['torchrun', '--standalone', '--nproc_per_node', str(n), '--no-python', 'fskd']) + args

def run(n:int, args:list, out:Path, resume:bool=False) -> dict:
    t0 = time.perf_counter()
    r = subprocess.run(fskd(n, ['distill', *args, '--resume' if resume else '--out', str(out), '--quiet']), env=ENV, capture_output=True, text=True)
    if r.returncode: print(r.stdout[-2000:], r.stderr[-3000:]); raise SystemExit(f'failed: {n} processes, {args}')
    res = json.loads((out/'result.json').read_text())
    syn = (res['extra'].get('synth') or {}).get('queried')   # DivBFKD: its synthetic set asks until every class is full
    return dict(acc=round(res['acc_last'], 2), queries=res['queries'], charged=res['queries_total'], wall=round(time.perf_counter() - t0, 1),
                **({'synth_set': syn, 'before_synth_set': res['queries_total'] - syn} if syn is not None else {}))

rows = []
for m in a.methods.split(','):
    for n in (1, 2):
        for s in a.seeds:
            r = run(n, [m, *ARGS[m], '--seed', str(s)], OUT/m/f'np{n}'/f'seed_{s}')
            rows.append(dict(method=m, procs=n, seed=s, **r)); print(json.dumps(rows[-1]), flush=True)
print('\nmethod | 1 process: last-epoch accuracy | 2 processes | per seed (2 − 1) | charged queries 1 / 2 | all queries identical')
for m in a.methods.split(','):
    one, two = ([r for r in rows if r['method'] == m and r['procs'] == n] for n in (1, 2))
    ms = lambda rs: f"{st.mean(r['acc'] for r in rs):.2f} ± {st.stdev(r['acc'] for r in rs) if len(rs) > 1 else 0:.2f}"
    d = ' / '.join(f"{b['acc'] - o['acc']:+.2f}" for o, b in zip(one, two))
    print(f"{m} | {ms(one)} | {ms(two)} | {d} | {one[0]['charged']} / {two[0]['charged']} | {all(o['queries'] == b['queries'] for o, b in zip(one, two))}")
    if 'synth_set' in one[0]:   # the stages before the synthetic set ask a fixed number of images; the set asks until each class is full
        print(f"  {m}, charged before the synthetic set, 1 / 2 processes: {[o['before_synth_set'] for o in one]} / {[b['before_synth_set'] for b in two]}; "
              f"the synthetic set: {[o['synth_set'] for o in one]} / {[b['synth_set'] for b in two]}")

if not a.no_resume:   # a 2-process DivBFKD run stopped by its budget in the GAN, finished by one process
    m, base = 'divbfkd', ['divbfkd', *ARGS['divbfkd'], '--seed', '0', '--checkpoint-every', '0']
    out = OUT/'resume'
    r = subprocess.run(fskd(2, ['distill', *base, '--budget', '30000', '--out', str(out), '--quiet']), env=ENV, capture_output=True, text=True)
    print('\n2 processes, --budget 30000: exit', r.returncode, '|', (r.stderr.strip().splitlines() or [''])[-1][:300])
    print('failed.json:', (out/'failed.json').read_text().strip().replace('\n', ' ')[:300] if (out/'failed.json').exists() else None)
    res = run(1, base, out, resume=True)
    print('resumed with 1 process:', json.dumps(res), '| resumed.json:', (out/'resumed.json').read_text().strip())
    one = next(r for r in rows if r['method'] == m and r['procs'] == 1 and r['seed'] == 0) if m in a.methods else None
    if one: print('uninterrupted 1 process, seed 0:', json.dumps(one), '| charged identical:', one['charged'] == res['charged'])
