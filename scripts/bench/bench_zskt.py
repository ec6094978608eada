"""ZSKT's pseudo-batch on the paper pair (WRN-40-2 teacher → WRN-16-1 student, batch 128, one generator step and ten student
steps), timed in one process: the reference loop (written from the reference code's description: G(z) regenerated *with*
gradients on every student step and the student loss back-propagated into G, teacher logits and activations once per
pseudo-batch, NCHW tensors) against `zskt_step` as the package runs it (float32), `zskt_step` with every network
channels_last, and `zskt_step` under bf16 autocast (timing only: on CPUs with native bf16, e.g. AMX, it halves the step,
but a lesson-scale MNIST run under bf16 autocast collapsed to 19-30 % where float32 reaches 62-86 %, so the package
does not use it).
Then a torch.profiler table of one package pseudo-batch. Random weights (the timing does not depend on them).
usage: python scripts/bench/bench_zskt.py [--steps 5] [--warmup 1] [--variants reference,package] [--out runs/bench/zskt.json]
(variants timed interleaved, one pseudo-batch each in turn; medians)"""
import argparse, json, platform, statistics as st, time
import torch, torch.nn as nn, torch.nn.functional as F
from fskd_nb.models import get_model, Activations
from fskd_nb.teacher import Teacher
from fskd_nb.losses import attention_transfer
from fskd_nb.methods.zskt import Generator, zskt_step, zskt_kl

p = argparse.ArgumentParser()
p.add_argument('--steps', type=int, default=5); p.add_argument('--warmup', type=int, default=1)
p.add_argument('--variants', default='reference,package', help='of: reference, package, "package, channels_last", "package, bf16 autocast"'); p.add_argument('--bs', type=int, default=128); p.add_argument('--out', default='runs/bench/zskt.json')
a = p.parse_args()
torch.manual_seed(0)
LAYERS = lambda m: list(m.stages)

def nets(cl:bool):
    "Teacher, student, generator and their optimisers, fresh for each variant (same seed)."
    torch.manual_seed(0)
    T, S, G = get_model('wrn_40_2', 10, 3).eval(), get_model('wrn_16_1', 10, 3), Generator(100, 128, 3)
    if cl: T, S = T.to(memory_format=torch.channels_last), S.to(memory_format=torch.channels_last)
    G = G.to(memory_format=torch.channels_last)   # as the package does on every device
    for q in T.parameters(): q.requires_grad_(False)
    return T, S, G, torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(S.parameters(), 2e-3)

def reference_step(T, S, G, optG, optS, z, beta=250., n_s=10, clip=5.):
    "The reference's pseudo-batch: x = G(z) with gradients for the G step and again for every student step."
    x = G(z)
    loss_g = -zskt_kl(S(x), T(x))
    optG.zero_grad(); loss_g.backward(); nn.utils.clip_grad_norm_(G.parameters(), clip); optG.step()
    with torch.no_grad():
        with Activations(T, LAYERS(T)) as ta: t_logits = T(G(z))
        t_acts = [v.detach() for v in ta.values()]
    for _ in range(n_s):
        x = G(z)   # with gradients: the student loss reaches G; its .grad is thrown away by the next zero_grad
        with Activations(S, LAYERS(S)) as sa: s_logits = S(x)
        loss_s = zskt_kl(s_logits, t_logits) + beta * attention_transfer(sa.values(), t_acts)
        optS.zero_grad(); optG.zero_grad(); loss_s.backward(); nn.utils.clip_grad_norm_(S.parameters(), clip); optS.step()

def make_variant(name):
    T, S, G, optG, optS = nets(cl=name == 'package, channels_last')
    z = torch.randn(a.bs, 100)
    if name == 'reference': return lambda: reference_step(T, S, G, optG, optS, z)
    tw, amp = Teacher(T, mode='white_box', name='wrn_40_2'), name == 'package, bf16 autocast'
    def f():
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=amp): zskt_step(G, S, tw, optG, optS, z, beta=250., n_s=10, clip=5., s_layers=LAYERS(S), t_layers=LAYERS(T))
    return f

fs = {name: make_variant(name) for name in a.variants.split(',')}
for f in fs.values():
    for _ in range(a.warmup): f()
ts = {name: [] for name in fs}
for _ in range(a.steps):   # interleaved: one pseudo-batch of each variant in turn
    for name, f in fs.items(): t0 = time.perf_counter(); f(); ts[name].append(time.perf_counter() - t0)
rows = []
for name, t in ts.items():
    rows.append(dict(variant=name, median_s=st.median(t), runs_s=t))
    print(f'{name:26s} {st.median(t):6.2f} s per pseudo-batch (median of {a.steps}: {", ".join(f"{x:.2f}" for x in t)})', flush=True)
ref = rows[0]['median_s']
for r in rows: r['speedup_vs_reference'] = ref / r['median_s']; print(f"{r['variant']:26s} {r['speedup_vs_reference']:.2f}× the reference")

from torch.profiler import profile, ProfilerActivity
best = 'package'   # the float32 step: what the same maths costs
with profile(activities=[ProfilerActivity.CPU]) as prof: fs[best]()
table = prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=15)
print(f'\nprofile of one pseudo-batch ({best}):\n{table}')
out = dict(rows=rows, profile_of=best, profile=table, torch=torch.__version__, threads=torch.get_num_threads(), machine=platform.processor() or platform.machine(), bs=a.bs)
import os; os.makedirs(os.path.dirname(a.out), exist_ok=True); json.dump(out, open(a.out, 'w'), indent=1)
