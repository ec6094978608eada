"KD^3 (issue 7): the paper config's code path (CIFAR-10 ResNet-34 -> ResNet-18) on FakeData, the real offline web pool, access errors, the CLI."
import os, subprocess, sys
from pathlib import Path
import pytest, torch
from fskd_nb.run import RunConfig
from _helpers import preset
from fskd_nb.core import FskdError, load_result
from fskd_nb.data import Split, load_split
from fskd_nb.models import get_model
from fskd_nb.teacher import Teacher, AccessError
import fskd_nb.methods.kd3 as K
from _helpers import fake_rgb

REAL = os.environ.get('FSKD_DATA') or os.environ.get('FSKD_REQUIRE_DATA')

def test_paper_preset():
    c = preset(RunConfig(method='kd3', dataset='cifar10', config='paper'))
    assert (c.student, c.params['teacher_arch'], c.epochs, c.bs, c.lr, c.params['web_n']) == ('resnet18', 'resnet34', 60, 256, .1, 100_000)
    assert c.params['mix_layer'] == 'layer2' and preset(RunConfig(method='kd3', config='paper')).params['mix_layer'] == 'conv2'

@pytest.mark.parametrize('arm', [a for a in K.ARMS])
def test_paper_config_runs_on_fakedata(tmp_path, arm):
    "Every arm, CIFAR-10 shapes: a random ResNet-34 white-box teacher, a FakeData web pool, ResNet-18 student, a few steps."
    torch.manual_seed(0)
    t = Teacher(get_model('resnet34', 10, 3), mode='white_box', name='resnet34-cifar10')
    x = fake_rgb(96, 10)
    pool = K.web_pool(x[:48], {'cifar100': x[48:]}, n=64, mix=K.PAPER_MIX, seed=0)
    test = Split(fake_rgb(20, 10, 7), torch.arange(20) % 10, 'cifar10', 10)
    cfg = RunConfig(method='kd3', dataset='cifar10', config='paper', epochs=1, bs=16, mte_images=0, progress=False, out=str(tmp_path),
                    params=dict(arm[2]))
    r = K.KD3(cfg, teacher=t, data=pool, test=test).run()
    assert r.acc_last is not None and r.queries['distill'] == 64 and r.student == 'resnet18'
    assert r.extra['selection'][0]['ratio'] == (.5 if arm[2]['select'] else 1.)
    sd = torch.load(tmp_path / 'student.pt', weights_only=True)['state_dict']
    m = get_model('resnet18', 10, 3); m.load_state_dict(sd)   # the saved student is a plain ResNet-18 (projector + classifier folded)

@pytest.mark.parametrize('mode', ['soft', 'label', 'topk'])
def test_needs_white_box(mode):
    with pytest.raises(AccessError, match="needs 'white_box'"):
        K.KD3(RunConfig(method='kd3', config='smoke', sample=True, teacher_mode=mode, topk=3 if mode == 'topk' else None)).run()

def test_align_needs_matching_classifiers():
    with pytest.raises(FskdError, match="cls='align' needs classifiers of the same shape"):
        K.KD3(RunConfig(method='kd3', config='smoke', sample=True, params=dict(cls='align'))).run()

@pytest.mark.skipif(not REAL, reason='needs MNIST, Fashion-MNIST and the KMNIST test split ($FSKD_DATA)')
def test_real_web_pool_never_holds_clean_mnist_training_images():
    pool = K.load_web_pool('mnist', n=3000, download=False)
    assert pool.counts() == dict(shifted=1500, fashionmnist=600, kmnist=600, noise=300)
    train = load_split('mnist', 'train', download=False).x
    keys = {bytes(v) for v in train.flatten(1).numpy()}
    assert not any(bytes(v) in keys for v in pool.x.cpu().flatten(1).numpy())   # no pool image is a clean training image
    kmnist = {bytes(v) for v in load_split('kmnist', 'test', download=False).x.flatten(1).numpy()}
    assert sum(bytes(v) in kmnist for v in pool.x[pool.source == K.SOURCES.index('kmnist')].cpu().flatten(1).numpy()) == 600

def test_cli(tmp_path):
    fskd = str(Path(sys.executable).parent / 'fskd')
    p = subprocess.run([fskd, 'distill', 'kd3', '--config', 'smoke', '--sample', '--out', str(tmp_path)],
                       capture_output=True, text=True, env=dict(os.environ, CI='1'))
    assert p.returncode == 0, p.stderr[-2000:]
    r = load_result(tmp_path / 'result.json'); assert r.method == 'kd3' and len(r.extra['selection']) == 4
    p = subprocess.run([fskd, 'distill', 'kd3', '--config', 'smoke', '--sample', '--teacher-mode', 'soft'], capture_output=True, text=True)
    assert p.returncode != 0 and "needs 'white_box'" in p.stderr and 'Traceback' not in p.stderr

def test_dashboard_sees_the_selection():
    "The live dashboard's monitor gets the pool (samples panel) and one selection row per epoch (selection panel)."
    from fskd_nb.dashboard import Monitor, draw_selection, status_line
    snaps = []; m = Monitor([snaps.append], every=0, mte_every=0, n_probe=50, share=None)
    r = K.KD3(RunConfig(method='kd3', config='smoke', sample=True, progress=False, mte_images=0), [m]).run()
    snap = m.finish(r)
    s = snap['selection']
    assert s['kind'] == 'web' and s['method'] == 'kd3' and [row['ratio'] for row in s['history']] == [r.extra['selection'][i]['ratio'] for i in range(4)]
    assert snap['samples'] is not None and draw_selection(s)[:4] == b'\x89PNG' and 'selected 0.50 of the pool' in status_line(snap)

def test_small_keeps_ninety_percent_and_the_lesson_half():
    assert preset(RunConfig(method='kd3', config='small')).params['rho'] == .9
    assert preset(RunConfig(method='kd3', config='lesson')).params['rho'] == .5
