"Nothing lost, nothing silent: budgets and a hard cap that hold under any sequence of calls, warnings that name the problem, safe files, no record beside another run's student. Bad input is tested in test_bad_input.py."
import contextlib, gzip, io, os, resource, subprocess, sys
from pathlib import Path
import pytest, torch
from hypothesis import given, settings, strategies as st, HealthCheck
from fskd_nb.cli import main
from fskd_nb.core import FskdError
from fskd_nb.data import load_split, load_sample
from fskd_nb.models import LeNet5
from fskd_nb.run import distill
from fskd_nb.teacher import Teacher, MODES, QueryBudgetExceeded, TeacherOutputError, AccessError
from fskd_nb.teachers import TEACHER_FORMAT, load_teacher_model
from _helpers import Counting

def cli(*args):
    with contextlib.redirect_stdout(io.StringIO()) as o, contextlib.redirect_stderr(io.StringIO()) as e: rc = main([str(a) for a in args])
    return rc, o.getvalue(), e.getvalue()

# ---- budgets: the budget on the method's phases and the hard cap on every phase, under random call sequences ----
PHASES = ('select', 'synthesize', 'distill', 'eval', 'metric')

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mode=st.sampled_from(MODES), budget=st.one_of(st.none(), st.integers(0, 40)), cap=st.one_of(st.none(), st.integers(0, 60)),
       batch_size=st.integers(1, 9), calls=st.lists(st.tuples(st.sampled_from(PHASES), st.integers(0, 12)), max_size=12))
def test_no_call_sequence_passes_either_limit(mode, budget, cap, batch_size, calls):
    torch.manual_seed(0); net = LeNet5().eval()
    cnt = Counting(net)
    t = Teacher(net if mode == 'white_box' else cnt, mode=mode, k=3 if mode == 'topk' else None, budget=budget, cap=cap, batch_size=batch_size)
    reached = 0
    for phase, n in calls:
        before = cnt.images
        try:
            if mode == 'white_box': t.logits(torch.rand(n, 1, 32, 32), phase=phase)
            else: t(torch.rand(n, 1, 32, 32), phase=phase)
            reached += n
        except QueryBudgetExceeded:
            assert cnt.images == before   # a refused call reaches no model
        led = t.ledger
        assert cap is None or led.total <= cap
        assert budget is None or led.charged <= budget
        assert led.total == reached and (mode == 'white_box' or cnt.images == reached)   # exactly what reached the model is charged

def test_a_capped_run_sends_at_most_the_cap_and_stops(tmp_path):
    cnt = Counting(load_teacher_model('lenet5-mnist')[0])
    with pytest.raises(QueryBudgetExceeded, match='hard cap reached'):
        distill('standard-kd', teacher=Teacher(cnt, mode='soft'), sample=True, config='smoke', cap=2500, out=str(tmp_path))
    assert cnt.images <= 2500 and cnt.images == 2100   # the 100-image start probe and the 2000 distill queries went through; the 2000 evaluation images would pass the cap
    from fskd_nb.core import load_result
    r = load_result(tmp_path)   # the trained student is kept, with a result that says where the run stopped
    assert r.extra['failed']['stage'] == 'eval' and 'hard cap reached' in r.extra['failed']['error'] and (tmp_path/'student.pt').exists()


def test_a_teacher_near_chance_is_warned_about_at_the_start():
    "A teacher that names one class for everything: the 100-image start probe warns before any work, and the result keeps the probe."
    one_class = Teacher(lambda x: torch.nn.functional.one_hot(torch.zeros(len(x), dtype=torch.long), 10).float(), outputs='probs', mode='soft')
    with pytest.warns(UserWarning, match=r'the teacher is right on \d+ of 100 test images .*chance is 10 %'):
        r = distill('standard-kd', teacher=one_class, sample=True, config='smoke', shots=5, mte_images=0, progress=False)
    assert r.extra['teacher_probe']['images'] == 100 and r.extra['teacher_probe']['acc'] < .2 and r.queries['eval'] == 100 + r.extra['n_test']


def test_a_cut_short_cache_copy_is_made_again(tmp_path, monkeypatch, real_data):
    "A decompressed copy cut short (a full disk, a kill) is noticed by its size and written again."
    monkeypatch.setenv('FSKD_CACHE', str(tmp_path/'cache'))
    assert len(load_split('mnist', 'test', real_data, download=False)) == 10_000
    copy = next((tmp_path/'cache').rglob('t10k-images-idx3-ubyte'))
    copy.write_bytes(copy.read_bytes()[:1000])
    assert len(load_split('mnist', 'test', real_data, download=False)) == 10_000 and copy.stat().st_size == 7_840_016

def test_cache_never_writes_through_a_planted_link(tmp_path, monkeypatch):
    "A link planted where a decompressed file's temporary copy could go: its target stays untouched."
    monkeypatch.setenv('FSKD_CACHE', str(tmp_path/'cache'))
    src = tmp_path/'data'/'MNIST'/'raw'; src.mkdir(parents=True)
    real = Path(os.environ['FSKD_DATA'])/'MNIST'/'raw' if os.environ.get('FSKD_DATA') else None
    if real is None or not (real/'t10k-images-idx3-ubyte.gz').exists(): pytest.skip('needs the MNIST files ($FSKD_DATA)')
    for n in ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'): (src/n).write_bytes((real/n).read_bytes())
    import hashlib
    croot = tmp_path/'cache'/'data'/('from-' + hashlib.sha1(str((tmp_path/'data').resolve()).encode()).hexdigest()[:12])/'MNIST'/'raw'
    croot.mkdir(parents=True)
    victim = tmp_path/'victim.txt'; victim.write_text('keep me')
    for n in ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'): os.symlink(victim, croot/f'{n}.tmp')   # the old fixed temporary names
    assert len(load_split('mnist', 'test', tmp_path/'data', download=False)) == 10_000
    assert victim.read_text() == 'keep me'


def test_a_teacher_of_another_dataset_is_warned_about():
    with pytest.warns(UserWarning, match="trained on fashionmnist, but this run is on mnist"):
        distill('student-alone', teacher='lenet5-fashionmnist', sample=True, config='smoke', shots=5, epochs=1, mte_images=0, progress=False)


def test_a_failed_save_never_leaves_an_older_record_beside_a_new_student(tmp_path, monkeypatch):
    from fskd_nb.core import RunResult
    r = distill('student-alone', sample=True, config='smoke', shots=5, epochs=1, mte_images=0, progress=False, out=str(tmp_path))
    assert (tmp_path/'result.json').exists()
    def boom(self, out): raise OSError('disk full')   # the disk fills after the new student is written, before its record
    monkeypatch.setattr(RunResult, 'save', boom)
    with pytest.raises(OSError): distill('student-alone', sample=True, config='smoke', shots=5, epochs=1, mte_images=0, progress=False, seed=1, out=str(tmp_path),
                                         overwrite=True)
    assert (tmp_path/'student.pt').exists() and not (tmp_path/'result.json').exists() and not (tmp_path/'config.json').exists()
    assert len(list((tmp_path/'.replaced').glob('*/result.json'))) == 1   # the earlier run's record: set aside, not lost
