"""ZSKT report: accuracy and MTE of the zero-shot students against Standard-KD students on MNIST.
Reads the result folders written by
  fskd distill zskt --config small --teacher-mode white_box --seed 0 1 2 --mte-images 1000 --mte-steps 100 --mte-k 100 --set disagree=kl box=false n_batches=1500 --out runs/zskt-small
  fskd distill standard-kd --config paper --seed 0 1 2 --mte-images 1000 --mte-steps 100 --mte-k 100 --out runs/standard-kd-mte
prints mean ± std per method, and draws both seed-0 students' average transition curves against the teacher
(recomputed from the saved student.pt on the same 1000-image probe protocol) into nbs/images/zskt_mte_mnist.png.
usage: python scripts/reports/zskt_report.py [--runs runs] [--png nbs/images/zskt_mte_mnist.png]"""
import argparse, torch
from pathlib import Path
from fskd_nb.core import load_results, summarize, load_result
from fskd_nb.data import load_split, input_tfm
from fskd_nb.models import get_model
from fskd_nb.teachers import get_teacher
from fskd_nb.transition import agreeing_images, transition_curves, mte, plot_transition_curves

p = argparse.ArgumentParser(); p.add_argument('--runs', default='runs'); p.add_argument('--png', default='nbs/images/zskt_mte_mnist.png')
a = p.parse_args(); runs = Path(a.runs)
dirs = {'ZSKT (small, zero real images)': runs/'zskt-small', 'Standard-KD (N = 2000 real images)': runs/'standard-kd-mte'}
import pandas as pd
df = pd.concat([load_results(d) for d in dirs.values()], ignore_index=True)
cols = ['method', 'seed', 'acc_last', 'acc_best', 'agreement', 'mte', 'queries_total', 'wall_s']
print(df[cols].to_string(index=False)); print(summarize(df).to_string())
import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
test = load_split('mnist', 'test'); x = input_tfm('mnist', 'lenet5_half', augment=False)(test.x)
fig, axs = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, (name, d) in zip(axs, dirs.items()):
    r, ck = load_result(d/'seed_0'), torch.load(d/'seed_0'/'student.pt', weights_only=True)
    s = get_model(ck['arch']); s.load_state_dict(ck['state_dict']); s.eval()
    t = get_teacher(r.teacher, mode='soft')
    xa, ca = agreeing_images(s, t, x, r.config['mte_images'], seed=0)
    pA, pB = transition_curves(s, t, xa, ca, r.config['mte_steps'])
    print(f'{name}: seed 0 recomputed MTE {mte(pA, pB, r.config["mte_k"]):.4f} (result.json: {r.mte:.4f})')
    plot_transition_curves(pA, pB, k=30, ax=ax); ax.set_title(f'{name}\nMTE (first {r.config["mte_k"]} steps) = {r.mte:.3f}, acc {r.acc_last:.2f}%', fontsize=9)
fig.suptitle('MNIST, LeNet-5 teacher -> LeNet-5-Half: transition curves stepping on the student (1000 images x 9 targets)', fontsize=10)
fig.tight_layout(); Path(a.png).parent.mkdir(parents=True, exist_ok=True); fig.savefig(a.png, dpi=110); print('wrote', a.png)
