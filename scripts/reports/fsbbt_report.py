"""FS-BBT report: accuracy over seeds on MNIST / FashionMNIST, the MNIST ablation rows, timings,
and the test-accuracy-per-epoch figure nbs/images/fsbbt_mnist.png. Reads the result folders written by
  fskd distill fsbbt --config paper --dataset mnist        --seed 0 1 2 --mte-images 0 --out runs/fsbbt/mnist
  fskd distill fsbbt --config paper --dataset fashionmnist --seed 0 1 2 --mte-images 0 --out runs/fsbbt/fashionmnist
  fskd distill fsbbt --config paper --dataset mnist --seed 0 --mte-images 0 --set cvae=false --out runs/fsbbt/ablation-mnist/mixup-only
  fskd distill student-alone --config paper --dataset mnist --seed 0 --mte-images 0 --out runs/fsbbt/ablation-mnist/student-alone
  fskd distill standard-kd --config paper   --dataset mnist --seed 0 --mte-images 0 --out runs/fsbbt/ablation-mnist/standard-kd
usage: python scripts/reports/fsbbt_report.py [--runs runs/fsbbt] [--png nbs/images/fsbbt_mnist.png]"""
import argparse
from pathlib import Path
import pandas as pd
from fskd_nb.core import load_result, load_results, summarize, pm_table

p = argparse.ArgumentParser(); p.add_argument('--runs', default='runs/fsbbt'); p.add_argument('--png', default='nbs/images/fsbbt_mnist.png')
a = p.parse_args(); runs = Path(a.runs)

def timing(r):
    t, h = r.extra.get('times', {}), r.extra.get('history', [])
    ep = [row['time_s'] for row in h]
    return dict(cvae_s=t.get('cvae_train_s'), student_s=t.get('student_s'), s_per_epoch=sum(ep) / len(ep) if ep else None, wall_s=r.wall_s)

for ds in ('mnist', 'fashionmnist'):
    if not (runs/ds).is_dir(): continue
    rs = [load_result(d) for d in sorted((runs/ds).glob('seed_*')) if (d/'result.json').exists()]
    if not rs: continue
    df = pd.DataFrame([dict(seed=r.seed, acc_last=r.acc_last, acc_best=r.acc_best, agreement=r.agreement, queries_total=r.queries_total,
                            **r.extra['pool'], **timing(r)) for r in rs])
    print(f'\n## FS-BBT {ds}, paper config, N = {rs[0].shots * 10}\n'); print(df.round(2).to_string(index=False))
    print(pm_table(summarize(load_results(runs/ds))).to_string())

ab = runs/'ablation-mnist'
rows = [('Student-Alone', ab/'student-alone'), ('Standard-KD', ab/'standard-kd'), ('MixUp-only', ab/'mixup-only'),
        ('FS-BBT (MixUp + CVAE)', runs/'mnist'/'seed_0')]
rows = [(n, load_result(d)) for n, d in rows if (d/'result.json').exists()]
if rows:
    print('\n## MNIST ablation, seed 0\n')
    print(pd.DataFrame([dict(row=n, acc_last=r.acc_last, acc_best=r.acc_best, agreement=r.agreement, queries_total=r.queries_total, wall_s=r.wall_s)
                        for n, r in rows]).round(2).to_string(index=False))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for n, r in rows:
        h = r.extra.get('history') or []
        if h: ax.plot([row['epoch'] + 1 for row in h if 'acc' in row], [row['acc'] for row in h if 'acc' in row], label=f'{n} ({r.acc_last:.2f})')
        else: ax.axhline(r.acc_last, ls='--', lw=1, label=f'{n} ({r.acc_last:.2f}, last epoch)', color='gray' if 'Alone' in n else 'k')
    ax.set(xlabel='epoch', ylabel='test accuracy (%)', ylim=(90, 99.5), title='MNIST, N = 2000, LeNet-5 → LeNet-5-Half, seed 0')
    ax.grid(alpha=.3); ax.legend(fontsize=8, loc='lower right'); fig.tight_layout()
    Path(a.png).parent.mkdir(parents=True, exist_ok=True); fig.savefig(a.png, dpi=110); print('\nfigure:', a.png)
