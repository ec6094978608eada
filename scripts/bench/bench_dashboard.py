"""Overhead of watching a run, on DivBFKD (MNIST, the CPU-sized GAN). Each run is a fresh process; kinds interleaved, repeated:
  main       no callbacks, training in the main thread (what `fskd distill` does)
  thread     no callbacks, training in a background thread (what a dashboard must do, so the kernel stays free)
  dashboard  a headless `Dashboard`: the monitor, its render thread drawing the panels, the widgets updated (training in its thread)
  snapshots  the CLI's --live: the monitor and `Snapshots` writing PNGs every 10 s (training in the main thread)
Step time = the GAN's seconds per critic step and the student's seconds per batch, from the method's own per-epoch timers (the loops with
their callbacks: snapshots, probes; not the fixed work around them, reported as gan_phase_s / student_phase_s).
Dashboard overhead = dashboard vs thread; snapshots overhead = snapshots vs main; thread vs main is reported apart.
With --demo: the live demo's run instead (DivBFKD's lesson settings on Fashion-MNIST, ten images per class), the panels
following it every second; the dashboard's rows also give its drawing's share of the run, the panel updates and the
largest gap between two of them during the GAN.
usage: python scripts/bench/bench_dashboard.py [--demo] [--repeats 3] [--gan-epochs 15] [--epochs 10] [--m 10000] [--out runs/bench/dashboard.json]"""
import argparse, json, os, platform, statistics as st, subprocess, sys, tempfile, threading

p = argparse.ArgumentParser()
p.add_argument('--repeats', type=int, default=3); p.add_argument('--gan-epochs', type=int, default=15); p.add_argument('--epochs', type=int, default=10)
p.add_argument('--m', type=int, default=10_000); p.add_argument('--every', type=float, default=1.); p.add_argument('--device', default=None)
p.add_argument('--kinds', default='main,thread,dashboard,snapshots'); p.add_argument('--out', default='runs/bench/dashboard.json')
p.add_argument('--one', default=None, help=argparse.SUPPRESS); p.add_argument('--demo', action='store_true')
a = p.parse_args()
KINDS = a.kinds.split(',')

def one(kind):
    "One run of `kind` in this process; prints its row as JSON."
    import torch
    from fskd_nb.run import RunConfig, run
    from fskd_nb.dashboard import Dashboard, Monitor, Snapshots, run_watched
    sample = not os.environ.get('FSKD_DATA')
    if a.demo: cfg = RunConfig(method='divbfkd', dataset='fashionmnist', shots=10, config='lesson', seed=0, progress=False, device=a.device)
    else: cfg = RunConfig(method='divbfkd', dataset='mnist', config='paper', sample=sample, seed=0, progress=False, mte_images=0, epochs=a.epochs, device=a.device,
                          params=dict(base=32, gan_bs=64, gan_opt='adam', gan_lr=2e-4, critic_bn=False, gan_epochs=a.gan_epochs, m=a.m))
    extra = {}
    if kind == 'main': r = run(cfg)
    elif kind == 'thread':
        out = {}; th = threading.Thread(target=lambda: out.setdefault('r', run(cfg))); th.start(); th.join(); r = out['r']
    elif kind == 'dashboard':
        d = Dashboard(cfg, every=a.every); t0 = __import__('time').monotonic(); r = d.start().wait()
        gan_end = t0 + r.extra['times']['gan_s'] + 1; ts = [t for t in d.draw_times if t <= gan_end]
        extra = dict(monitor_s=round(d.monitor.busy_s, 3), monitor_share_pct=round(100 * d.monitor.busy_s / r.wall_s, 2), renders=d.renders, probes=len(d.monitor.boundary), plot_every_s=d.plot_every, draw_s=round(d.draw_s, 3), draw_share_pct=round(100 * d.draw_s / r.wall_s, 2),
                     panel_updates=len(d.draw_times), gan_largest_gap_s=round(max(b - a_ for a_, b in zip(ts, ts[1:])), 2) if len(ts) > 1 else None)
    else:
        with tempfile.TemporaryDirectory() as f: r = run_watched(cfg, [Monitor([Snapshots(f, every=10., echo=None)], every=10.)])
    t, n = r.extra['times'], r.config['n_real']
    P = r.config['params']; gan_steps = len(r.extra['gan_history']) * -(-n // P['gan_bs'])
    batches = r.config['epochs'] * -(-(n + r.extra['synth']['m']) // r.config['bs'])
    # step time from the methods' own per-epoch timers: the GAN epochs' and the student epochs' loops, callbacks included
    # (the monitor's snapshots and periodic probes), without the fixed work before and after them
    gan_loop, student_loop = sum(h['s'] for h in r.extra['gan_history']), sum(h['time_s'] for h in r.extra['history'])
    print(json.dumps(dict(kind=kind, gan_s=gan_loop, student_s=student_loop, gan_step_ms=1e3 * gan_loop / gan_steps,
                          student_batch_ms=1e3 * student_loop / batches, gan_phase_s=t['gan_s'], student_phase_s=t['student_s'],
                          acc_last=r.acc_last, wall_s=r.wall_s, data='Fashion-MNIST (the demo)' if a.demo else 'sample' if sample else 'MNIST',
                          machine=f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, "
                                  f"{'cuda ' + torch.cuda.get_device_name() if torch.cuda.is_available() else 'cpu'}", **extra)))

if a.one: one(a.one); sys.exit()
rows = []
for i in range(a.repeats):
    for k in KINDS:
        cmd = [sys.executable, __file__, '--one', k] + [f'--{n}={v}' for n, v in (('gan-epochs', a.gan_epochs), ('epochs', a.epochs), ('m', a.m), ('every', a.every))] + (['--demo'] if a.demo else [])
        if a.device: cmd.append(f'--device={a.device}')
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode: print(out.stderr[-3000:]); sys.exit(out.returncode)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1])); print(rows[-1], flush=True)
M = ('gan_step_ms', 'student_batch_ms', 'gan_s', 'student_s')
med = {k: {m: st.median(r[m] for r in rows if r['kind'] == k) for m in M} for k in KINDS}
def ov(k, base):
    if k not in med or base not in med: return None
    d = {m: round(100 * (med[k][m] / med[base][m] - 1), 2) for m in M[:2]}
    d['both_phases'] = round(100 * ((med[k]['gan_s'] + med[k]['student_s']) / (med[base]['gan_s'] + med[base]['student_s']) - 1), 2)
    return d
res = dict(machine=rows[0]['machine'], data=rows[0]['data'], config=vars(a), rows=rows, median=med,
           overhead_pct=dict(dashboard_vs_thread=ov('dashboard', 'thread'), snapshots_vs_main=ov('snapshots', 'main'), thread_vs_main=ov('thread', 'main')))
from fskd_nb.core import atomic_write
atomic_write(a.out, json.dumps(res, indent=1))
print(json.dumps(dict(median=med, overhead_pct=res['overhead_pct']), indent=1))
