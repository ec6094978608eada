"""DivBFKD's critic step on the paper's MNIST GAN (z 100, base 256, critic BatchNorm, RMSprop 5e-5, WGAN-GP λ 10, a G step
every 5 critic steps), batch 128, timed in one process, interleaved, medians:
  reference  a step with the structure of the reference code's stage-1 batch (written from its description, on the same
             networks and teacher): G(z) kept in the autograd graph for the critic's step, the critic on the real and the
             synthetic batch, the teacher asked about the synthetic batch outside no_grad, the gradient penalty, the
             confident images collected per class (one index search per class), and the teacher asked about the real batch
             too (the reference's confidence metric); a G step every 5 critic steps.
  package    `DivGAN.step` as the package runs it (G under no_grad for the critic, one teacher query per step).
The reference's optional critic regulariser (sigmoid of the critic against the teacher's confidence) is left out of
both: the paper's MNIST runs do not weight it.
usage: python scripts/bench/bench_gan.py [--steps 20] [--repeats 3] [--base 256] [--bs 128]"""
import argparse, platform, statistics as st, time
import torch
from fskd_nb.teachers import get_teacher
from fskd_nb.data import load_sample
from fskd_nb.methods.divbfkd import DivGAN, gradient_penalty

p = argparse.ArgumentParser()
p.add_argument('--steps', type=int, default=20); p.add_argument('--repeats', type=int, default=3)
p.add_argument('--base', type=int, default=256); p.add_argument('--bs', type=int, default=128); p.add_argument('--profile', action='store_true')
a = p.parse_args()
torch.manual_seed(0)
T = get_teacher('lenet5-mnist', mode='soft')
x = load_sample('train').x[:1000].float().div(255)
x = torch.nn.functional.interpolate(x, size=32, mode='bilinear', align_corners=False)
p_real = T(x, phase='distill')

def make():
    g = DivGAN(x, p_real, T, z_dim=100, base=a.base, bs=a.bs, n_critic=5, lam_gp=10., opt='rmsprop', lr=5e-5, critic_bn=True, seed=0)
    g._buf = []
    return g

def reference_step(g, xr, state):
    "One critic step with the reference's structure, on `g`'s networks and optimisers."
    G, D, n, K = g.G, g.D, len(xr), g.K
    g.optD.zero_grad()
    xs = G(torch.randn(n, G.z_dim))                       # kept in the graph: the critic's backward runs on into G
    lr_, ls_ = D(xr), D(xs)
    pt = g.teacher.model(xs).softmax(1)                   # the teacher outside no_grad
    loss = ls_.mean() - lr_.mean() + 10. * gradient_penalty(D, xr, xs)
    loss.backward(); g.optD.step()
    with torch.inference_mode():
        conf, pred = pt.max(1)
        for k in range(K): state['cand'].append(xs[((pred == k) & (conf > g.tau[k])).nonzero().squeeze(1)])
        state['conf_r'] = g.teacher.model(xr).softmax(1).log().max(1)[0].mean()   # the real batch's confidence metric
    state['i'] += 1
    if state['i'] % 5 == 0:
        g.optG.zero_grad(); (-D(G(torch.randn(n, G.z_dim))).mean()).backward(); g.optG.step()

gs = {'reference': make(), 'package': make()}
state = dict(cand=[], i=0)
batches = [x[torch.randperm(len(x))[:a.bs]] for _ in range(a.steps)]
run = {'reference': lambda: [reference_step(gs['reference'], b, state) for b in batches],
       'package': lambda: [gs['package'].step(b) for b in batches]}
for f in run.values(): f()   # warm-up
ts = {k: [] for k in run}
for _ in range(a.repeats):
    for k, f in run.items():
        t0 = time.perf_counter(); f(); ts[k].append(time.perf_counter() - t0); state['cand'].clear(); gs['package']._buf.clear()
med = {k: st.median(v) for k, v in ts.items()}
print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, threads {torch.get_num_threads()}; base {a.base}, batch {a.bs}, {a.steps} critic steps")
for k, v in ts.items(): print(f"{k:10s} {med[k]:6.2f} s per {a.steps} critic steps (median of {a.repeats}: {', '.join(f'{t:.2f}' for t in v)})")
print(f"package: {med['reference'] / med['package']:.2f}x the reference")
if a.profile:
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU]) as prof: run['package']()
    print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=12))
