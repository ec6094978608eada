"""Kill every method with SIGKILL at random moments, resume it with --resume, and compare with an uninterrupted run.

usage: python scripts/resume_check.py [--kills 3] [--methods student-alone,standard-kd,...] [--out runs/resume-check]
Black-box methods ask a teacher served over HTTP by `fskd teacher serve` in another process, whose own count of the images
it answered is what the table calls "paid"; ZSKT and KD^3 use the built-in white-box teacher; LightSKD has none. Each row:
the moment of the kill (share of the uninterrupted run's wall time), whether result.json's numbers and the student's weights
are identical, and what the teacher answered in the killed + resumed runs against the uninterrupted one."""
import argparse, os, random, re, signal, subprocess, sys, time
from pathlib import Path
import httpx, torch
from fskd_nb.core import load_result
from fskd_nb.teacher import Replay

p = argparse.ArgumentParser(); p.add_argument('--kills', type=int, default=3); p.add_argument('--out', default='runs/resume-check')
p.add_argument('--methods', default='student-alone,standard-kd,student-full,fsbbt,divbfkd,zskt,kd3,lightskd')
a = p.parse_args()
FSKD, ENV, OUT = str(Path(sys.executable).parent/'fskd'), dict(os.environ, CI='1'), Path(a.out)
srv = subprocess.Popen([FSKD, 'teacher', 'serve', 'lenet5-mnist', '--port', '0'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
url = re.search(r'http://[\d.]+:\d+', srv.stdout.readline()).group(0)
answered = lambda: httpx.get(url + '/info', timeout=10).json()['answered']

def cmd(m, out):
    extra = {'zskt': [], 'kd3': [], 'lightskd': ['--dataset', 'fashionmnist']}.get(m, ['--teacher', url, '--sample', '--shots', '20'])
    return [FSKD, 'distill', m, '--config', 'smoke', '--checkpoint-every', '0', *extra, '--out', str(out)]

def identical(x, y) -> bool:
    rx, ry = load_result(x), load_result(y)
    sx, sy = (torch.load(q/'student.pt', weights_only=True)['state_dict'] for q in (x, y))
    return (rx.acc_last, rx.acc_best, rx.agreement, rx.mte, rx.queries) == (ry.acc_last, ry.acc_best, ry.agreement, ry.mte, ry.queries) \
           and sx.keys() == sy.keys() and all(torch.equal(sx[k], sy[k]) for k in sx)

print('| method | kill at (share of the run) | answers saved when killed | identical result and student | teacher answered: uninterrupted / killed + resumed |\n|---|---|---|---|---|')
try:
    for m in a.methods.split(','):
        n0, t0 = answered(), time.perf_counter()
        subprocess.run(cmd(m, OUT/m/'whole'), check=True, capture_output=True, env=ENV)
        took, paid = time.perf_counter() - t0, answered() - n0
        rng = random.Random(m)
        for k in range(a.kills):
            cut, frac = OUT/m/f'cut{k}', rng.uniform(.35, .8)
            n1 = answered()
            q = subprocess.Popen(cmd(m, cut), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
            time.sleep(frac * took); q.send_signal(signal.SIGKILL); q.wait()
            killed_before_end = not (cut/'result.json').exists()
            saved = len(Replay(cut/'answers.pt')) if (cut/'answers.pt').exists() else 0
            r = subprocess.run([*cmd(m, cut)[:-2], '--resume', str(cut)], capture_output=True, text=True, env=ENV)
            ok = r.returncode == 0 and identical(OUT/m/'whole', cut)
            print(f"| {m} | {frac:.2f}{'' if killed_before_end else ' (had finished)'} | {saved if m not in ('zskt', 'kd3', 'lightskd') else '–'} | {'yes' if ok else 'NO: ' + r.stderr[-200:]} | "
                  f"{paid} / {answered() - n1} |", flush=True)
finally: srv.terminate()
