"Resume: a run killed with SIGKILL at a random moment, resumed with --resume, ends equal to an uninterrupted run and never pays twice."
import json, os, random, re, shutil, signal, subprocess, sys, time
from pathlib import Path
import pytest, torch
from fskd_nb.core import load_result
from _helpers import answered

FSKD = Path(sys.executable).parent/'fskd'



def args(method, url, out):
    return [str(FSKD), 'distill', method, '--teacher', url, '--sample', '--config', 'smoke', '--shots', '20', '--checkpoint-every', '0', '--out', str(out)]

def same(a:Path, b:Path):
    ra, rb = load_result(a), load_result(b)
    assert (ra.acc_last, ra.acc_best, ra.agreement, ra.mte, ra.queries) == (rb.acc_last, rb.acc_best, rb.agreement, rb.mte, rb.queries)
    sa, sb = (torch.load(p/'student.pt', weights_only=True)['state_dict'] for p in (a, b))
    assert sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)

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
    same(tmp_path/'whole', tmp_path/'cut')
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
    from fskd_nb.run import distill
    from fskd_nb.teacher import QueryBudgetExceeded
    kw = dict(sample=True, config='smoke', shots=10, progress=False)
    whole = distill('standard-kd', out=str(tmp_path/'whole'), **kw)
    with pytest.raises(QueryBudgetExceeded, match="the mte step failed .*saved in .*--resume"):
        distill('standard-kd', out=str(tmp_path/'cut'), cap=2500, **kw)   # 100 distill + 2000 eval fit; the MTE's 1450 do not
    cut = load_result(tmp_path/'cut')
    assert cut.extra['failed']['stage'] == 'mte' and cut.mte is None and cut.acc_last == whole.acc_last and (tmp_path/'cut'/'student.pt').exists()
    done = distill('standard-kd', out=str(tmp_path/'cut'), cap=4000, resume=True, **kw)
    assert 'failed' not in done.extra and (done.acc_last, done.mte, done.queries) == (whole.acc_last, whole.mte, whole.queries)
