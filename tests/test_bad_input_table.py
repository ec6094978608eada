"""Every bad input in one table: the command line (exit code 2, one line that names the fix, nothing in the output folder
lost or overwritten) and Python (one `FskdError` line, raised before any work). `scripts/bad_inputs_table.py` prints it."""
import contextlib, io, os, pickle
from pathlib import Path
import pytest, torch
from fskd_nb.cli import main

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
    (D + ['--teacher', 'http://127.0.0.1:9/'], 'is the server running?'),
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
    ("distill('standard-kd', data=torch.rand(5, 1, 28, 28), config='smoke')", 'labels'),
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
