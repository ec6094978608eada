"""A practitioner leaves with a model: a torchvision student on 64-px colour images from a TorchScript teacher, exported and checked with
onnxruntime; unlabelled images; a protocol that bills a lost answer once and refuses a wrong token; `--resume DIR` alone."""
import json, os, re, subprocess, sys, threading, time, warnings
from pathlib import Path
import numpy as np, pytest, torch, torch.nn as nn
from PIL import Image

FSKD = str(Path(sys.executable).parent/'fskd')
COLOURS = torch.tensor([[200, 40, 40], [40, 200, 40], [40, 40, 200], [200, 200, 40]])

def fskd(*args, env=None, timeout=600):
    return subprocess.run([FSKD, *map(str, args)], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})

class ColourNet(nn.Module):
    "A teacher that tells the four colours apart (logits from the channel means)."
    def __init__(self):
        super().__init__(); self.w = nn.Parameter(torch.tensor([[1., 0, 0], [0, 1, 0], [0, 0, 1], [.7, .7, -.5]]) * 20)
    def forward(self, x): return x.mean((2, 3)) @ self.w.t()

@pytest.fixture(scope='module')
def colour64(tmp_path_factory):
    "A colour 64-px ImageFolder (4 classes: 20 training, 25 test images each), the same images in one flat folder, and a TorchScript teacher."
    root, g = tmp_path_factory.mktemp('colour64'), torch.Generator().manual_seed(0)
    for split, n in (('train', 20), ('test', 25)):
        for c in range(4):
            d = root/split/f'class{c}'; d.mkdir(parents=True)
            for i in range(n):
                a = (torch.rand(64, 64, 3, generator=g) * 60 + COLOURS[c] * 0.7).clamp(0, 255).to(torch.uint8).numpy()
                Image.fromarray(a).save(d/f'{i}.png')
                if split == 'train': (root/'flat').mkdir(exist_ok=True); Image.fromarray(a).save(root/'flat'/f'{c}_{i}.png')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore'); torch.jit.save(torch.jit.script(ColourNet()), str(root/'teacher.ts'))
    return root

@pytest.mark.parametrize('method', ['standard-kd', 'fsbbt', 'divbfkd'])
def test_a_torchvision_student_on_colour_64px_images_leaves_as_onnx_that_matches_torch(colour64, tmp_path, method):
    ort = pytest.importorskip('onnxruntime')
    out = tmp_path/'run'
    r = fskd('distill', method, '--teacher', colour64/'teacher.ts', '--data', colour64/'train', '--test-data', colour64/'test',
             '--student', 'torchvision:resnet18', '--config', 'smoke', '--mte-images', '0', '--export', 'ts,onnx', '--out', out, '--quiet')
    assert r.returncode == 0, r.stderr[-2000:]
    card = json.loads((out/'student.json').read_text())
    assert card['input']['size'] == 64 and card['input']['channels'] == 3 and card['classes'] == ['class0', 'class1', 'class2', 'class3']
    assert card['architecture'] == 'torchvision:resnet18' and card['metric'] == 'accuracy' and card['queries'] > 0
    assert card['files'] == {'pt': 'student.pt', 'ts': 'student.ts', 'onnx': 'student.onnx'} and (out/'metrics.csv').is_file()
    from fskd_nb.sources import load_image_folder
    x, y, _ = load_image_folder(colour64/'test')   # 100 images
    xf = x.float() / 255
    with warnings.catch_warnings():
        warnings.simplefilter('ignore'); ts = torch.jit.load(str(out/'student.ts'))
    with torch.no_grad(): p_torch = ts(xf).numpy()
    p_onnx = ort.InferenceSession(str(out/'student.onnx')).run(None, {'images': xf.numpy()})[0]
    assert len(p_onnx) == 100 and np.abs(p_onnx - p_torch).max() < 1e-4
    pr = fskd('predict', out, colour64/'test', '--csv')
    assert pr.returncode == 0, pr.stderr
    rows = [l.split(',') for l in pr.stdout.strip().splitlines()[1:]]
    assert len(rows) == 100
    assert [int(r[-1]) for r in rows] == p_onnx.argmax(1).tolist() == p_torch.argmax(1).tolist()   # files in the same (sorted) order
    assert np.allclose([float(r[-2]) for r in rows], p_onnx.max(1), atol=1e-4)

def test_fskd_export_writes_other_formats_of_a_finished_run(colour64, tmp_path):
    from fskd_nb.run import distill
    from fskd_nb.sources import as_teacher
    out = tmp_path/'run'
    r = distill('standard-kd', teacher=str(colour64/'teacher.ts'), data=str(colour64/'train'), student='mobilenet_v3_small', config='smoke',
                mte_images=0, progress=False, out=str(out), export='none')
    assert isinstance(r.model, nn.Module) and not (out/'student.ts').exists()
    e = fskd('export', out, '--format', 'ts', 'pt2')
    assert e.returncode == 0, e.stderr
    xs = torch.rand(3, 3, 64, 64)
    r.model.eval()
    with torch.no_grad(): ref = r.model((xs - torch.tensor(json.loads((out/'student.json').read_text())['input']['mean']).view(1, 3, 1, 1))
                                        / torch.tensor(json.loads((out/'student.json').read_text())['input']['std']).view(1, 3, 1, 1)).softmax(1)
    assert torch.allclose(torch.export.load(str(out/'student.pt2')).module()(xs), ref, atol=1e-5)

@pytest.mark.parametrize('method', ['standard-kd', 'fsbbt'])
def test_unlabelled_images_report_agreement_and_a_labelled_test_set_gives_accuracy(colour64, tmp_path, method):
    from fskd_nb.run import distill
    kw = dict(teacher=str(colour64/'teacher.ts'), student='lenet5_half', config='smoke', mte_images=0, progress=False, export='none')
    r = distill(method, data=str(colour64/'flat'), out=str(tmp_path/'a'), **kw)
    assert r.extra['metric'] == 'agreement' and r.acc_last == r.agreement and r.extra['n_test'] == 16 and r.config['n_real'] == 64
    assert r.queries['eval'] >= 16 and json.loads((tmp_path/'a'/'student.json').read_text())['metric'] == 'agreement'
    r = distill(method, data=str(colour64/'flat'), test=str(colour64/'test'), out=str(tmp_path/'b'), **kw)
    assert 'metric' not in r.extra and r.extra['n_test'] == 100 and r.config['n_real'] == 80 and r.acc_last is not None
    c = fskd('distill', method, '--teacher', colour64/'teacher.ts', '--data', colour64/'flat', '--student', 'lenet5_half', '--config', 'smoke',
             '--mte-images', '0', '--export', 'none', '--out', tmp_path/'c', '--quiet')
    assert c.returncode == 0 and 'agreement with the teacher on the 16 held-out images' in c.stdout, c.stdout + c.stderr

def test_methods_that_need_labels_or_inner_layers_say_so(colour64, tmp_path):
    from fskd_nb.run import distill
    from fskd_nb.basics import FskdError
    with pytest.raises(FskdError, match='learns from the labels of your images'):
        distill('student-alone', data=str(colour64/'flat'), config='smoke')
    from fskd_nb.methods.kd3 import KD3Net
    from fskd_nb.models import build_student
    with pytest.raises(FskdError, match='forward_features'): KD3Net(build_student('mobilenet_v3_small', 4, 3), 16)
    r = fskd('distill', 'zskt', '--teacher-mode', 'white_box', '--student', 'mobilenet_v3_small', '--config', 'smoke', '--sample', '--out', tmp_path/'z')
    assert r.returncode == 2 and 'model.stages' in r.stderr.strip().splitlines()[-1], r.stderr[-800:]
    r = fskd('distill', 'divbfkd', '--teacher', colour64/'teacher.ts', '--data', colour64/'train', '--size', '48', '--student', 'resnet8',
             '--config', 'smoke', '--out', tmp_path/'d')
    assert r.returncode == 2 and '16, 32, 64, 128' in r.stderr.strip().splitlines()[-1], r.stderr[-800:]

def test_a_student_from_a_file_and_a_function_that_does_not_say_what_it_returns(colour64, tmp_path):
    (tmp_path/'mine.py').write_text("import torch, torch.nn as nn\n"
                                    "def student(n_classes, in_ch): return nn.Sequential(nn.Conv2d(in_ch, 8, 3, 2), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, n_classes))\n"
                                    "def predict(x): return x.mean((2, 3)) @ torch.tensor([[1., 0, 0, .7], [0, 1, 0, .7], [0, 0, 1, -.5]]) * 20\n")
    base = ['distill', 'standard-kd', '--data', colour64/'train', '--student', f'{tmp_path}/mine.py:student', '--config', 'smoke',
            '--mte-images', '0', '--export', 'none', '--quiet']
    r = fskd(*base, '--teacher', f'{tmp_path}/mine.py:predict', '--out', tmp_path/'a')
    assert r.returncode == 2 and '--teacher-outputs' in r.stderr, r.stderr
    r = fskd(*base, '--teacher', f'{tmp_path}/mine.py:predict', '--teacher-outputs', 'logits', '--out', tmp_path/'b')
    assert r.returncode == 0, r.stderr[-1500:]
    res = json.loads((tmp_path/'b'/'result.json').read_text())
    assert res['student'] == f'{tmp_path}/mine.py:student' and res['queries']['distill'] == 64

def test_resume_dir_alone_continues_from_the_saved_settings(colour64, tmp_path):
    out = tmp_path/'run'
    args = ['--teacher', colour64/'teacher.ts', '--data', colour64/'train', '--student', 'lenet5_half', '--config', 'smoke', '--epochs', '3',
            '--mte-images', '0', '--export', 'none', '--out', out, '--quiet', '--set', 'alpha=0.5']
    r = fskd('distill', 'standard-kd', *args)
    assert r.returncode == 0, r.stderr[-1500:]
    first = json.loads((out/'result.json').read_text())
    (out/'result.json').unlink(); (out/'failed.json').write_text('{"stage": "train"}')   # as if stopped before its end
    r = fskd('distill', '--resume', out, '--quiet')
    assert r.returncode == 0, r.stderr[-1500:]
    again = json.loads((out/'result.json').read_text())
    assert again['config']['params']['alpha'] == 0.5 and again['config']['epochs'] == 3 and again['acc_last'] == first['acc_last']
    assert again['queries']['distill'] == first['queries']['distill'] and again['queries_total'] == first['queries_total']
    r = fskd('distill', '--resume', tmp_path)
    assert r.returncode == 2 and 'no run.json' in r.stderr

def slow_first(x):
    "A teacher whose first answer takes 1.5 s: longer than the client waits (1 s)."
    slow_first.calls += 1
    if slow_first.calls == 1: time.sleep(1.5)
    return x.mean((2, 3)) @ torch.eye(3, 4) * 20
slow_first.outputs, slow_first.calls = 'logits', 0

def test_a_lost_answer_is_billed_once_and_a_wrong_token_gets_nothing(colour64, tmp_path):
    from fskd_nb.sources import serve_teacher, HttpTeacher, as_teacher
    from fskd_nb.run import distill
    with serve_teacher(slow_first) as srv:
        t = as_teacher(HttpTeacher(srv.url, timeout=1.0, backoff=0.2))
        r = distill('standard-kd', teacher=t, data=str(colour64/'train'), student='lenet5_half', config='smoke', mte_images=0, probe=0,
                    progress=False, export='none')
        assert srv.repeats >= 1 and srv.answered == t.ledger.charged + t.ledger.as_dict().get('eval', 0) == r.queries_total + r.queries.get('eval', 0)
    with serve_teacher(str(colour64/'teacher.ts'), token='s3cret') as srv:
        for env in ({}, {'FSKD_TEACHER_TOKEN': 'wrong'}):
            r = fskd('distill', 'standard-kd', '--teacher', srv.url, '--data', colour64/'train', '--config', 'smoke', '--out', tmp_path/'x', env=env)
            lines = r.stderr.strip().splitlines()
            assert r.returncode == 2 and len(lines) == 1 and 'FSKD_TEACHER_TOKEN' in lines[0], r.stderr
        assert srv.answered == 0
        r = fskd('distill', 'standard-kd', '--teacher', srv.url, '--data', colour64/'train', '--student', 'lenet5_half', '--config', 'smoke',
                 '--mte-images', '0', '--export', 'none', '--out', tmp_path/'y', '--quiet', env={'FSKD_TEACHER_TOKEN': 's3cret'})
        assert r.returncode == 0, r.stderr[-1000:]
        assert srv.answered == sum(json.loads((tmp_path/'y'/'result.json').read_text())['queries'].values())

def test_metrics_csv_and_tensorboard(colour64, tmp_path):
    pytest.importorskip('tensorboard')
    from fskd_nb.run import distill
    distill('standard-kd', teacher=str(colour64/'teacher.ts'), data=str(colour64/'train'), student='lenet5_half', config='smoke', mte_images=0,
            progress=False, export='none', out=str(tmp_path), log='tensorboard', epochs=2)
    import pandas as pd
    m = pd.read_csv(tmp_path/'metrics.csv')
    assert len(m) == 2 and {'epoch', 'acc'} <= set(m.columns)
    assert any((tmp_path/'tensorboard').glob('events.out.tfevents.*'))

def test_a_student_that_cannot_be_exported_keeps_its_run(colour64, tmp_path, monkeypatch):
    import fskd_nb.method
    from fskd_nb.run import distill
    def refuse(*a, **k): raise RuntimeError('cannot trace this')
    monkeypatch.setattr(fskd_nb.method, 'export_student', refuse)
    with pytest.warns(UserWarning, match='could not be exported'):
        r = distill('standard-kd', teacher=str(colour64/'teacher.ts'), data=str(colour64/'train'), student='lenet5_half', config='smoke',
                    mte_images=0, progress=False, out=str(tmp_path))
    card = json.loads((tmp_path/'student.json').read_text())
    assert card['files'] == {'pt': 'student.pt'} and (tmp_path/'result.json').is_file() and r.model is not None
