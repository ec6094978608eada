"""A whole short run against a bare PyTorch loop on the same model and data (the limit of this machine for that work).

  bare   a plain loop a user would write: the 2 000 few-shot MNIST images and the test set as float tensors already
         resized to 32 px, a seeded permutation per epoch, LeNet-5-Half, SGD (lr 1e-2, momentum 0.9, wd 5e-4),
         cross-entropy, batch 128, 100 epochs, the test accuracy after every epoch (the preset's acc_best needs it)
         under torch.no_grad in batches of 1 000.
  train  the same loop with the test accuracy only once, at the end (training alone).
  fskd   `run(RunConfig(method='student-alone', config='paper', ...))`: the same model, images, optimiser, batch and
         epochs, everything the package does around them included (data draw, the teacher's start probe, the
         per-epoch test accuracy for acc_best, the final evaluation against the teacher; the MTE off as in the bare loop).

Each measurement is a fresh process; kinds interleaved; medians over --repeats. Prints the ratio fskd / bare.
usage: python scripts/bench/bench_student.py [--repeats 3] [--epochs 100] [--shots 200] [--out runs/bench/student.json]"""
import argparse, json, os, platform, statistics as st, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument('--repeats', type=int, default=3); p.add_argument('--epochs', type=int, default=100); p.add_argument('--shots', type=int, default=200)
p.add_argument('--kinds', default='train,bare,fskd'); p.add_argument('--out', default='runs/bench/student.json')
p.add_argument('--profile', default=None, help='write a cProfile of one fskd run to this file and print its top functions')
p.add_argument('--before', default=None, help='a checkout of an earlier fskd_nb: adds the kind `before`, its run timed the same way (PYTHONPATH)')
p.add_argument('--one', default=None, help=argparse.SUPPRESS)
a = p.parse_args()

def cfg():
    from fskd_nb.run import RunConfig
    return RunConfig(method='student-alone', dataset='mnist', config='paper', shots=a.shots, epochs=a.epochs, seed=0, progress=False, mte_images=0, device='cpu')

def bare(every=1):
    "The loop, timed from the tensors in memory to the test accuracy; data loading is timed apart (load_s)."
    import torch, torch.nn.functional as F
    from fskd_nb.data import load_split, few_shot
    from fskd_nb.models import build_student
    t0 = time.perf_counter()
    tr, te = load_split('mnist', 'train', download=False), load_split('mnist', 'test', download=False)
    fs = few_shot(tr, a.shots, seed=0)
    prep = lambda x: F.interpolate(x.float().div(255).unsqueeze(1) if x.ndim == 3 else x.float().div(255), size=32, mode='bilinear', align_corners=False)
    x, y, xt, yt = prep(fs.x), fs.y, prep(te.x), te.y
    load_s = time.perf_counter() - t0
    torch.manual_seed(0)
    m = build_student('lenet5_half', 10, 1)
    opt = torch.optim.SGD(m.parameters(), lr=1e-2, momentum=0.9, weight_decay=5e-4)
    g = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    def test():
        m.eval()
        with torch.no_grad(): acc = torch.cat([m(b).argmax(1) for b in xt.split(1000)]).eq(yt).float().mean().item() * 100
        m.train(); return acc
    accs = []
    for e in range(a.epochs):
        m.train()
        for i in torch.randperm(len(x), generator=g).split(128):
            loss = F.cross_entropy(m(x[i]), y[i]); opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        if (e + 1) % every == 0 or e + 1 == a.epochs: accs.append(test())
    return dict(wall_s=time.perf_counter() - t0, load_s=load_s, acc_last=accs[-1], acc_best=max(accs))

def fskd():
    from fskd_nb.run import run
    c = cfg(); t0 = time.perf_counter()
    if a.profile:
        import cProfile, pstats
        pr = cProfile.Profile(); pr.enable(); r = run(c); pr.disable(); pr.dump_stats(a.profile)
        pstats.Stats(a.profile).sort_stats('tottime').print_stats(15)
    else: r = run(c)
    wall = time.perf_counter() - t0
    return dict(wall_s=wall, acc_last=r.acc_last, acc_best=r.acc_best)

if a.one:
    import torch
    row = dict(kind=a.one, **(bare() if a.one == 'bare' else bare(a.epochs) if a.one == 'train' else fskd()), fskd_nb=__import__('fskd_nb').__file__, machine=f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(json.dumps(row)); sys.exit()
if a.profile: a.one = 'fskd'; print(fskd()); sys.exit()
KINDS, rows = a.kinds.split(',') + (['before'] if a.before else []), []
for i in range(a.repeats):
    for k in KINDS:
        cmd = [sys.executable, __file__, '--one', k, f'--epochs={a.epochs}', f'--shots={a.shots}']
        env = dict(os.environ, PYTHONPATH=a.before) if k == 'before' else None
        out = subprocess.run(cmd[:3] + ['fskd' if k == 'before' else k] + cmd[4:], capture_output=True, text=True, env=env)
        if out.returncode: print(out.stderr[-3000:]); sys.exit(out.returncode)
        rows.append(dict(json.loads(out.stdout.strip().splitlines()[-1]), kind=k)); print({k: v for k, v in rows[-1].items() if k != 'machine'}, flush=True)
med = {k: st.median(r['wall_s'] for r in rows if r['kind'] == k) for k in KINDS}
for k in ('bare', 'train'):
    if k in KINDS: med[k + '_with_load'] = st.median(r['wall_s'] + r['load_s'] for r in rows if r['kind'] == k)
res = dict(machine=rows[0]['machine'], config=vars(a), rows=rows, median_wall_s=med,   # fskd's wall includes its data loading; bare's is timed apart
           ratio_fskd_over_bare=round(med['fskd'] / med['bare'], 3) if {'bare', 'fskd'} <= set(KINDS) else None,
           ratio_fskd_over_bare_with_load=round(med['fskd'] / med['bare_with_load'], 3) if {'bare', 'fskd'} <= set(KINDS) else None,
           ratio_fskd_over_train_with_load=round(med['fskd'] / med['train_with_load'], 3) if {'train', 'fskd'} <= set(KINDS) else None,
           ratio_before_over_bare=round(med['before'] / med['bare'], 3) if {'bare', 'before'} <= set(KINDS) else None)
from fskd_nb.core import atomic_write
atomic_write(a.out, json.dumps(res, indent=1))
print(json.dumps({k: res[k] for k in ('machine', 'median_wall_s', 'ratio_fskd_over_bare', 'ratio_fskd_over_bare_with_load', 'ratio_fskd_over_train_with_load', 'ratio_before_over_bare')}, indent=1))
