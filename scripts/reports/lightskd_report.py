"""LightSKD report: the four arms of the ablation (baseline CE, + DRG, + DSR, + both) on the
`small` config (Fashion-MNIST, 10 000-image balanced subset, full test set, ResNet-8, 10 epochs), seeds 0-2: last-epoch
accuracy mean ± std, wall time per epoch, the loss terms, and the sorted-softmax profile plot (nbs/images/lightskd_profile.png).
With --run it first runs the arms:
  fskd distill lightskd --config small --dataset fashionmnist --epochs 10 --seed 0 1 2 --set drg=... --set dsr=... --out runs/lightskd/<arm>
With --extra it also runs / reports the variants below (EXTRA).
usage: python scripts/reports/lightskd_report.py [--run] [--extra] [--runs runs/lightskd] [--png nbs/images/lightskd_profile.png]"""
import argparse, statistics as st, subprocess, sys
from pathlib import Path
import pandas as pd, torch
from fskd_nb.core import load_result
from fskd_nb.data import load_split, input_tfm, get_spec
from fskd_nb.models import get_model
from fskd_nb.methods.lightskd import ARMS, sorted_probs, plot_profiles

p = argparse.ArgumentParser(); p.add_argument('--run', action='store_true'); p.add_argument('--runs', default='runs/lightskd')
p.add_argument('--png', default='nbs/images/lightskd_profile.png'); p.add_argument('--dataset', default='fashionmnist')
p.add_argument('--config', default='small'); p.add_argument('--seeds', default='0 1 2'); p.add_argument('--extra', action='store_true')
p.add_argument('--set', action='append', default=[], help='extra --set KEY=VALUE for every arm'); p.add_argument('--device', default=None)
a = p.parse_args(); runs = Path(a.runs)
EXTRA = (('adapter CE only (no DRG)', 'lightskd', dict(drg=False, dsr=False, aux=True)),)
ALL = ARMS + (EXTRA if a.extra else ())
slug = lambda n: '-'.join(''.join(c if c.isalnum() else ' ' for c in n.lower().replace('+', 'plus')).split())
if a.run:
    fskd = str(Path(sys.executable).parent / 'fskd')
    for name, _, params in (EXTRA if a.extra else ARMS):
        cmd = [fskd, 'distill', 'lightskd', '--config', a.config, '--dataset', a.dataset, '--seed', *a.seeds.split(), '--out', str(runs / slug(name))]
        cmd += ['--epochs', '10']   # the small preset's epochs before the sweep of scripts/reports/sweep.py moved them to 30
        cmd += ['--device', a.device] if a.device else []
        for k, v in list(params.items()) + [tuple(s.split('=', 1)) for s in a.set]: cmd += ['--set', f'{k}={str(v).lower() if isinstance(v, bool) else v}']
        print(' '.join(cmd), flush=True); subprocess.run(cmd, check=True)
res = {n: [load_result(d) for d in sorted((runs / slug(n)).glob('seed_*')) if (d / 'result.json').exists()] for n, _, _ in ALL}
res = {n: rs for n, rs in res.items() if rs}
if not res: sys.exit(f'no results under {runs}/; run with --run first')
sd = lambda v: st.stdev(v) if len(v) > 1 else 0.
rows, base = [], None
for n, rs in res.items():
    acc = [r.acc_last for r in rs]
    if base is None: base = st.mean(acc)
    h = [r.extra['history'] for r in rs]
    rows.append(dict(arm=n, seeds=len(rs), acc_last=f'{st.mean(acc):.2f} ± {sd(acc):.2f}', gain=f'{st.mean(acc) - base:+.2f}',
                     acc_best=f'{st.mean(r.acc_best for r in rs):.2f}', per_seed=' '.join(f'{x:.2f}' for x in acc),
                     train_s_per_epoch=round(st.mean(row['time_s'] for hh in h for row in hh), 2),
                     s_per_epoch_with_eval=round(st.mean(r.extra['times']['student_epoch_s'] for r in rs), 2), wall_s=round(st.mean(r.wall_s for r in rs), 1),
                     adapter_params=rs[0].extra['adapter_params']))
print(pd.DataFrame(rows).to_string(index=False))
print('\nloss terms in the last epoch (mean over seeds):')
print(pd.DataFrame([dict(arm=n, **{k: round(st.mean(r.extra['history'][-1].get(k, 0.) for r in rs), 4) for k in ('ce', 'ce_aux', 'drg', 'dsr')})
                    for n, rs in res.items()]).to_string(index=False))
r0 = next(iter(res.values()))[0]
print('\ndevice:', r0.device, '| n_train:', r0.extra['n_train'], '| n_test:', r0.extra['n_test'], '| config:', r0.config['params'])
# the profile plot: every seed's saved backbone on the first 500 test images
test = load_split(r0.dataset, 'test', download=False)
x = input_tfm(r0.dataset, r0.student, augment=False)(test.x[:500])
prof = {}
for n, rs in res.items():
    ps = []
    for d in sorted((runs / slug(n)).glob('seed_*')):
        ck = torch.load(d / 'student.pt', weights_only=True)
        m = get_model(ck['arch'], get_spec(r0.dataset).n_classes, x.shape[1]); m.load_state_dict(ck['state_dict']); ps.append(sorted_probs(m, x))
    prof[n] = torch.stack(ps).mean(0)   # the seeds' mean profile per image
print('\nmean sorted softmax over 500 test images (top 4 ranks) and entropy:')
print(pd.DataFrame([dict(arm=n, **{f'p{i + 1}': round(float(p.mean(0)[i]), 4) for i in range(4)},
                         entropy=round(float(-(p * p.clamp_min(1e-12).log()).sum(1).mean()), 4)) for n, p in prof.items()]).to_string(index=False))
import matplotlib; matplotlib.use('Agg')
ax = plot_profiles(prof); ax[0].figure.suptitle(f'sorted softmax per arm ({r0.dataset}, {r0.student}, mean of {len(next(iter(res.values())))} seeds)', fontsize=9)
ax[0].figure.tight_layout(); ax[0].figure.savefig(a.png, dpi=90); print('wrote', a.png)
