"""DivBFKD report: accuracy over seeds on MNIST / FashionMNIST, the MNIST ablation rows, timings
(per GAN epoch, per student epoch), and the figure nbs/images/divbfkd_mnist.png (acceptance rate and the pool's
synthetic fraction per GAN epoch; student test accuracy per epoch for every ablation row). Reads the folders written by
  fskd distill divbfkd --config paper --dataset mnist --seed 0 1 2 --mte-images 0 [--set ...] --out runs/divbfkd/mnist
  fskd distill divbfkd --config paper --dataset fashionmnist --seed 0 1 2 --mte-images 0 [--set ...] --out runs/divbfkd/fashionmnist
  python -c "from fskd_nb.run import ablation, RunConfig; ablation(RunConfig('divbfkd', config='paper', out='runs/divbfkd/ablation-mnist', ...))"
usage: python scripts/reports/divbfkd_report.py [--runs runs/divbfkd] [--png nbs/images/divbfkd_mnist.png]"""
import argparse
from pathlib import Path
import pandas as pd
from fskd_nb.core import load_result, load_results, summarize, pm_table

p = argparse.ArgumentParser(); p.add_argument('--runs', default='runs/divbfkd'); p.add_argument('--png', default='nbs/images/divbfkd_mnist.png')
a = p.parse_args(); runs = Path(a.runs)

def row(r):
    t, s, gh = r.extra.get('times', {}), r.extra.get('synth', {}), r.extra.get('gan_history', [])
    return dict(seed=r.seed, acc_last=r.acc_last, acc_best=r.acc_best, agreement=r.agreement, queries_total=r.queries_total,
                synth_queried=s.get('queried'), m=s.get('m'), final_acc_rate=gh[-1].get('acc_rate') if gh else None,
                gan_epoch_s=t.get('gan_epoch_s'), student_epoch_s=t.get('student_epoch_s'), gan_s=t.get('gan_s'), synth_s=t.get('synth_s'),
                student_s=t.get('student_s'), wall_s=r.wall_s)

for ds in ('mnist', 'fashionmnist'):
    if not (runs/ds).is_dir(): continue
    rs = [load_result(d) for d in sorted((runs/ds).glob('seed_*')) if (d/'result.json').exists()]
    if not rs: continue
    P = rs[0].config['params']
    print(f"\n## DivBFKD {ds}, N = {rs[0].config['n_real']}: base {P['base']}, latent {P['z_dim']}, GAN bs {P['gan_bs']}, {P['gan_opt']} {P['gan_lr']}, "
          f"{P['gan_epochs']} GAN epochs, M = {P['m']}, {rs[0].config['epochs']} student epochs, bs {rs[0].config['bs']}, lr {rs[0].config['lr']}\n")
    print(pd.DataFrame([row(r) for r in rs]).round(3).to_string(index=False))
    print(pm_table(summarize(load_results(runs/ds))).to_string())

ab = runs/'ablation-mnist'
names = ['Student-Alone', 'Standard-KD', 'plain WGAN', '+ AT', '+ CB', 'DivBFKD (AT + CB)']
slug = lambda n: n.lower().replace('+ ', 'plus-').replace(' ', '-').replace('(', '').replace(')', '')
rows = [(n, load_result(ab/slug(n))) for n in names if (ab/slug(n)/'result.json').exists()]
if rows:
    print('\n## MNIST ablation, seed 0\n')
    print(pd.DataFrame([dict(row=n, **{k: v for k, v in row(r).items() if k != 'seed'}) for n, r in rows]).round(3).to_string(index=False))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, axs = plt.subplots(1, 3, figsize=(15, 3.8))
    for n, r in rows:
        gh = r.extra.get('gan_history') or []
        if gh and 'acc_rate' in gh[-1]:
            axs[0].plot([g['epoch'] for g in gh], [g['acc_rate'] for g in gh], label=n)
            axs[1].plot([g['epoch'] for g in gh], [g['pool_syn_frac'] for g in gh], label=n)
        h = [x for x in r.extra.get('history') or [] if 'acc' in x]
        if h: axs[2].plot([x['epoch'] + 1 for x in h], [x['acc'] for x in h], label=f'{n} ({r.acc_last:.2f})')
    axs[0].set(xlabel='GAN epoch', ylabel='accepted / synthetic images', title='acceptance rate (c > τ_ŷ)')
    axs[1].set(xlabel='GAN epoch', ylabel='synthetic share of the critic pool', title="pool's synthetic fraction")
    axs[2].set(xlabel='student epoch', ylabel='test accuracy (%)', ylim=(90, 99.5), title='student, MNIST N = 2000, seed 0')
    for ax in axs: ax.grid(alpha=.3); ax.legend(fontsize=8)
    fig.tight_layout(); Path(a.png).parent.mkdir(parents=True, exist_ok=True); fig.savefig(a.png, dpi=100); print('\nfigure:', a.png)
