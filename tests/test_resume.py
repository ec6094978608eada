"""Resume, in one place: a run killed at any moment (kill -9) or stopped inside a stage, resumed with --resume, ends bit-identical
to an uninterrupted run and never pays twice; finished seeds are kept; a cap or a budget reached keeps what was bought.
The `slow` checks kill every method once in each of its stages, and cap every black-box method at half of what it needs."""
import json, os, random, re, shutil, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch
from fskd_nb.core import load_result
from fskd_nb.learner import Callback
from fskd_nb.run import distill
from _helpers import answered, identical

FSKD = Path(sys.executable).parent/'fskd'

def args(method, url, out):
    return [str(FSKD), 'distill', method, '--teacher', url, '--sample', '--config', 'smoke', '--shots', '20', '--checkpoint-every', '0', '--out', str(out)]


@pytest.mark.parametrize('method', ['standard-kd', 'fsbbt', 'divbfkd'])
def test_kill_9_then_resume_equals_an_uninterrupted_run(server, method, tmp_path):
    env = dict(os.environ, CI='1')
    n0 = answered(server); t0 = time.perf_counter()
    subprocess.run(args(method, server, tmp_path/'whole'), check=True, capture_output=True, env=env)
    took, paid_whole = time.perf_counter() - t0, answered(server) - n0
    rng = random.Random(method)
    delay = rng.uniform(.4, .85) * took   # somewhere in the run: loading, synthesis, the GAN, the student or the MTE
    for _ in range(4):   # a run faster than the timed one (a busy machine timed it) may end first: kill it sooner
        n1 = answered(server)   # what this attempt and its resume pay
        p = subprocess.Popen(args(method, server, tmp_path/'cut'), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay); p.send_signal(signal.SIGKILL); p.wait()
        if not (tmp_path/'cut'/'result.json').exists(): break
        shutil.rmtree(tmp_path/'cut'); delay /= 2
    assert not (tmp_path/'cut'/'result.json').exists()
    r = subprocess.run([*args(method, server, tmp_path/'cut')[:-2], '--resume', str(tmp_path/'cut')], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert identical(tmp_path/'whole', tmp_path/'cut')
    paid_cut = answered(server) - n1
    assert paid_cut < 2 * paid_whole   # what the killed run bought was reused, not bought again (all but its last batch)

def test_resume_keeps_finished_seeds_and_refuses_other_settings(tmp_path):
    env = dict(os.environ, CI='1')
    base = [str(FSKD), 'distill', 'student-alone', '--sample', '--config', 'smoke', '--shots', '5', '--epochs', '1', '--mte-images', '0']
    subprocess.run([*base, '--seed', '0', '--out', str(tmp_path)], check=True, capture_output=True, env=env)
    (tmp_path/'seed_0').mkdir(); [os.replace(tmp_path/f, tmp_path/'seed_0'/f) for f in ('result.json', 'config.json', 'student.pt', 'run.json')]
    before = (tmp_path/'seed_0'/'result.json').read_text()
    r = subprocess.run([*base, '--seed', '0', '1', '--resume', str(tmp_path)], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path/'seed_0'/'result.json').read_text() == before and (tmp_path/'seed_1'/'result.json').exists()   # seed 0 kept, seed 1 run
    r = subprocess.run([*base[:-2], '--mte-images', '3', '--seed', '0', '1', '--resume', str(tmp_path)], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and 'that run had other settings (mte_images)' in r.stderr

def test_a_run_that_fails_in_its_mte_keeps_its_student_and_resumes(tmp_path):
    "A cap reached in the MTE: the student and a result marked 'failed: mte' are saved; --resume with a larger cap finishes it."
    from fskd_nb.teacher import QueryBudgetExceeded
    kw = dict(sample=True, config='smoke', shots=10, progress=False)
    whole = distill('standard-kd', out=str(tmp_path/'whole'), **kw)
    with pytest.raises(QueryBudgetExceeded, match="the mte step failed .*saved in .*--resume"):
        distill('standard-kd', out=str(tmp_path/'cut'), cap=2500, **kw)   # 100 distill + 2000 eval fit; the MTE's 1450 do not
    cut = load_result(tmp_path/'cut')
    assert cut.extra['failed']['stage'] == 'mte' and cut.mte is None and cut.acc_last == whole.acc_last and (tmp_path/'cut'/'student.pt').exists()
    done = distill('standard-kd', out=str(tmp_path/'cut'), cap=4000, resume=True, **kw)
    assert 'failed' not in done.extra and (done.acc_last, done.mte, done.queries) == (whole.acc_last, whole.mte, whole.queries)

class Kill(Callback):
    "Stands for kill -9: the process dies the `n`-th time `event` is raised."
    def __init__(self, event, n): self.event, self.n, self.seen = event, n, 0
    def __call__(self, event):
        if event != self.event: return
        self.seen += 1
        if self.seen == self.n: raise RuntimeError('killed')

CASES = {   # method: (settings, where to stop, the stages the resumed run must take from its checkpoints)
    'fsbbt': (dict(sample=True, shots=10, epochs=3), ('before_epoch', 3), ['pool', 'student: after epoch 2']),
    'divbfkd': (dict(sample=True, shots=10, epochs=2, gan_epochs=3), ('after_gan_epoch', 3), ['gan']),   # dies after the GAN's 2nd epoch was saved
    'divbfkd-student': (dict(sample=True, shots=10, epochs=3, gan_epochs=2), ('before_epoch', 3), ['gan', 'synth', 'student: after epoch 2']),
    'zskt': (dict(n_batches=6, eval_batches=2), ('after_pseudo_batch', 5), ['loop']),
    'zskt-memory': (dict(n_batches=6, eval_batches=2, memory=300), ('after_pseudo_batch', 5), ['loop']),   # the replay memory (full after 3 batches) resumes too
    'zskt-shift': (dict(n_batches=6, eval_batches=2, shift=2), ('after_pseudo_batch', 5), ['loop']),   # shifted views draw from the random stream: it resumes too
    'kd3': (dict(sample=True, web_n=2000, epochs=3), ('before_epoch', 3), ['student: after epoch 2']),
    'lightskd': (dict(dataset='fashionmnist', n_train=600, bs=100, epochs=3, eval_every=3), ('before_epoch', 3), ['student: after epoch 2']),
}

@pytest.mark.parametrize('case', list(CASES))
def test_a_stopped_run_resumes_from_its_checkpoints_and_ends_identical(case, tmp_path, request, monkeypatch):
    method = case.split('-')[0]
    if method in ('zskt', 'kd3', 'lightskd'): monkeypatch.setenv('FSKD_DATA', str(request.getfixturevalue('real_data')))   # their test sets and web pools
    kw, (event, n), stages = CASES[case]
    kw = dict(kw, config='smoke', checkpoint_every=0, progress=False)
    whole = distill(method, out=str(tmp_path/'whole'), **kw)
    with pytest.raises(RuntimeError, match='killed'): distill(method, out=str(tmp_path/'cut'), cbs=[Kill(event, n)], **kw)
    assert not (tmp_path/'cut'/'result.json').exists() and any((tmp_path/'cut'/'checkpoints').iterdir())
    again = distill(method, out=str(tmp_path/'cut'), resume=True, **kw)
    assert json.loads((tmp_path/'cut'/'resumed.json').read_text()) == stages
    assert (again.acc_last, again.acc_best, again.agreement, again.mte, again.queries, again.extra['per_class_acc']) == \
           (whole.acc_last, whole.acc_best, whole.agreement, whole.mte, whole.queries, whole.extra['per_class_acc'])
    sw, sc = (torch.load(tmp_path/k/'student.pt', weights_only=True)['state_dict'] for k in ('whole', 'cut'))
    assert sw.keys() == sc.keys() and all(torch.equal(sw[k], sc[k]) for k in sw)
    assert not (tmp_path/'cut'/'checkpoints').exists()   # spent once the result is written

def test_a_budget_reached_inside_a_stage_keeps_what_was_bought_and_resumes_with_a_larger_one(tmp_path):
    "DivBFKD reaches --budget while it synthesises: failed.json names the stage; --resume with a larger budget ends as an uninterrupted run."
    from fskd_nb.teacher import QueryBudgetExceeded
    kw = dict(sample=True, shots=10, epochs=1, gan_epochs=2, config='smoke', checkpoint_every=0, progress=False, mte_images=0)
    whole = distill('divbfkd', out=str(tmp_path/'whole'), **kw)
    before_synth = whole.queries['distill'] + whole.queries.get('synthesize', 0) - whole.extra['synth']['queried']
    with pytest.raises(QueryBudgetExceeded, match=r"in the synth stage\); the answers bought and the finished stages are kept in .*--resume"):
        distill('divbfkd', out=str(tmp_path/'cut'), budget=before_synth + 1000, **kw)
    assert json.loads((tmp_path/'cut'/'failed.json').read_text())['stage'] == 'synth' and (tmp_path/'cut'/'checkpoints'/'gan.pt').exists()
    again = distill('divbfkd', out=str(tmp_path/'cut'), budget=10**6, resume=True, **kw)
    assert json.loads((tmp_path/'cut'/'resumed.json').read_text()) == ['gan']
    assert (again.acc_last, again.queries) == (whole.acc_last, whole.queries) and not (tmp_path/'cut'/'failed.json').exists()


# The slow checks: every stage of every method, and a hard cap counted by the teacher itself.
SHORT = {   # smoke configs, a few epochs longer so that each stage lasts long enough to be hit
    'student-alone': ['--epochs', '6'], 'standard-kd': ['--epochs', '6'], 'student-full': ['--epochs', '2'],
    'fsbbt': ['--epochs', '4'], 'divbfkd': ['--epochs', '4', '--set', 'gan_epochs=12'],
    'zskt': ['--set', 'n_batches=30', '--set', 'eval_batches=3'], 'kd3': [], 'lightskd': ['--epochs', '4', '--dataset', 'fashionmnist'],
}
STAGES = {'fsbbt': [('synthesis', ('mixup_s', 'cvae_train_s', 'cvae_sample_s')), ('student', ('student_s',))],
          'divbfkd': [('GAN', ('gan_s',)), ('synthesis', ('synth_s',)), ('student', ('student_s',))],
          'kd3': [('pool', ('pool_s',)), ('student', ('student_s',))], 'lightskd': [('student', ('student_s',))]}
SERVED = ('student-alone', 'standard-kd', 'student-full', 'fsbbt', 'divbfkd')   # black-box methods ask the served teacher; the others need none or a white box

def stage_cmd(m, url, out):
    extra = ['--teacher', url, '--sample', '--shots', '20'] if m in SERVED else []
    mte = [] if m == 'lightskd' else ['--mte-images', '40']   # an MTE stage long enough to be hit
    return [str(FSKD), 'distill', m, '--config', 'smoke', '--checkpoint-every', '0', *SHORT[m], *mte, *extra, '--out', str(out)]

def segments(m, took, r):
    "(stage, start, end) in seconds from the process start, from the uninterrupted run's times."
    t = r.extra.get('times', {}); start = took - r.wall_s   # before the run's own clock: imports, the teacher, the data
    if m == 'zskt': segs = [('pseudo-batches', r.extra['history'][-1]['s'])]
    elif m in STAGES: segs = [(name, sum(t.get(k, 0) for k in keys)) for name, keys in STAGES[m]]
    else: segs = [('student', r.wall_s * .6)]   # the baselines report no stage times: training is most of it
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

@pytest.mark.slow
@pytest.mark.parametrize('m', list(SHORT))
def test_kill_9_in_every_stage_then_resume_is_identical(m, server, real_data, tmp_path):
    "SIGKILL once in each stage of the method (70 % into a loop, 40 % into the others, 30 % into the evaluation after training's last checkpoint); each --resume ends identical."
    env = dict(os.environ, CI='1', FSKD_DATA=str(real_data))
    n0, t0 = answered(server), time.perf_counter()
    subprocess.run(stage_cmd(m, server, tmp_path/'whole'), check=True, capture_output=True, env=env)
    took, paid = time.perf_counter() - t0, answered(server) - n0
    whole = load_result(tmp_path/'whole')
    for k, (stage, s0, s1) in enumerate(segments(m, took, whole)):
        cut, at = tmp_path/f'cut{k}', s0 + (s1 - s0) * (.4 if stage in ('synthesis', 'pool') else .7)
        n1 = answered(server)
        q = subprocess.Popen(stage_cmd(m, server, cut), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if stage == 'evaluation + MTE':   # training's last checkpoint, then a kill inside the evaluation that follows
            t1 = time.perf_counter(); final_checkpoint(m, cut, whole, q); time.sleep(.3 * (s1 - s0)); at = time.perf_counter() - t1
        else: time.sleep(at)
        q.send_signal(signal.SIGKILL); q.wait()
        r = subprocess.run([*stage_cmd(m, server, cut)[:-2], '--resume', str(cut)], capture_output=True, text=True, env=env)
        assert r.returncode == 0, f'{m}, killed in {stage} at {at:.1f} s: ' + r.stderr[-2000:]
        assert identical(tmp_path/'whole', cut), f'{m}, killed in {stage} at {at:.1f} s'
        took_from = json.loads((cut/'resumed.json').read_text()) if (cut/'resumed.json').exists() else []
        print(f"{m} | {stage} | killed at {at:.1f} of {took:.1f} s | resumed from {', '.join(took_from) or 'nothing'} | "
              f"teacher answered {paid} / {answered(server) - n1 if m in SERVED else '-'}")

@pytest.mark.slow
@pytest.mark.parametrize('m', ['standard-kd', 'fsbbt', 'divbfkd'])
def test_a_cap_counted_by_the_teacher_stops_the_run_and_resume_finishes_it(m, server, tmp_path):
    "Capped at half of what it needs, the run sends at most the cap (the teacher server's own count), exits 2, and --resume with a larger cap ends identical."
    env = dict(os.environ, CI='1')
    cmd = lambda out, *x: [str(FSKD), 'distill', m, '--config', 'smoke', '--teacher', server, '--sample', '--shots', '20', '--mte-images', '10', *x, '--out', str(out)]
    n0 = answered(server); subprocess.run(cmd(tmp_path/'whole'), check=True, capture_output=True, env=env); whole = answered(server) - n0
    cap, n1 = whole // 2, answered(server)
    r = subprocess.run(cmd(tmp_path/'cut', '--cap', str(cap)), capture_output=True, text=True, env=env)
    assert r.returncode == 2 and '--resume' in r.stderr and answered(server) - n1 <= cap
    r2 = subprocess.run([*cmd(tmp_path/'cut', '--cap', str(10**6))[:-2], '--resume', str(tmp_path/'cut')], capture_output=True, text=True, env=env)
    assert r2.returncode == 0, r2.stderr[-2000:]
    assert identical(tmp_path/'whole', tmp_path/'cut')

@pytest.mark.slow
@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGINT], ids=['SIGTERM', 'SIGINT'])
@pytest.mark.parametrize('method', ['standard-kd', 'fsbbt', 'divbfkd'])
def test_a_signal_at_three_moments_saves_and_the_resume_it_names_is_identical(method, sig, server, tmp_path):
    "SIGTERM or SIGINT early, midway and late in a run: it saves at its next checkpoint, exits 143 / 130 naming the command that "
    "continues it; that command ends bit-identical to an uninterrupted run (checkpoints otherwise every 30 s: what is resumed was saved on the signal)."
    env = dict(os.environ, CI='1')
    a = lambda out: [*args(method, server, out)[:-4], '--epochs', '30', '--out', str(out)]   # checkpoints every 30 s (the default), not at every chance
    t0 = time.perf_counter(); subprocess.run(a(tmp_path/'whole'), check=True, capture_output=True, env=env); took = time.perf_counter() - t0
    for i, frac in enumerate((.25, .5, .75)):
        for attempt in range(4):   # a run faster than the timed one (a busy machine timed it) may end first: signal it sooner
            cut = tmp_path/f'cut{i}-{attempt}'
            p = subprocess.Popen(a(cut), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            t0 = time.perf_counter()
            while not (cut/'run.json').exists() and p.poll() is None: time.sleep(.02)   # the run has started (Python and torch imported): a signal before would find no run
            time.sleep(max(0., frac * .8 ** attempt * took - (time.perf_counter() - t0))); p.send_signal(sig); err = p.communicate(timeout=300)[1]
            if p.returncode != 0: break
        last = err.strip().splitlines()[-1]
        assert p.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[sig] and 'Traceback' not in err, err[-2000:]
        cmd = re.search(r'continue with: fskd (.*)$', last).group(1).split()
        r = subprocess.run([str(FSKD), *cmd], capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr[-2000:]
        assert identical(tmp_path/'whole', cut), (frac, last)
        resumed = json.loads((cut/'resumed.json').read_text()) if (cut/'resumed.json').exists() else []
        how = re.search(r'stopped by \w+( in the \w+ stage)?', last).group(0)
        print(f"{method} {sig.name} at {frac * .8 ** attempt:.0%} of {took:.1f} s: exit {p.returncode}, {how}, resumed from {resumed}, identical")
