"""Kill every method with SIGKILL once in each of its stages, resume it with --resume, and compare with an uninterrupted run.

usage: python scripts/resume_check.py [--methods student-alone,standard-kd,...] [--out runs/resume-check]
Black-box methods ask a teacher served over HTTP by `fskd teacher serve` in another process, whose own count of the images
it answered is what the table calls "paid"; ZSKT and KD^3 use the built-in white-box teacher; LightSKD has none. The stages'
times come from the uninterrupted run's result (the rest of its wall time is loading, evaluation and the MTE); each kill
lands inside one stage (70 % into a training loop, 40 % into the others; the evaluation's kill waits for
training's last checkpoint, then 30 % of the evaluation's time). Each row: the stage aimed at, the moment of the kill, what the resumed run took from its
checkpoints (`resumed.json`), whether result.json's numbers and the student's weights are identical, and what the teacher
answered in the uninterrupted run against the killed + resumed ones."""
import argparse, json, os, signal, subprocess, time
from pathlib import Path
import torch
from fskd_nb.core import load_result
from _served import FSKD, serve, identical

p = argparse.ArgumentParser(); p.add_argument('--out', default='runs/resume-check')
p.add_argument('--methods', default='student-alone,standard-kd,student-full,fsbbt,divbfkd,zskt,kd3,lightskd')
a = p.parse_args()
ENV, OUT = dict(os.environ, CI='1'), Path(a.out)
srv, url, answered = serve()
SHORT = {   # smoke configs, a few epochs longer so that each stage lasts long enough to be hit
    'student-alone': ['--epochs', '6'], 'standard-kd': ['--epochs', '6'], 'student-full': ['--epochs', '2'],
    'fsbbt': ['--epochs', '4'], 'divbfkd': ['--epochs', '4', '--set', 'gan_epochs=12'],
    'zskt': ['--set', 'n_batches=30', '--set', 'eval_batches=3'], 'kd3': [], 'lightskd': ['--epochs', '4', '--dataset', 'fashionmnist'],
}
STAGES = {'fsbbt': [('synthesis', ('mixup_s', 'cvae_train_s', 'cvae_sample_s')), ('student', ('student_s',))],
          'divbfkd': [('GAN', ('gan_s',)), ('synthesis', ('synth_s',)), ('student', ('student_s',))],
          'kd3': [('pool', ('pool_s',)), ('student', ('student_s',))], 'lightskd': [('student', ('student_s',))]}

def cmd(m, out):
    extra = [] if m in ('zskt', 'kd3', 'lightskd') else ['--teacher', url, '--sample', '--shots', '20']
    mte = [] if m == 'lightskd' else ['--mte-images', '40']   # an MTE stage long enough to be hit
    return [FSKD, 'distill', m, '--config', 'smoke', '--checkpoint-every', '0', *SHORT[m], *mte, *extra, '--out', str(out)]

def segments(m, took, r):
    "(stage, start, end) in seconds from the process start, from the uninterrupted run's times."
    t = r.extra.get('times', {}); start = took - r.wall_s   # before the run's own clock: imports, the teacher, the data
    if m == 'zskt': segs = [('pseudo-batches', r.extra['history'][-1]['s'])]
    else: segs = [(name, sum(t.get(k, 0) for k in keys)) for name, keys in STAGES.get(m, [('student', ())])]
    if m not in STAGES and m != 'zskt': segs = [('student', r.wall_s * .6)]   # the baselines report no stage times: training is most of it
    segs.append(('evaluation + MTE', max(r.wall_s - sum(d for _, d in segs), 0.)))
    out = []
    for name, d in segs: out.append((name, start, start + d)); start += d
    return out

def final_checkpoint(m, cut, r, q):
    "Wait until training has written its last checkpoint (the student after its last epoch; ZSKT's loop after its last pseudo-batch)."
    f = cut/'checkpoints'/('loop.pt' if m == 'zskt' else 'student.pt')
    while q.poll() is None:
        try:
            d = torch.load(f, weights_only=True)
            if (d['state']['b'] == r.config['params']['n_batches']) if m == 'zskt' else len(d['rows']) == r.config['epochs']: return
        except Exception: pass
        time.sleep(.02)

print('| method | stage aimed at | kill at (s, of the whole run) | taken from checkpoints on resume | identical result and student | teacher answered: uninterrupted / killed + resumed |\n|---|---|---|---|---|---|')
try:
    for m in a.methods.split(','):
        n0, t0 = answered(), time.perf_counter()
        subprocess.run(cmd(m, OUT/m/'whole'), check=True, capture_output=True, env=ENV)
        took, paid = time.perf_counter() - t0, answered() - n0
        for k, (stage, s0, s1) in enumerate(segments(m, took, load_result(OUT/m/'whole'))):
            cut, at = OUT/m/f'cut{k}', s0 + (s1 - s0) * (.4 if stage in ('synthesis', 'pool') else .7)   # loops: late enough for a checkpoint
            n1 = answered()
            q = subprocess.Popen(cmd(m, cut), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
            if stage == 'evaluation + MTE':   # watch for training's last checkpoint, then kill inside the evaluation that follows
                t1 = time.perf_counter(); trained_at = final_checkpoint(m, cut, load_result(OUT/m/'whole'), q)
                time.sleep(.3 * (s1 - s0)); at = time.perf_counter() - t1
            else: time.sleep(at)
            q.send_signal(signal.SIGKILL); q.wait()
            killed_before_end = not (cut/'result.json').exists()
            r = subprocess.run([*cmd(m, cut)[:-2], '--resume', str(cut)], capture_output=True, text=True, env=ENV)
            ok = r.returncode == 0 and identical(OUT/m/'whole', cut)
            took_from = json.loads((cut/'resumed.json').read_text()) if (cut/'resumed.json').exists() else []
            print(f"| {m} | {stage} | {at:.1f} of {took:.1f}{'' if killed_before_end else ' (had finished)'} | {', '.join(took_from) or 'nothing (redone from the start)'} | "
                  f"{'yes' if ok else 'NO: ' + r.stderr[-200:]} | {paid if m not in ('zskt', 'kd3', 'lightskd') else '–'} / "
                  f"{answered() - n1 if m not in ('zskt', 'kd3', 'lightskd') else '–'} |", flush=True)
finally: srv.terminate()
