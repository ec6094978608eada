"""Does the full method beat its baseline anywhere in reach? One factor at a time around the `small` config as it was
before these sweeps moved it (KD^3: ρ = 0.5; LightSKD: 10 epochs; both pinned below), baseline and full method at
each point, seeds 0-2, last-epoch accuracy; a table, a JSON of every run and a plot.

  KD^3 (MNIST web pool, white-box LeNet-5 -> LeNet-5-Half): the pool's out-of-task share, how far its digits are
      style-shifted, the share kept by the selection and its schedule. Baseline: KD on all web data.
  LightSKD (Fashion-MNIST, ResNet-8): training-set size, epochs, augmentation, depth. Baseline: plain cross-entropy.

Every point is a `fskd distill` call per arm (`--seed 0 1 2`) into RUNS/<point>/<arm>; a finished call is skipped and an
unfinished one resumed, so the sweep can be stopped and started again. --jobs runs that many calls at once, one torch
thread each (two on two cores).
usage: python scripts/reports/sweep.py kd3|lightskd [--run] [--jobs 2] [--only POINT ...] [--runs DIR] [--png FILE]"""
import argparse, json, os, statistics as st, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from fskd_nb.core import load_result

p = argparse.ArgumentParser(); p.add_argument('method', choices=('kd3', 'lightskd')); p.add_argument('--run', action='store_true')
p.add_argument('--jobs', type=int, default=1); p.add_argument('--only', nargs='*'); p.add_argument('--runs'); p.add_argument('--png')
p.add_argument('--seeds', default='0 1 2'); p.add_argument('--config', default='small', help='the preset every call starts from (smoke: a quick check of the script)')
a = p.parse_args(); CONFIG = a.config
OOD = lambda v: json.dumps(dict(shifted=round(1 - v, 3), fashionmnist=round(.4 * v, 3), kmnist=round(.4 * v, 3), noise=round(.2 * v, 3)))
SWEEPS = dict(
    kd3=dict(base=['kd3', '--config', CONFIG, '--teacher-mode', 'white_box', '--mte-images', '0', '--set', 'rho=0.5'],   # a point's --set comes later and wins
             arms=dict(baseline=['--set', 'select=false', 'align=false', 'mixdist=false'], full=[]),
             default=dict(ood=.5, shift=1., rho=.5),
             # (factor, value, extra args, arms that change: a selection setting does not touch KD on all web data)
             points=[('ood', v, ['--set', f'mix={OOD(v)}'], None) for v in (.1, .3, .7, .9)]
                   + [('shift', v, ['--set', f'shift={v}'], None) for v in (0., .25, .5)]
                   + [('rho', v, ['--set', f'rho={v}'], ['full']) for v in (.3, .7, .9)]
                   + [('rho', '1→.5', ['--set', 'rho_start=1'], ['full'])],
             labels=dict(ood='out-of-task share of the pool', shift='style shift of the digits (0: none)',
                         rho='share kept (1→.5: rising)')),
    lightskd=dict(base=['lightskd', '--config', CONFIG, '--dataset', 'fashionmnist', '--mte-images', '0', '--epochs', '10'],   # so does --epochs
                  arms=dict(baseline=['--set', 'drg=false', 'dsr=false'], full=[]),
                  default=dict(n_train=10_000, epochs=10, augment='none', depth=8),
                  points=[('n_train', 2000, ['--set', 'n_train=2000'], None), ('augment', 'crop', ['--set', 'augment=crop'], None),
                          ('epochs', 30, ['--epochs', '30'], None), ('depth', 20, ['--student', 'resnet20'], None),
                          ('n_train', 30_000, ['--set', 'n_train=30000'], None)],
                  labels=dict(n_train='training images', epochs='epochs', augment='augmentation (crop: pad 4 + flip)', depth='ResNet depth')))

S = SWEEPS[a.method]
runs = Path(a.runs or f'runs/sweep-{a.method}'); png = a.png or f'nbs/images/{a.method}_sweep.png'
slug = lambda f, v: 'default' if f == 'default' else f'{f}-{v}'.replace('→', 'to').replace('/', '_')
points = [('default', 'default', [], None)] + S['points']
calls = []   # (point dir, arm, argv)
for f, v, extra, arms in points:
    if a.only and slug(f, v) not in a.only and f not in a.only: continue
    for arm, args in S['arms'].items():
        if arms is not None and arm not in arms: continue
        out = runs / slug(f, v) / arm
        calls.append((out, [str(Path(sys.executable).parent / 'fskd'), 'distill', *S['base'], '--seed', *a.seeds.split(), '--quiet', *extra, *args]))
done = lambda out: all((out / f'seed_{s}' / 'result.json').exists() for s in a.seeds.split())

def call(c):
    out, argv = c
    if done(out): return
    argv = argv + (['--resume', str(out)] if (out / 'run.json').exists() or any(out.glob('seed_*/run.json')) else ['--out', str(out)])
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1') if a.jobs > 1 else dict(os.environ)
    t = time.time(); print('$', ' '.join(argv[1:]), flush=True)
    r = subprocess.run(argv, env=env, capture_output=True, text=True)
    print(f'  {out}: rc {r.returncode}, {time.time() - t:.0f} s', flush=True)
    if r.returncode: print(r.stdout[-2000:], r.stderr[-2000:], flush=True)

if a.run:
    with ThreadPoolExecutor(a.jobs) as ex: list(ex.map(call, calls))

# the report: one row per point, the baseline of a point whose baseline did not change is the default's
def accs(out):
    rs = [load_result(d) for d in sorted(out.glob('seed_*')) if (d / 'result.json').exists()]
    return [r.acc_last for r in rs], [r.wall_s for r in rs]
rows = []
for f, v, extra, arms in points:
    d = runs / slug(f, v); base = d / 'baseline' if (arms is None or 'baseline' in arms) else runs / 'default' / 'baseline'
    (b, bw), (u, uw) = accs(base), accs(d / 'full')
    if len(b) < 2 or len(u) < 2: continue
    gap, noise = st.mean(u) - st.mean(b), max(st.stdev(b), st.stdev(u))
    rows.append(dict(factor=f, value=v if f != 'default' else ', '.join(f'{k}={x}' for k, x in S['default'].items()),
                     baseline=f'{st.mean(b):.2f} ± {st.stdev(b):.2f}', full=f'{st.mean(u):.2f} ± {st.stdev(u):.2f}',
                     gap=round(gap, 2), seed_std=round(noise, 2), verdict='full better' if gap > noise else 'baseline better' if -gap > noise else 'within noise',
                     baseline_seeds=' '.join(f'{x:.2f}' for x in b), full_seeds=' '.join(f'{x:.2f}' for x in u),
                     wall_s_per_run=round(st.mean(bw + uw), 1), _b=b, _u=u))
if not rows: sys.exit(f'no finished points under {runs}/; run with --run')
import pandas as pd
print(pd.DataFrame([{k: x for k, x in r.items() if not k.startswith('_')} for r in rows]).to_string(index=False))
(runs / 'sweep.json').write_text(json.dumps([{k: x for k, x in r.items()} for r in rows], indent=1, default=str))
import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
facs = [f for f in S['labels'] if any(r['factor'] == f for r in rows)]
fig, axs = plt.subplots(1, len(facs), figsize=(3.6 * len(facs), 3), squeeze=False, sharey=True)
d0 = next((r for r in rows if r['factor'] == 'default'), None)
for ax, f in zip(axs[0], facs):
    pts = ([(S['default'][f], d0)] if d0 else []) + [(r['value'], r) for r in rows if r['factor'] == f]
    pts.sort(key=lambda t: (isinstance(t[0], str), 0 if isinstance(t[0], str) else t[0]))   # numbers in order; names after, as listed
    xs = list(range(len(pts)))
    g = [st.mean(r['_u']) - st.mean(r['_b']) for _, r in pts]
    e = [(st.stdev(r['_u']) ** 2 / len(r['_u']) + st.stdev(r['_b']) ** 2 / len(r['_b'])) ** .5 for _, r in pts]
    ax.errorbar(xs, g, yerr=e, fmt='o-', capsize=3); ax.axhline(0, color='grey', lw=.8)
    ax.set_xticks(xs, [str(v) + (' *' if v == S['default'][f] else '') for v, _ in pts]); ax.set_xlabel(S['labels'][f] + '\n(* the centre: small before the sweep)')
axs[0][0].set_ylabel(f'full − baseline, points\n(mean of {len(a.seeds.split())} seeds ± s.e.)')
fig.suptitle(f"{'KD^3 vs KD on all web data (MNIST)' if a.method == 'kd3' else 'LightSKD vs cross-entropy (Fashion-MNIST)'}: last-epoch accuracy gap", fontsize=10)
fig.tight_layout(); fig.savefig(png, dpi=90); print('wrote', png)
