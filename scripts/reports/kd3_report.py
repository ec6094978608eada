"""KD^3 report: the four arms of the ablation (KD on all web data, + selection, + alignment, + MixDistribution) on MNIST (LeNet-5 -> LeNet-5-Half, `small` config,
seeds 0-2, rho = 0.5 as `small` had it before the sweep of scripts/reports/sweep.py moved it to 0.9): accuracy mean ± std, wall time, the selection ratio and the share of shifted digits vs out-of-task images
among the selected per epoch (table + nbs/images/kd3_selection.png). With --run it first runs the arms:
  fskd distill kd3 --config small --teacher-mode white_box --seed 0 1 2 --mte-images 0 --set select=... --out runs/kd3/<arm>
With --extra it also runs / reports the variants tried when the full method did not beat KD on all web data (EXTRA below).
usage: python scripts/reports/kd3_report.py [--run] [--extra] [--runs runs/kd3] [--png nbs/images/kd3_selection.png] [--set KEY=VALUE ...]"""
import argparse, statistics as st, subprocess, sys
from pathlib import Path
import pandas as pd
from fskd_nb.core import load_result
from fskd_nb.methods.kd3 import ARMS, mean_selection, plot_selection

p = argparse.ArgumentParser(); p.add_argument('--run', action='store_true'); p.add_argument('--runs', default='runs/kd3')
p.add_argument('--png', default='nbs/images/kd3_selection.png'); p.add_argument('--set', action='append', default=[], help='extra --set for every arm')
p.add_argument('--seeds', default='0 1 2'); p.add_argument('--extra', action='store_true')
a = p.parse_args(); runs = Path(a.runs)
# variants tried (same seeds, same small config unless the dict says otherwise; '_epochs' is the CLI's --epochs)
EXTRA = (('full, rho falls 1 -> 0.5 (rising threshold)', 'kd3', dict(rho_start=1.)),
         ('full, keep 80 %', 'kd3', dict(rho=.8)),
         ('full, 10 epochs (as many steps as KD on all data in 5)', 'kd3', dict(_epochs=10)),
         ('+ selection, 10 epochs', 'kd3', dict(select=True, align=False, mixdist=False, _epochs=10)),
         ('KD on all web data, 10 epochs', 'kd3', dict(select=False, align=False, mixdist=False, _epochs=10)),
         ('KD on all web data + MixDistribution', 'kd3', dict(select=False, align=False, mixdist=True)),
         ('KD on all web data + alignment + MixDistribution', 'kd3', dict(select=False, align=True, mixdist=True)))
ALL = ARMS + (EXTRA if a.extra else ())
slug = lambda n: ''.join(c if c.isalnum() else '-' for c in n.lower().replace('+ ', 'plus-').replace('^', '').replace('(', '').replace(')', '')).strip('-').replace('--', '-')
if a.run:
    fskd = str(Path(sys.executable).parent / 'fskd')
    for name, _, params in (EXTRA if a.extra else ARMS):
        params = dict(params); ep = params.pop('_epochs', None)
        cmd = [fskd, 'distill', 'kd3', '--config', 'small', '--teacher-mode', 'white_box', '--seed', *a.seeds.split(), '--mte-images', '0',
               '--out', str(runs / slug(name))] + (['--epochs', str(ep)] if ep else []) + ['--set', 'rho=0.5']   # the small preset's ρ before the sweep (scripts/reports/sweep.py)
        for k, v in list(params.items()) + [tuple(s.split('=', 1)) for s in a.set]: cmd += ['--set', f'{k}={str(v).lower() if isinstance(v, bool) else v}']
        print(' '.join(cmd), flush=True); subprocess.run(cmd, check=True)
res = {n: [load_result(d) for d in sorted((runs / slug(n)).glob('seed_*')) if (d / 'result.json').exists()] for n, _, _ in ALL}
res = {n: rs for n, rs in res.items() if rs}
rows = []
for n, rs in res.items():
    acc = [r.acc_last for r in rs]; best = [r.acc_best for r in rs]
    rows.append(dict(arm=n, seeds=len(rs), acc_last=f'{st.mean(acc):.2f} ± {st.stdev(acc) if len(acc) > 1 else 0:.2f}',
                     acc_best=f'{st.mean(best):.2f}', per_seed=' '.join(f'{x:.2f}' for x in acc), agreement=f"{st.mean(r.agreement for r in rs):.2f}",
                     queries=rs[0].queries_total, epoch_s=round(st.mean(r.extra['times']['student_epoch_s'] for r in rs), 2),
                     wall_s=round(st.mean(r.wall_s for r in rs), 1)))
print(pd.DataFrame(rows).to_string(index=False))
if all(n in res for n, _, _ in ARMS):
    full, kd = [[r.acc_last for r in res[n]] for n in (ARMS[-1][0], ARMS[0][0])]
    gap, spread = st.mean(full) - st.mean(kd), max(st.stdev(full), st.stdev(kd))
    print(f'\nfull KD^3 - KD on all web data: {gap:+.2f} points; largest seed std of the two: {spread:.2f} -> '
          f"{'beats it by more than the spread' if gap > spread else 'does NOT beat it by more than the spread'}")
print('\nselection per epoch (mean over seeds):')
for n, rs in res.items():
    df = pd.DataFrame(mean_selection(rs)); df['epoch'] = (df['epoch'] + 1).astype(int)
    print(f'  {n}\n' + df.round(3).to_string(index=False))
print('\npool:', next(iter(res.values()))[0].extra['pool'], '| config:', {k: v for k, v in next(iter(res.values()))[0].config['params'].items()})
if res:
    import matplotlib; matplotlib.use('Agg')
    shown = [ARMS[0][0], ARMS[1][0], ARMS[-1][0], EXTRA[0][0]]
    ax = plot_selection({n: res[n] for n in shown if n in res}, arm=ARMS[-1][0]); ax[0].figure.tight_layout(); ax[0].figure.savefig(a.png, dpi=90); print('wrote', a.png)
