"Your own teacher and your own data, end to end: a NumPy function, TorchScript, file.py:function, an HTTP server in another process, record and replay."
import contextlib, io, json, re, subprocess, sys, time
from pathlib import Path
import numpy as np, pytest, torch
from PIL import Image
from fskd_nb.cli import main
from fskd_nb.core import load_result
from _helpers import answered
from fskd_nb.data import load_sample
from fskd_nb.run import distill
from fskd_nb.teacher import Teacher
from fskd_nb.teachers import load_teacher_model

FSKD = Path(sys.executable).parent/'fskd'
METHODS = ('standard-kd', 'fsbbt', 'divbfkd')
SMOKE = ['--config', 'smoke', '--mte-images', '0']

def cli(*args):
    "Run the fskd command in this process: (exit status, stdout, stderr)."
    with contextlib.redirect_stdout(io.StringIO()) as o, contextlib.redirect_stderr(io.StringIO()) as e: rc = main([str(a) for a in args])
    return rc, o.getvalue(), e.getvalue()

@pytest.fixture(scope='module')
def mnist_bits():
    "600 real MNIST digits (60 per class) from the embedded sample, and a NumPy ridge-regression classifier fitted on 1000 others."
    s = load_sample('train')
    x, y = s.x.numpy(), s.y.numpy()
    a = x[1::2].reshape(1000, -1).astype('float32') / 255   # the odd digits train the teacher, the even ones are the user's data
    A = np.c_[a, np.ones(len(a))]; Y = np.eye(10)[y[1::2]]
    W = np.linalg.solve(A.T @ A + 10 * np.eye(A.shape[1]), A.T @ Y).astype('float32')   # closed form, no torch
    def numpy_teacher(imgs):   # float32 [B,1,28,28] in [0,1] → probabilities [B,10], all NumPy
        z = np.c_[imgs.reshape(len(imgs), -1), np.ones(len(imgs), 'float32')] @ W * 8
        e = np.exp(z - z.max(1, keepdims=True)); return e / e.sum(1, keepdims=True)
    keep = np.concatenate([np.flatnonzero(y == c)[0::2][:60] for c in range(10)])
    return x[keep], y[keep], numpy_teacher

@pytest.mark.parametrize('method', METHODS)
def test_numpy_teacher_and_user_tensors_from_python(mnist_bits, method, tmp_path):
    x, y, fn = mnist_bits
    t = Teacher(fn, mode='soft', outputs='probs', input=dict(size=28, channels=1, numpy=True), name='ridge-numpy')
    r = distill(method, teacher=t, data=(x, y), shots=20, config='smoke', mte_images=0, progress=False, out=str(tmp_path))
    assert r.dataset.startswith('user-') and r.teacher == 'ridge-numpy' and r.extra['n_test'] == 120   # a seeded fifth held out
    assert r.config['data'] == 'tensors [600, 1, 28, 28]' and r.config['test_source'].startswith('a seeded fifth')
    assert r.queries_total == t.ledger.charged and r.queries['distill'] == 200 and 0 <= r.acc_last <= 100
    assert load_result(tmp_path).config['teacher'] == 'ridge-numpy'

@pytest.fixture(scope='module')
def png_folder(tmp_path_factory, mnist_bits):
    "An ImageFolder of PNGs: 10 class folders of 30 grey 28×28 digits each."
    root = tmp_path_factory.mktemp('digits')
    x, y, _ = mnist_bits
    for c in range(10):
        (root/f'class_{c}').mkdir()
        for i, j in enumerate(np.flatnonzero(y == c)[:30]): Image.fromarray(x[j, 0]).save(root/f'class_{c}'/f'{i}.png')
    return root

@pytest.fixture(scope='module')
def lenet_files(tmp_path_factory):
    "The shipped LeNet-5 MNIST teacher as TorchScript, and a user's Python file whose function builds it."
    d = tmp_path_factory.mktemp('teachers')
    net = load_teacher_model('lenet5-mnist')[0]
    torch.jit.save(torch.jit.script(net), d/'lenet.ts')
    (d/'my_teacher.py').write_text("from fskd_nb.teachers import load_teacher_model\n\ndef build():\n    return load_teacher_model('lenet5-mnist')[0]\n")
    return d

@pytest.mark.parametrize('method', METHODS)
def test_torchscript_teacher_and_image_folder_from_the_cli(method, png_folder, lenet_files, tmp_path):
    rc, out, err = cli('distill', method, '--teacher', lenet_files/'lenet.ts', '--data', png_folder, '--shots', 10, *SMOKE, '--out', tmp_path)
    assert rc == 0, err
    r = load_result(tmp_path)
    assert r.teacher == 'lenet' and r.config['data'] == str(png_folder) and r.config['data_source'] == f"folder {str(png_folder)!r}" and r.extra['n_test'] == 60 and r.queries['distill'] == 100
    assert 0 <= r.acc_last <= 100 and r.agreement is not None

@pytest.mark.parametrize('method', METHODS + ('zskt', 'kd3'))
def test_file_py_function_teacher(method, lenet_files, tmp_path):
    "A teacher built by a function in the user's own Python file; white-box for ZSKT and KD^3 (their default access)."
    rc, out, err = cli('distill', method, '--teacher', f"{lenet_files/'my_teacher.py'}:build", '--sample', '--shots', 10, *SMOKE, '--out', tmp_path)
    assert rc == 0, err
    r = load_result(tmp_path)
    assert r.teacher == 'lenet5' and r.config['teacher_mode'] == ('white_box' if method in ('zskt', 'kd3') else 'soft')
    assert r.queries_total > 0

@pytest.fixture
def server():
    "`fskd teacher serve` in its own process on a free loopback port; yields its URL."
    p = subprocess.Popen([str(FSKD), 'teacher', 'serve', 'lenet5-mnist', '--port', '0'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    url = re.search(r'http://[\d.]+:\d+', line)
    assert url, line + p.stderr.read()
    yield url.group(0)
    p.terminate(); p.wait(10)


@pytest.mark.parametrize('method', METHODS)
def test_http_teacher_ledger_equals_the_servers_count_then_replay_offline(server, method, tmp_path):
    rc, out, err = cli('distill', method, '--teacher', server, '--sample', '--shots', 10, '--config', 'smoke', '--record', tmp_path/'answers.pt', '--out', tmp_path/'live')
    assert rc == 0, err
    live = load_result(tmp_path/'live')
    n = answered(server)
    assert sum(live.queries.values()) == n > 0   # every image the server answered is in the ledger, and nothing else
    rc, out, err = cli('distill', method, '--teacher', f"replay:{tmp_path/'answers.pt'}", '--sample', '--shots', 10, '--config', 'smoke', '--out', tmp_path/'replay')
    assert rc == 0, err
    rep = load_result(tmp_path/'replay')
    assert answered(server) == n   # zero server calls
    assert (rep.acc_last, rep.agreement, rep.mte, rep.queries) == (live.acc_last, live.agreement, live.mte, live.queries)

BAD = [  # (arguments, what the one-line error must say)
    (['fsbbt', '--set', 'alpah=0.5'], "unknown setting 'alpah' for fsbbt (did you mean 'alpha'?)"),
    (['fsbbt', '--set', 'cvae=flase'], "cvae='flase' is not a valid bool"),
    (['fsbbt', '--set', 'n_mix=2.5'], "n_mix='2.5' is not a valid int"),
    (['fsbbt', '--set', 'epochs=abc'], "'epochs' is a common option"),
    (['fsbbt', '--set', 'rot=[1,2]'], "rot='[1,2]' is not a valid float"),
    (['lightskd', '--set', 'milestones=half,three-quarters'], "milestones='half,three-quarters' is not a valid tuple"),
    (['divbfkd', '--set', 'q=1.5'], "q=1.5 is out of range: it must be ≥ 0 and ≤ 1"),
    (['divbfkd', '--set', 'thr_mode=median'], "thr_mode='median' is not one of 'quantile', 'mean', 'constant'"),
    (['fsbbt', '--set', 'cvae'], "--set needs KEY=VALUE"),
    (['zskt', '--teacher-mode', 'soft'], "ZSKT needs 'white_box' teacher access, but this run grants only 'soft'; grant it with --teacher-mode white_box"),
    (['divbfkd', '--teacher-mode', 'label'], "grant it with --teacher-mode soft"),
    (['fsbbt', '--config', 'huge'], "unknown config 'huge' for fsbbt; choose one of: smoke, small, paper, lesson"),
    (['standard-kd', '--bs', '0'], "bs=0 is out of range"),
    (['standard-kd', '--lr', '-1'], "lr=-1.0 is out of range: it must be > 0"),
    (['standard-kd', '--seed', '0', '0'], "repeats a seed"),
    (['standard-kd', '--teacher-mode', 'soft', '--topk', '3'], "topk=3 applies to teacher_mode='topk' only"),
    (['fsbtt'], "unknown method 'fsbtt' (did you mean 'fsbbt'?)"),
    (['standard-kd', '--teacher', 'no_such_package_xyz:build'], "cannot import module 'no_such_package_xyz'"),
    (['standard-kd', '--data', '/no/such/folder'], "is neither a folder of images"),
]

@pytest.mark.parametrize('args,want', BAD, ids=[' '.join(a) for a, _ in BAD])
def test_wrong_setting_is_one_line_naming_the_fix(args, want, tmp_path):
    extra = [] if '--config' in args else ['--config', 'smoke']
    rc, out, err = cli('distill', *args, '--sample', *extra, '--out', tmp_path)
    assert rc == 2 and err.startswith('fskd: error:') and err.strip().count('\n') == 0, err
    assert want in err, err
    assert not (tmp_path/'result.json').exists()

def test_pickled_module_is_refused_with_the_safe_ways(tmp_path):
    torch.save(load_teacher_model('lenet5-mnist')[0], tmp_path/'whole.pt')
    rc, out, err = cli('distill', 'standard-kd', '--teacher', tmp_path/'whole.pt', '--sample', '--config', 'smoke', '--out', tmp_path/'o')
    assert rc == 2 and 'runs arbitrary code' in err and 'torch.jit.save' in err and 'torch.export' in err

def test_the_same_checks_from_python():
    with pytest.raises(Exception, match="did you mean 'alpha'"): distill('standard-kd', alpah=.5, sample=True, config='smoke')
    with pytest.raises(Exception, match="n_mix=2.5 is not a valid int"): distill('fsbbt', n_mix=2.5, sample=True, config='smoke')
    with pytest.raises(Exception, match="did you mean 'epochs'"): distill('fsbbt', epoch=3, sample=True, config='smoke')
    with pytest.raises(Exception, match="say what it returns with --teacher-outputs"): distill('standard-kd', teacher=lambda x: x, sample=True, config='smoke')
    with pytest.raises(Exception, match="already a probability vector"):
        distill('standard-kd', teacher=Teacher(lambda x: torch.full((len(x), 10), .1), outputs='logits'), sample=True, config='smoke', shots=5)

def test_results_groups_by_config(tmp_path):
    for alpha in ('0.5', '0.9'):
        rc, out, err = cli('distill', 'standard-kd', '--sample', '--config', 'smoke', '--shots', 5, '--epochs', 1, '--mte-images', 0,
                           '--seed', 0, 1, '--set', f'alpha={alpha}', '--out', tmp_path/f'a{alpha}')
        assert rc == 0, err
    rc, out, err = cli('results', tmp_path)
    assert rc == 0, err
    assert 'configs differ in: params.alpha' in out and len([l for l in out.splitlines() if 'standard-kd' in l]) == 2 and out.count('0 1') == 2
