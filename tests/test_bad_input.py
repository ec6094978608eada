"Bad input: each case is a one-line error that names the fix."
import pytest, torch
from fskd_nb.core import FskdError, OutputDirError, CheckpointError, ensure_dir, atomic_write
from fskd_nb.data import get_spec, load_split, DatasetNotFound, few_shot, load_sample
from fskd_nb.teacher import Teacher, TeacherOutputError, QueryBudgetExceeded
from fskd_nb.models import LeNet5
from fskd_nb.learner import Learner
from fskd_nb.cli import main

def one_line(e): msg = str(e.value); assert '\n' not in msg, msg; return msg

def test_unknown_dataset():
    with pytest.raises(FskdError) as e: get_spec('cifar11')
    assert 'choose one of' in one_line(e) and "did you mean 'cifar10'" in one_line(e)

@pytest.mark.parametrize('name,files', [('mnist', 'train-images-idx3-ubyte'), ('fashionmnist', 'train-labels-idx1-ubyte'),
                                        ('cifar10', 'data_batch_1'), ('svhn', 'train_32x32.mat')])
def test_missing_files_offline(tmp_path, name, files):
    with pytest.raises(DatasetNotFound) as e: load_split(name, 'train', root=tmp_path, download=False)
    msg = one_line(e)
    assert name in msg and str(tmp_path) in msg and files in msg and 'FSKD_DATA' in msg

def test_missing_files_offline_env(tmp_path, monkeypatch):
    monkeypatch.setenv('FSKD_OFFLINE', '1'); monkeypatch.setenv('FSKD_DATA', str(tmp_path))
    with pytest.raises(DatasetNotFound, match='downloads disabled'): load_split('kmnist', 'test')

@pytest.mark.parametrize('answer,match', [
    (lambda x: torch.zeros(len(x) + 1, 10), 'for a batch of'),
    (lambda x: torch.zeros(len(x), 10, 1), 'expected'),
    (lambda x: torch.full((len(x), 10), float('nan')), 'non-finite'),
    (lambda x: torch.zeros(len(x), 7), r'expected \(4, 10\)'),
])
def test_teacher_wrong_output(answer, match):
    t = Teacher(answer, mode='soft', outputs='logits', n_classes=10)
    with pytest.raises(TeacherOutputError, match=match) as e: t(torch.rand(4, 1, 32, 32))
    one_line(e)

def test_teacher_logits_when_probs_promised():
    t = Teacher(lambda x: torch.randn(len(x), 10) * 5, mode='soft', outputs='probs')
    with pytest.raises(TeacherOutputError, match="outputs='logits'") as e: t(torch.rand(4, 1, 32, 32))
    one_line(e)

def test_budget_exhausted():
    t = Teacher(LeNet5(), mode='soft', budget=3)
    with pytest.raises(QueryBudgetExceeded) as e: t(torch.rand(4, 1, 32, 32))
    assert '--budget' in one_line(e)

def test_budget_exhausted_in_a_method(tmp_path, capsys):
    rc = main(['distill', 'standard-kd', '--sample', '--config', 'smoke', '--shots', '5', '--budget', '49', '--out', str(tmp_path)])
    assert rc == 2 and 'query budget exhausted' in capsys.readouterr().err

def test_k_larger_than_a_class():
    with pytest.raises(FskdError) as e: few_shot(load_sample('train'), 201)
    assert 'class 0 has only 200' in one_line(e) and '--shots 200' in one_line(e)

def test_output_folder_not_writable(tmp_path, capsys):
    blocker = tmp_path/'file'; blocker.write_text('x')       # a file where a folder should be: unwritable even for root
    with pytest.raises(OutputDirError) as e: ensure_dir(blocker/'out')
    assert '--out' in one_line(e)
    with pytest.raises(OutputDirError): atomic_write(blocker/'out'/'result.json', '{}')
    rc = main(['distill', 'student-alone', '--sample', '--config', 'smoke', '--out', str(blocker/'out')])
    assert rc == 2 and 'not writable' in capsys.readouterr().err

def test_corrupt_checkpoint(tmp_path):
    learn = Learner(LeNet5(), None, torch.nn.functional.cross_entropy, progress=False)
    learn.save(tmp_path/'ok.pt')
    (tmp_path/'trunc.pt').write_bytes((tmp_path/'ok.pt').read_bytes()[:100])
    with pytest.raises(CheckpointError) as e: learn.load(tmp_path/'trunc.pt')
    assert 'corrupt' in one_line(e)
    torch.save({'weights': 1}, tmp_path/'foreign.pt')
    with pytest.raises(CheckpointError, match='not an fskd_nb checkpoint'): learn.load(tmp_path/'foreign.pt')
    with pytest.raises(CheckpointError, match='different model'): Learner(LeNet5(half=True), None, None, progress=False).load(tmp_path/'ok.pt')
    from fskd_nb.teachers import get_teacher
    (tmp_path/'t.pt').write_bytes(b'garbage')
    with pytest.raises(CheckpointError, match='corrupt'): get_teacher(str(tmp_path/'t.pt'))

def test_corrupt_dataset_file(tmp_path, real_data):
    raw = tmp_path/'MNIST'/'raw'; raw.mkdir(parents=True)
    for f in ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'):
        (raw/f).write_bytes((real_data/'MNIST'/'raw'/f).read_bytes()[:3000])   # truncated download
    with pytest.raises(DatasetNotFound) as e: load_split('mnist', 'test', root=tmp_path, download=False)
    assert 'corrupt or truncated' in one_line(e)
    from fskd_nb.data import cache_dir
    assert not list((cache_dir()/'data').rglob('*.tmp'))   # nothing half-written left in the cache
