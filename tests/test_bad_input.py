"""Bad input, in one place: every case ends in one line that names the fix. The table (CLI: exit code 2, one line, nothing in
the output folder lost or overwritten; Python: one `FskdError` line, raised before any work; `scripts/reports/bad_inputs_table.py`
prints it), then the cases that need their own setup (files, teachers, data)."""
import contextlib, gzip, io, os, pickle, re, subprocess, sys
from pathlib import Path
import pytest, torch
from fskd_nb.core import FskdError, OutputDirError, CheckpointError, ensure_dir, atomic_write
from fskd_nb.data import get_spec, load_split, DatasetNotFound, few_shot, load_sample
from fskd_nb.teacher import Teacher, TeacherOutputError, QueryBudgetExceeded
from fskd_nb.teachers import TEACHER_FORMAT
from fskd_nb.models import LeNet5
from fskd_nb.learner import Learner
from fskd_nb.run import distill
from fskd_nb.cli import main

def cli(*args):
    with contextlib.redirect_stdout(io.StringIO()) as o, contextlib.redirect_stderr(io.StringIO()) as e: rc = main([str(a) for a in args])
    return rc, o.getvalue(), e.getvalue()

D = ['distill', 'standard-kd', '--sample', '--config', 'smoke']   # a valid run that each row breaks in one place
CLI = [   # (arguments, a fragment of the one-line message)
    (['distill', 'stdkd', '--sample'], "unknown method 'stdkd' (did you mean 'standard-kd'?)"),
    (D + ['--dataset', 'cifar11'], "unknown dataset 'cifar11' (did you mean 'cifar10'?)"),
    (D + ['--dataset', 'fashionmnist'], 'the embedded sample is MNIST only; drop --sample'),
    (D + ['--dataset', '/some/folder'], 'for your own images'),
    (D + ['--config', 'huge'], "unknown config 'huge' for standard-kd; choose one of: smoke, small, paper, lesson"),
    (D + ['--set', 'nokey=1'], "unknown setting 'nokey' for standard-kd"),
    (D + ['--set', 'alpha=abc'], "alpha='abc' is not a valid float; give e.g. alpha=0.5"),
    (D + ['--set', 'alpha=2'], 'alpha=2.0 is out of range'),
    (D + ['--set', 'alpha'], "--set needs KEY=VALUE, got 'alpha'"),
    (['distill', 'fsbbt', '--sample', '--config', 'smoke', '--set', 'n_mix=-5'], 'n_mix=-5 is out of range: it must be ≥ 0'),
    (D + ['--teacher', 'nosuch-teacher'], 'fskd teacher list'),
    (D + ['--teacher', '/nonexistent/t.pt'], "no teacher file at '/nonexistent/t.pt'"),
    (D + ['--teacher', '{tmp}/model.pkl'], 'is a pickled Python object'),
    (D + ['--teacher-mode', 'black_box'], "argument --teacher-mode: invalid choice: 'black_box'"),
    (D + ['--teacher-mode', 'topk'], 'needs topk'),
    (D + ['--teacher-mode', 'label', '--topk', '3'], "topk=3 applies to teacher_mode='topk' only"),
    (D + ['--topk', '-2', '--teacher-mode', 'topk'], 'topk=-2 is out of range'),
    (D + ['--teacher-input', 'xyz'], '--teacher-input takes SIZE,CHANNELS'),
    (['distill', 'zskt', '--config', 'smoke', '--teacher-mode', 'soft'], "grant it with --teacher-mode white_box"),
    (['distill', 'divbfkd', '--sample', '--config', 'smoke', '--teacher-mode', 'label'], "grant it with --teacher-mode soft"),
    (['distill', 'lightskd', '--config', 'smoke', '--teacher', 'lenet5-mnist'], 'LightSKD trains without a teacher; drop --teacher'),
    (['distill', 'standard-kd', '--data', '/nonexistent_folder'], "data '/nonexistent_folder' is neither a folder of images"),
    (['distill', 'standard-kd', '--data', '{tmp}/notes.txt'], 'is neither a folder of images (root/<class>/<image>), an .npz'),
    (D + ['--test-data', '{tmp}/notes.txt'], '--test-data goes with --data'),
    (D + ['--shots', '201'], 'use --shots 200 or fewer'),
    (D + ['--shots', '-1'], 'shots=-1 is out of range'),
    (D + ['--seed', '0', '0'], '--seed 0 0 repeats a seed'),
    (D + ['--seed', '-1'], 'seed=-1 is out of range'),
    (D + ['--epochs', '0'], 'epochs=0 is out of range'),
    (D + ['--epochs', '1.5'], "argument --epochs: invalid int value: '1.5'"),
    (D + ['--bs', '-4'], 'bs=-4 is out of range'),
    (D + ['--bs', 'abc'], "argument --bs: invalid int value: 'abc'"),
    (D + ['--lr', '-1'], 'lr=-1.0 is out of range: it must be > 0'),
    (D + ['--lr', 'nan'], 'lr=nan is not a valid float'),
    (D + ['--lr', 'inf'], 'lr=inf is not a valid float'),
    (D + ['--eval-every', '0'], 'eval_every=0 is out of range'),
    (D + ['--mte-images', '-1'], 'mte_images=-1 is out of range'),
    (D + ['--mte-steps', '0'], 'mte_steps=0 is out of range: it must be ≥ 1'),
    (D + ['--budget', '-5'], 'budget=-5 is out of range'),
    (D + ['--cap', '-1'], 'cap=-1 is out of range'),
    (D + ['--checkpoint-every', '-1'], 'checkpoint_every=-1.0 is out of range'),
    (D + ['--shots', '5', '--budget', '49'], 'query budget exhausted: 0 of 49 images used'),
    (D + ['--shots', '5', '--cap', '10'], 'hard cap reached: 0 of 10 images sent'),
    (D + ['--device', 'tpu'], "unknown device 'tpu'"),
    (D + ['--record', '{tmp}/notes.txt/answers.pt'], '--record {tmp}/notes.txt/answers.pt: its folder cannot be created or written'),
    (D + ['--record', '{tmp}'], 'is a folder; give a file name'),
    (D + ['--resume', '{tmp}/never-ran'], 'no such folder; give the --out folder of the run to continue'),
    (D + ['--out', '{tmp}/notes.txt'], "output folder '{tmp}/notes.txt' is not writable"),
    (['teacher', 'serve', 'nosuch'], "no teacher named 'nosuch'"),
    (['teacher', 'eval', 'nosuch'], "no teacher named 'nosuch'"),
    (['results', '{tmp}/nothing-here'], 'no result.json under'),
    (['distil', 'standard-kd'], "invalid choice: 'distil'"),
]
if not torch.cuda.is_available(): CLI.append((D + ['--device', 'cuda'], 'CUDA is not available here; use --device cpu'))

PY = [   # (a Python call, a fragment of the one-line message)
    ("distill('nosuch')", "unknown method 'nosuch'"),
    ("distill('standard-kd', sample=True, config='smoke', bs=0)", 'bs=0 is out of range'),
    ("distill('standard-kd', sample=True, config='smoke', lr=float('nan'))", 'lr=nan is not a valid float'),
    ("distill('standard-kd', sample=True, config='smoke', epochs='ten')", "epochs='ten' is not a valid int"),
    ("distill('standard-kd', sample=True, config='smoke', alpah=.5)", "unknown setting 'alpah' for standard-kd (did you mean 'alpha'?)"),
    ("distill('standard-kd', teacher=lambda x: x, sample=True, config='smoke')", 'outputs'),
    ("distill('standard-kd', data=torch.rand(5, 1, 28, 28), config='smoke')", 'give your own teacher'),   # images without labels are data; the built-in teachers do not know them
    ("distill('standard-kd', data=(torch.rand(5, 1, 28, 28), torch.arange(4)), config='smoke')", '5 images but 4 labels'),
    ("run_seeds(RunConfig(method='student-alone', sample=True, config='smoke'), seeds=(0, 0))", 'repeat a seed'),
    ("Teacher(LeNet5(), budget='10')", 'budget must be a whole number of images'),
    ("Teacher(LeNet5(), budget=-1)", 'not -1'),
    ("Teacher(LeNet5(), mode='black_box')", "black_box"),
    ("Teacher(lambda x: None, outputs='probs')(torch.rand(2, 1, 32, 32))", 'returned NoneType, not a table'),
    ("Teacher(lambda x: torch.zeros(len(x), 7), outputs='logits', n_classes=10)(torch.rand(4, 1, 32, 32))", 'expected (4, 10)'),
    ("few_shot(load_sample('train'), 201)", 'use --shots 200 or fewer'),
    ("get_spec('cifar11')", "did you mean 'cifar10'"),
    ("load_result('{tmp}/nothing-here')", 'result'),
    ("as_teacher('{tmp}/model.pkl')", 'does not load pickles'),
]

def cli_case(args, tmp:Path):
    "Run one CLI row with an output folder that already holds a file: (exit code, stderr, nothing lost and nothing written)."
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp/'notes.txt').write_text('keep me'); torch.save(torch.nn.Linear(2, 2), tmp/'model.pkl')
    args = [a.replace('{tmp}', str(tmp)) for a in args]
    out = tmp/'o'; out.mkdir(exist_ok=True); (out/'keep.txt').write_text('an earlier file')
    if args[0] == 'distill' and '--out' not in args and '--resume' not in args: args += ['--out', str(out)]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as e:
        try: rc = main(args)
        except SystemExit as x: rc = x.code
    kept = (out/'keep.txt').read_text() == 'an earlier file' and (tmp/'notes.txt').read_text() == 'keep me' and not (out/'result.json').exists()
    return rc, e.getvalue(), kept

def py_case(src:str, tmp:Path):
    "Run one Python row: (the exception's type, its message)."
    from fskd_nb.run import distill, run_seeds, RunConfig
    from fskd_nb.teacher import Teacher
    from fskd_nb.models import LeNet5
    from fskd_nb.data import few_shot, load_sample, get_spec
    from fskd_nb.core import load_result
    from fskd_nb.sources import as_teacher
    tmp.mkdir(parents=True, exist_ok=True); torch.save(torch.nn.Linear(2, 2), tmp/'model.pkl')
    try: eval(src.replace('{tmp}', str(tmp)))
    except Exception as e: return type(e), str(e)
    return None, ''

@pytest.mark.parametrize('args,want', CLI, ids=[' '.join(a) for a, _ in CLI])
def test_cli_row(args, want, tmp_path):
    rc, err, kept = cli_case(args, tmp_path)
    assert rc == 2 and err.startswith('fskd: error:') and err.strip().count('\n') == 0, err
    assert want.replace('{tmp}', str(tmp_path)) in err, err
    assert kept

@pytest.mark.parametrize('src,want', PY, ids=[s for s, _ in PY])
def test_python_row(src, want, tmp_path):
    from fskd_nb.core import FskdError
    typ, msg = py_case(src, tmp_path)
    assert typ is not None and issubclass(typ, FskdError), (typ, msg)
    assert '\n' not in msg and want in msg, msg

def test_the_table_has_forty_rows(): assert len(CLI) + len(PY) >= 40

# ---- the cases that need their own setup ----

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

@pytest.mark.parametrize('kw,want', [(dict(budget='10'), 'budget must be a whole number'), (dict(budget=-3), 'budget must be'),
                                     (dict(cap=1.5), 'cap must be a whole number'), (dict(batch_size=0), 'batch_size must be a positive int')])
def test_bad_teacher_limits_are_refused_up_front(kw, want):
    with pytest.raises(FskdError, match=want): Teacher(LeNet5(), **kw)

@pytest.mark.parametrize('answer,want', [(lambda x: None, 'returned NoneType, not a table'), (lambda x: {'p': [0.5, 0.5]}, 'returned dict'),
                                         (lambda x: 'cat', 'returned str')])
def test_teacher_answers_that_are_not_tables(answer, want):
    with pytest.raises(TeacherOutputError, match=want): Teacher(answer, outputs='probs')(torch.rand(2, 1, 32, 32))

def mnist_files(root, damage):
    "A data root whose MNIST test files are damaged: random bytes, or a .gz whose compressed data is corrupt."
    d = root/'MNIST'/'raw'; d.mkdir(parents=True)
    for n in ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'):
        if damage == 'bytes': (d/n).write_bytes(os.urandom(3000))
        elif damage == 'other': (d/f'{n}.gz').write_bytes(gzip.compress(os.urandom(3000)))   # a sound .gz, but not the published file
        else:
            blob = bytearray(gzip.compress(os.urandom(20000))); blob[40:200] = os.urandom(160)   # the header is fine, the stream is not
            (d/f'{n}.gz').write_bytes(bytes(blob))
    return root

@pytest.mark.parametrize('damage,want', [('bytes', 'are not valid MNIST files'), ('gz', 'is corrupt or truncated'), ('other', 'is not the published mnist file')])
def test_damaged_data_files(tmp_path, monkeypatch, damage, want):
    monkeypatch.setenv('FSKD_CACHE', str(tmp_path/'cache'))
    root = mnist_files(tmp_path/'data', damage)
    with pytest.raises(FskdError, match=want): load_split('mnist', 'test', root, download=False)
    assert not list((tmp_path/'cache').rglob('*.tmp'))   # nothing half-written is left in the cache
    assert not [p for p in (tmp_path/'cache').rglob('*-ubyte') if damage != 'bytes']   # nor a copy of a file that failed its check

def test_teacher_file_without_info_or_with_a_huge_arch(tmp_path):
    torch.save({'format': TEACHER_FORMAT, 'state_dict': {}}, tmp_path/'noinfo.pt')
    rc, out, err = cli('distill', 'standard-kd', '--sample', '--config', 'smoke', '--teacher', tmp_path/'noinfo.pt', '--out', tmp_path/'o')
    assert rc == 2 and 'lacks its info' in err and err.strip().count('\n') == 0
    torch.save({'format': TEACHER_FORMAT, 'info': dict(name='big', arch='resnet34', dataset='cifar100'), 'state_dict': {'w': torch.zeros(3)}}, tmp_path/'big.pt')
    code = (f"import resource; from fskd_nb.teachers import load_teacher_model\ntry: load_teacher_model({str(tmp_path/'big.pt')!r})\n"
            f"except Exception as e: print(type(e).__name__, e)\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    lines = p.stdout.strip().splitlines()
    assert lines[0].startswith('CheckpointError') and 'does not match architecture' in lines[0], p.stdout + p.stderr
    base = subprocess.run([sys.executable, '-c', "import resource, fskd_nb.teachers; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                          capture_output=True, text=True).stdout.strip()
    assert int(lines[-1]) - int(base) < 50_000   # KiB: the 21 M-parameter ResNet-34 (85 MB) was never allocated

def test_empty_test_set_is_refused():
    x, y = load_sample('train').x[:100], load_sample('train').y[:100]
    with pytest.raises(FskdError, match='test set is empty|test split is empty'):
        distill('student-alone', data=(x, y), test=(x[:0], y[:0]), config='smoke', shots=5)

# ---- every fix a message suggests is a command that works ----

FIX = re.compile(r"(?:use|pass|grant it with|drop) (--[\w-]+)(?: (?!or\b)([^\s;,)]+))?")

def apply_fix(args:list, msg:str) -> list|None:
    "`args` with the first fix the message suggests applied: 'use/pass/grant it with --flag V' sets it, 'drop --flag' removes it; None: no fix named."
    m = FIX.search(msg)
    if m is None: return None
    flag, val, out, skip = m.group(1), m.group(2), [], False
    dropping = m.group(0).startswith('drop')
    if val is None and not dropping: return None   # 'use --data' names the option, not its value: no command to run
    for a in args:   # remove the flag and its value(s)
        if skip and not a.startswith('--'): continue
        skip = a == flag
        if not skip: out.append(a)
    return out if dropping else out + [flag, val]

def test_apply_fix():
    assert apply_fix(['distill', 'x', '--shots', '201'], 'use --shots 200 or fewer') == ['distill', 'x', '--shots', '200']
    assert apply_fix(['distill', 'x', '--topk', '3', '--quiet'], "drop --topk or pass --teacher-mode topk") == ['distill', 'x', '--quiet']

def test_the_fix_each_message_names_works(tmp_path, real_data):
    "Every row of the CLI table whose message names a command-line fix: the command with that fix runs (shortened: one epoch, a small subset)."
    ran = []
    for i, (args, want) in enumerate(CLI):
        if args[0] != 'distill' or '{tmp}' in ' '.join(args) or 'invalid' in want: continue   # argparse's own: it names no fix
        rc, _, err = cli(*args, '--out', tmp_path/f'bad{i}')
        fixed = apply_fix(list(args), err)
        if fixed is None: continue
        short = ['--epochs', '1', '--mte-images', '0', '--quiet'] + (['--sample'] if 'lightskd' in args else [])
        rc, out, err2 = cli(*fixed, *short, '--out', tmp_path/f'fixed{i}')
        assert rc == 0, (err, fixed, err2)
        ran.append(' '.join(fixed))
    assert len(ran) >= 8, ran
