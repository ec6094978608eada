"""Faults and misuse, the way people meet them: each case sets up files, runs the real `fskd` command (or one Python
call) in its own process, and reports the exit code, the lines it printed on stderr, whether a traceback showed,
and whether the work that existed was kept. `tests/test_faults*.py` check every case; `scripts/reports/faults_table.py`
prints them as a table (run it with PYTHONPATH=<an older checkout> to measure that checkout)."""
import hashlib, json, os, re, signal, socket, subprocess, sys, time
from dataclasses import dataclass
from pathlib import Path

CLI = "import sys; from fskd_nb.cli import main; sys.exit(main())"
SMOKE = ['--config', 'smoke', '--quiet', '--mte-images', '0']
FINISHED = ['distill', 'standard-kd', '--sample', *SMOKE]   # the run each case's folder done/ holds at the start
TEACHER = '''import torch
from pathlib import Path
from fskd_nb.teachers import load_teacher_model
m, _ = load_teacher_model('lenet5-mnist')
calls = [0]
def predict(x):
    "The shipped MNIST teacher behind a function; with a file FAIL beside it, it raises after the number of calls written in FAIL."
    calls[0] += 1
    if Path('FAIL').exists() and calls[0] > int(Path('FAIL').read_text()): raise RuntimeError('503 Service Unavailable: the API is down')
    with torch.no_grad(): return m(torch.as_tensor(x))
predict.outputs = 'logits'
'''

@dataclass
class Outcome:
    cmd: str  # what was run (DIR: the case's folder)
    rc: int  # exit code
    err: str  # stderr
    kept: bool|None = None  # the work that existed is intact (None: there was none)
    advice: bool|None = None  # the fix the message suggests works (None: no command to try)

    @property
    def lines(self) -> int: return len([l for l in self.err.splitlines() if l.strip()])
    @property
    def traceback(self) -> bool: return 'Traceback (most recent call last)' in self.err
    @property
    def last(self) -> str: return ([l for l in self.err.splitlines() if l.strip()] or [''])[-1]

def fskd(d:Path, *args, timeout=600, env=None) -> subprocess.CompletedProcess:
    "Run `fskd ARGS` in its own process in folder `d`."
    e = {**os.environ, 'CI': '1', 'PYTHONWARNINGS': 'default', **(env or {})}
    return subprocess.run([sys.executable, '-c', CLI, *map(str, args)], cwd=d, capture_output=True, text=True, timeout=timeout, env=e)

def py(d:Path, code:str) -> subprocess.CompletedProcess:
    "Run Python `code` in its own process in folder `d`."
    return subprocess.run([sys.executable, '-c', code], cwd=d, capture_output=True, text=True, timeout=300, env={**os.environ, 'CI': '1'})

def out(d:Path, p:subprocess.CompletedProcess, args, **kw) -> Outcome:
    "The outcome of `fskd ARGS`; a last line that names a command to continue (and no other advice checked): that command is run."
    o = Outcome('fskd ' + ' '.join(map(str, args)).replace(str(d), 'DIR'), p.returncode, p.stderr.replace(str(d), 'DIR'), **kw)
    m = re.search(r'continue with: fskd (.*)$', (p.stderr.strip().splitlines() or [''])[-1])
    if m and 'advice' not in kw: o.advice = fskd(d, *m.group(1).split()).returncode == 0
    return o

def digest(*paths) -> str:
    "A hash of the files (folders: every file under them), to tell whether anything changed."
    h = hashlib.sha1()
    for p in paths:
        p = Path(p)
        for f in sorted([p] if p.is_file() else p.rglob('*') if p.is_dir() else []):
            if f.is_file() and f.name != '.lock' and '.replaced' not in f.parts: h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()

# ---- shared inputs: a teacher function, image folders, .npz files ----

def inputs(d:Path) -> Path:
    "The files the cases use, made once in `d`."
    import numpy as np
    from PIL import Image
    if (d/'ready').exists(): return d
    d.mkdir(parents=True, exist_ok=True)
    (d/'teacher.py').write_text(TEACHER)
    from fskd_nb.data import load_sample
    s = load_sample('train'); x, y = s.x.numpy(), s.y.numpy()
    idx = np.concatenate([np.nonzero(y == c)[0][:12] for c in range(10)])
    for name, mk in (('png8', lambda a: Image.fromarray(a)), ('png16', lambda a: Image.fromarray(a.astype(np.uint16) * 257))):
        for i in idx: (d/name/str(y[i])).mkdir(parents=True, exist_ok=True); mk(x[i, 0]).save(d/name/str(y[i])/f'{i}.png')
    for i in idx[:12]: (d/'oneclass'/'0').mkdir(parents=True, exist_ok=True); Image.fromarray(x[i, 0]).save(d/'oneclass'/'0'/f'{i}.png')
    for i in idx[:36]: (d/'test_extra'/str(y[i] if y[i] < 2 else 'fox')).mkdir(parents=True, exist_ok=True); Image.fromarray(x[i, 0]).save(d/'test_extra'/str(y[i] if y[i] < 2 else 'fox')/f'{i}.png')
    xs, ys = x[idx], y[idx]
    np.savez(d/'floaty.npz', x=xs, y=ys + 0.5)
    np.savez(d/'names.npz', x=xs, y=np.array(['zero one two three four five six seven eight nine'.split()[v] for v in ys]))
    np.savez(d/'onehot.npz', x=xs, y=np.eye(10)[ys])
    (d/'notzip.npz').write_text('x,y\n1,2\n')
    assert fskd(d, *FINISHED, '--out', d/'done').returncode == 0   # a finished run, for the cases that aim at one
    (d/'done'/'.lock').unlink(missing_ok=True)   # (an older fskd_nb has no lock)
    (d/'ready').touch()
    return d

def free_port() -> int:
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

CASES = {}
LINES = {}   # case → the lines it may print on stderr, where that is the point of the case
def case(family:str, what:str, rc:int, says:str, lines:int|None=None):
    "Register a case: the exit code and a fragment of the last line expected (and the number of lines, where it matters)."
    def reg(f):
        CASES[f.__name__] = (family, what, rc, says, f)
        if lines is not None: LINES[f.__name__] = lines
        return f
    return reg

def command(name:str, family:str, what:str, rc:int, says:str, args:list, lines:int|None=None):
    "Register the case `name` that is one command, `fskd ARGS` ('o' in ARGS: the case's output folder); a last line on stdout counts as the case's last line."
    def run(d):
        a = [d/'o' if x == 'o' else x for x in args]
        p = fskd(d, *a); o = out(d, p, a)
        if p.returncode == 0: o.err += (p.stdout.strip().splitlines() or [''])[-1]
        return o
    run.__name__ = name
    case(family, what, rc, says, lines)(run)

# ---- a run folder belongs to one run ----

@case('run folder', 'the same command re-run after a crash, without --resume', 2, 'continue it with --resume')
def rerun_after_crash(d):
    a = ['distill', 'standard-kd', '--sample', *SMOKE, '--teacher', 'teacher.py:predict', '--out', d/'o']
    (d/'FAIL').write_text('2'); fskd(d, *a); (d/'FAIL').unlink()   # the probe and one chunk answered, then the API fails
    before = digest(d/'o'/'answers.pt'); p = fskd(d, *a)
    o = out(d, p, a, kept=before == digest(d/'o'/'answers.pt') and (d/'o'/'answers.pt').exists())
    m = re.search(r'--resume (\S+)', p.stderr)
    if m: o.advice = fskd(d, *a[:-2], '--resume', m.group(1)).returncode == 0
    return o

@case('run folder', 'a run aimed at a folder holding a finished run with other settings', 2, 'other settings (epochs)')
def finished_other_settings(d):
    a = [*FINISHED, '--out', d/'done']
    before = digest(d/'done')
    p = fskd(d, *a, '--epochs', '3')
    return out(d, p, a + ['--epochs', '3'], kept=before == digest(d/'done'))

@case('run folder', 'the same command twice on a finished run', 2, 'keep it with --resume')
def finished_same_settings(d):
    a = [*FINISHED, '--out', d/'done']
    before = digest(d/'done')
    p = fskd(d, *a)
    return out(d, p, a, kept=before == digest(d/'done'))

@case('run folder', '--overwrite on a finished run: replaced, the old run moved aside', 0, 'results in')
def overwrite(d):
    a = [*FINISHED, '--out', d/'done']
    old = json.loads((d/'done'/'result.json').read_text())
    a += ['--epochs', '3', '--overwrite']; p = fskd(d, *a)
    moved = list((d/'done'/'.replaced').glob('*/result.json'))
    o = out(d, p, a, kept=len(moved) == 1 and json.loads(moved[0].read_text()) == old)
    o.err += (p.stdout.strip().splitlines() or [''])[-1]   # the last line of this case: where the results are
    return o

@case('run folder', 'two runs on one --out at the same time', 2, 'is in use by another run (pid')
def concurrent(d):
    a = ['distill', 'standard-kd', '--sample', *SMOKE, '--epochs', '20', '--out', d/'o']
    first = subprocess.Popen([sys.executable, '-c', CLI, *map(str, a)], cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, 'CI': '1'})
    t0 = time.time()
    while time.time() - t0 < 60 and not (d/'o'/'run.json').exists(): time.sleep(.05)
    time.sleep(1)   # the first run is working
    b = [x if x != '20' else '21' for x in a]   # the second asks for other settings: whose result ends in the folder shows
    t1 = time.time(); p = fskd(d, *b); took = time.time() - t1
    rc1 = first.wait(300)
    ok = rc1 == 0 and (d/'o'/'result.json').exists() and json.loads((d/'o'/'result.json').read_text())['config']['epochs'] == 20
    return out(d, p, b, kept=ok and took < 15)

@case('run folder', '--record FILE where FILE holds an earlier recording', 2, 'holds an earlier recording')
def record_exists(d):
    a = ['distill', 'standard-kd', '--sample', *SMOKE, '--record', d/'rec.pt']
    fskd(d, *a, '--out', d/'o1'); before = digest(d/'rec.pt')
    p = fskd(d, *a, '--shots', '7', '--out', d/'o2')   # another run, whose answers differ
    return out(d, p, a + ['--shots', '7', '--out', d/'o2'], kept=before == digest(d/'rec.pt'))

@case('run folder', '--resume on a folder whose run.json is damaged', 2, 'is damaged')
def corrupt_run_json(d):
    a = ['distill', 'standard-kd', '--sample', *SMOKE, '--teacher', 'teacher.py:predict']
    (d/'FAIL').write_text('1'); fskd(d, *a, '--out', d/'o'); (d/'FAIL').unlink()
    (d/'o'/'run.json').write_text('{"method": "standard-kd", trunc')
    before = digest(d/'o'/'answers.pt')
    p = fskd(d, *a, '--resume', d/'o')
    return out(d, p, a + ['--resume', d/'o'], kept=before == digest(d/'o'/'answers.pt'))

@case('run folder', '--resume and --overwrite together', 2, 'give one of them')
def resume_and_overwrite(d):
    a = [*FINISHED, '--out', d/'done']
    before = digest(d/'done')
    p = fskd(d, *a, '--resume', d/'done', '--overwrite')
    return out(d, p, a + ['--resume', d/'done', '--overwrite'], kept=before == digest(d/'done'))

# ---- every way a run ends saves ----

def stopped(d, sig, method='standard-kd', extra=('--epochs', '20')):
    "A run stopped by `sig` two seconds after it started (its first checkpoint is 30 s away: the signal must make one), then the command it names."
    a = ['distill', method, '--sample', *SMOKE, *extra, '--out', d/'o']
    p = subprocess.Popen([sys.executable, '-c', CLI, *map(str, a)], cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, 'CI': '1'})
    t0 = time.time()
    while time.time() - t0 < 120 and not (d/'o'/'run.json').exists(): time.sleep(.05)
    time.sleep(2); p.send_signal(sig)
    try: _, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired: p.kill(); _, err = p.communicate()
    o = Outcome(f"fskd {' '.join(map(str, a)).replace(str(d), 'DIR')}, then {signal.Signals(sig).name}", p.returncode, err.replace(str(d), 'DIR'),
                kept=(d/'o'/'answers.pt').exists() and bool(list((d/'o').glob('checkpoints/*.pt'))))
    m = re.search(r'continue with: fskd (.*)$', err.strip().splitlines()[-1] if err.strip() else '')
    if m: o.advice = fskd(d, *m.group(1).split()).returncode == 0 and (d/'o'/'result.json').exists()
    return o

@case('run ends', 'SIGTERM mid-run (kill, timeout, SLURM, Docker)', 143, 'continue with: fskd distill')
def sigterm(d): return stopped(d, signal.SIGTERM)

@case('run ends', 'SIGINT mid-run (Ctrl-C)', 130, 'continue with: fskd distill')
def sigint(d): return stopped(d, signal.SIGINT)

@case('run ends', 'a teacher that raises mid-run (an API error), with --record F', 3, 'continue with: fskd distill')
def teacher_raises(d):
    a = ['distill', 'fsbbt', '--sample', *SMOKE, '--teacher', 'teacher.py:predict', '--record', d/'rec.pt', '--out', d/'o']
    (d/'FAIL').write_text('2'); p = fskd(d, *a); (d/'FAIL').unlink()
    rec = py(d, f"from fskd_nb.sources import as_teacher; t = as_teacher('replay:{d/'rec.pt'}'); print(len(t.model))") if (d/'rec.pt').exists() else None
    return out(d, p, a, kept=(d/'o'/'answers.pt').exists() and rec is not None and rec.returncode == 0 and int(rec.stdout.split()[-1]) > 0)

SERVER = '''import os, sys, torch
from fskd_nb.sources import serve_teacher
from fskd_nb.teachers import load_teacher_model
m, _ = load_teacher_model('lenet5-mnist'); n = [0]
class Teacher:
    "The shipped MNIST teacher, whose server goes away at its third request."
    outputs = 'logits'
    def __call__(self, x):
        n[0] += 1
        if n[0] > 2: os._exit(1)
        with torch.no_grad(): return m(torch.as_tensor(x))
srv = serve_teacher(Teacher(), port=int(sys.argv[1]))
print('up', flush=True); srv.httpd.serve_forever()
'''

@case('run ends', 'the teacher server goes away mid-run', 3, 'continue with: fskd distill')
def server_dies(d):
    port = free_port(); (d/'srv.py').write_text(SERVER)
    s = subprocess.Popen([sys.executable, 'srv.py', str(port)], cwd=d, stdout=subprocess.PIPE, text=True); s.stdout.readline()
    a = ['distill', 'fsbbt', '--sample', *SMOKE, '--teacher', f'http://127.0.0.1:{port}', '--out', d/'o']
    p = fskd(d, *a); s.kill(); s.wait()
    back = subprocess.Popen([sys.executable, '-c', CLI, 'teacher', 'serve', 'lenet5-mnist', '--port', str(port)], cwd=d, stdout=subprocess.PIPE, text=True)
    back.stdout.readline()   # the server is back: the command the message names continues the run
    try: return out(d, p, a, kept=(d/'o'/'answers.pt').exists())
    finally: back.kill(); back.wait()

@case('run ends', 'a teacher URL nothing answers', 3, 'is the server running?')
def unreachable(d):
    a = ['distill', 'standard-kd', '--sample', *SMOKE, '--teacher', f'http://127.0.0.1:{free_port()}', '--out', d/'o']
    return out(d, fskd(d, *a), a)

# ---- data read exactly ----

PIX = "from fskd_nb.sources import load_image_folder as f; a, b = f('png8')[0], f('png16')[0]; print(int((a.int() - b.int()).abs().max()))"

@case('data', '16-bit PNGs read with their real range (max pixel difference from the 8-bit copies)', 0, '0')
def png16(d):
    p = py(d, PIX); return Outcome("load_image_folder('png16') vs 'png8'", p.returncode, p.stderr + p.stdout)

BYNAME = "from fskd_nb.sources import as_data; u = as_data('png8', 'test_sub'); print(sorted(set(u.test.y.tolist())))"

@case('data', "--test-data holding classes 7 and 9 only: their labels (must be [7, 9], not [0, 1])", 0, '[7, 9]')
def test_by_name(d):
    import shutil
    if not (d/'test_sub').exists():
        for c in ('7', '9'): shutil.copytree(d/'png8'/c, d/'test_sub'/c)
    p = py(d, BYNAME); return Outcome("as_data('png8', test='test_sub')", p.returncode, p.stderr + p.stdout)

@case('data', '--shots above a class of your data: the suggested --shots runs (without --shots, every image is used)', 2, 'or fewer')
def shots_advice(d):
    a = ['distill', 'standard-kd', '--data', 'png8', '--shots', '500', '--teacher', 'teacher.py:predict', *SMOKE, '--out', d/'o']
    p = fskd(d, *a); o = out(d, p, a)
    m = re.search(r'use --shots (\d+)', p.stderr)
    if m: o.advice = fskd(d, *a[:-2], '--shots', m.group(1), '--out', d/'o2').returncode == 0
    return o

OWN = ['--teacher', 'teacher.py:predict', *SMOKE, '--out', 'o']
command('float_labels', 'data', 'float labels 0.5, 1.5, ... in an .npz', 2, 'must be whole numbers', ['distill', 'standard-kd', '--data', 'floaty.npz', '--shots', '5', *OWN])
command('string_labels', 'data', 'class names as the labels of an .npz', 0, 'results in', ['distill', 'standard-kd', '--data', 'names.npz', '--shots', '5', *OWN])
command('onehot_labels', 'data', 'one-hot labels in an .npz', 0, 'results in', ['distill', 'standard-kd', '--data', 'onehot.npz', '--shots', '5', *OWN])
command('notzip', 'data', 'an .npz that is not a zip file', 2, 'is not an .npz numpy can read', ['distill', 'standard-kd', '--data', 'notzip.npz', *OWN])
command('test_extra_class', 'data', '--test-data with a class the training data lacks', 2, 'your test set has 1 class your data lacks (fox',
        ['distill', 'standard-kd', '--data', 'png8', '--test-data', 'test_extra', '--shots', '5', *OWN])
command('one_class', 'data', 'a folder with one class', 2, 'images of one class only', ['distill', 'standard-kd', '--data', 'oneclass', *OWN])
command('quiet_folder', 'data', 'an ImageFolder run with --quiet: no warnings (the one line: where the results are)', 0, 'results in',
        ['distill', 'standard-kd', '--data', 'png8', '--shots', '5', '--probe', '0', *OWN], lines=1)
command('own_data_no_teacher', 'data', 'your data without --teacher', 2, 'give your own teacher', ['distill', 'standard-kd', '--data', 'png8', *SMOKE, '--shots', '5', '--out', 'o'])
command('zero_std', 'data', '--teacher-input with a standard deviation of 0', 2, 'a STD > 0', ['distill', 'standard-kd', '--sample', '--teacher-input', '28,1,0.5,0', *OWN])

# ---- settings that contradict each other, and other one-line errors ----

SAMPLE = [*SMOKE, '--sample', '--out', 'o']
command('clamps', 'settings', "DivBFKD's lower clamp above its upper one", 2, 'lo=0.9 and hi=0.5 contradict each other', ['distill', 'divbfkd', '--set', 'lo=0.9', 'hi=0.5', *SAMPLE])
command('lr_factor', 'settings', "a negative learning-rate factor in FS-BBT's schedule", 2, 'a factor > 0', ['distill', 'fsbbt', '--set', 'lr_steps=[[1,-0.1]]', *SAMPLE])
command('milestones', 'settings', "LightSKD's milestones out of order", 2, 'in increasing order', ['distill', 'lightskd', '--set', 'milestones=0.75,0.5', *SAMPLE])
command('mte_k', 'settings', 'more MTE steps averaged than recorded', 2, 'mte_k must not exceed mte_steps',
        ['distill', 'standard-kd', '--sample', '--config', 'smoke', '--quiet', '--mte-k', '50', '--out', 'o'])
command('huge_seed', 'settings', 'a seed above 2**64', 2, 'seed=99999999999999999999 is out of range', ['distill', 'standard-kd', '--seed', '99999999999999999999', *SAMPLE])

@case('settings', 'fskd teacher serve on a port in use', 2, 'give another --port')
def port_in_use(d):
    s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); port = s.getsockname()[1]
    a = ['teacher', 'serve', 'lenet5-mnist', '--port', port]
    try: return out(d, fskd(d, *a, timeout=60), a)
    finally: s.close()

def run_case(name:str, root:Path) -> Outcome:
    "Run case `name` in a fresh folder under `root` (the shared inputs copied in)."
    import shutil
    src = inputs(root/'_inputs'); d = root/name
    shutil.rmtree(d, ignore_errors=True); shutil.copytree(src, d)
    return CASES[name][4](d)

def passes(name:str, o:Outcome) -> bool:
    "The case ends as it must: its exit code, one line (two after a signal: the notice, then the last line), no traceback, its message, nothing lost, advice that works."
    _, _, rc, says, _ = CASES[name]
    lines = LINES.get(name, {0: None, 130: 2, 143: 2}.get(rc, 1))
    return (o.rc == rc and not o.traceback and says in o.last and (lines is None or o.lines == lines)
            and o.kept is not False and o.advice is not False)

def check(name:str, root:Path):
    "Assert that case `name` ends as it must (see `passes`), with what it printed in the failure."
    o = run_case(name, root)
    assert passes(name, o), f"{o.cmd}\nexit {o.rc}, {o.lines} lines, traceback {o.traceback}, kept {o.kept}, advice {o.advice}\n{o.err[-3000:]}"
