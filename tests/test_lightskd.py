"LightSKD (issue 8): the paper config's code path (CIFAR-100 ResNet-18) on FakeData, the real-data subset, the backbone contract, bad input, the CLI, the dashboard."
import os, subprocess, sys
from pathlib import Path
import pytest, torch, torch.nn as nn
from fskd_nb.run import RunConfig
from _helpers import preset
from fskd_nb.core import FskdError, load_result
from fskd_nb.data import Split, DeviceLoader
from fskd_nb.learner import Learner
from fskd_nb.models import get_model
import fskd_nb.methods.lightskd as S
from _helpers import fake_rgb

REAL = os.environ.get('FSKD_DATA') or os.environ.get('FSKD_REQUIRE_DATA')

def test_presets():
    c = preset(RunConfig(method='lightskd', dataset='cifar100', config='paper'))
    assert (c.student, c.epochs, c.bs, c.lr, c.params['milestones'], c.params['augment'], c.params['n_train']) == ('resnet18', 200, 128, .1, (.3, .6, .8), 'rrc', None)
    assert (c.params['alpha'], c.params['beta'], c.params['T'], c.params['wd'], c.params['momentum']) == (.2, 1., 4., 5e-4, .9)
    s = preset(RunConfig(method='lightskd', dataset='fashionmnist', config='small'))
    assert (s.student, s.epochs, s.params['n_train'], s.params['milestones'], s.params['augment']) == ('resnet8', 30, 10_000, (.5, .75), 'standard')   # 30 epochs: the sweep's finding
    tf = S._train_tfm('cifar100', 'resnet18', 'rrc')
    assert tf.rrc == (.08, 1.) and tf.flip and tf.pad == 0
    tf = S._train_tfm('fashionmnist', 'resnet8', 'crop')
    assert tf.pad == 4 and tf.flip and tf.rrc is None
    assert S._train_tfm('fashionmnist', 'resnet8', 'standard').pad == 0   # MNIST-like data: the standard augmentation is none
    with pytest.raises(FskdError, match="augment must be"): S._train_tfm('cifar100', 'resnet18', 'cutout')

@pytest.mark.parametrize('arm', S.ARMS, ids=[a[0] for a in S.ARMS])
def test_paper_config_runs_on_fakedata(tmp_path, arm):
    "Every arm, CIFAR-100 shapes: ResNet-18 with the adapter sized from its 128-channel h2, RandomResizedCrop, a few steps."
    train = Split(fake_rgb(64, 100), torch.arange(64) % 100, 'cifar100', 100)
    test = Split(fake_rgb(20, 100, 7), torch.arange(20) % 100, 'cifar100', 100)
    cfg = RunConfig(method='lightskd', dataset='cifar100', config='paper', epochs=1, bs=16, progress=False, out=str(tmp_path), params=dict(arm[2]))
    r = S.LightSKD(cfg, data=train, test=test).run()
    drg, dsr = arm[2]['drg'], arm[2]['dsr']
    assert r.student == 'resnet18' and r.teacher is None and r.queries_total == 0 and r.extra['n_test'] == 20 and r.extra['n_train'] == 64
    assert r.config['params']['augment'] == 'rrc' and r.extra['parts'] == dict(drg=drg, dsr=dsr, aux=drg)
    assert r.extra['adapter_params'] == (sum(p.numel() for p in S.Adapter(128, 100).parameters()) if drg else 0)
    h = r.extra['history'][0]
    assert ('drg' in h) == drg and ('dsr' in h) == dsr and ('ce_aux' in h) == drg and all(v == v for v in h.values())   # no NaN
    sd = torch.load(tmp_path / 'student.pt', weights_only=True)['state_dict']
    m = get_model('resnet18', 100, 3); m.load_state_dict(sd)   # the saved student is a plain ResNet-18: no adapter, no hooks

def test_dsr_target_follows_dsr_not_drg():
    "Reference bug 4: the previous-batch logits are updated whenever DSR is on, with or without DRG."
    x, y = torch.randn(32, 1, 32, 32), torch.arange(32) % 10
    for drg in (False, True):
        net = S.LightSKDNet(get_model('resnet8', 10, 1), 10, x, adapter=drg)
        sd = S.SelfDistill(net, drg=drg, dsr=True)
        L = Learner(net, DeviceLoader(x, y, bs=8, shuffle=True, drop_last=True), sd.loss, cbs=[sd], progress=False)
        L.fit(1)
        assert sd.s_prev is not None and sd.rows[0]['dsr'] > 0

def test_backbone_contract():
    "A backbone that returns (logits, [h1, h2, h3]) itself is used as is; one without stages gets a clear error."
    class Own(nn.Module):
        returns_stages = True
        def __init__(self):
            super().__init__(); self.c1, self.c2, self.c3, self.fc = nn.Conv2d(1, 8, 3, 1, 1), nn.Conv2d(8, 12, 3, 2, 1), nn.Conv2d(12, 16, 3, 2, 1), nn.Linear(16, 10)
        def forward(self, x):
            h1 = self.c1(x).relu(); h2 = self.c2(h1).relu(); h3 = self.c3(h2).relu()
            return self.fc(h3.mean((2, 3))), [h1, h2, h3]
    x = torch.randn(4, 1, 32, 32)
    net = S.LightSKDNet(Own(), 10, x).train()
    assert net(x).shape == (4, 10) and net.z_a.shape == (4, 10) and net.adapter.fc.in_features == 4 * 12
    net.eval(); net(x); assert net.z_a is None   # the adapter only runs in training
    with pytest.raises(FskdError, match='three stages'): S.LightSKDNet(nn.Sequential(nn.Flatten(), nn.Linear(1024, 10)), 10, x)

def test_bad_input():
    with pytest.raises(FskdError, match='without a teacher'): S.LightSKD(RunConfig(method='lightskd', config='smoke', sample=True, teacher='lenet5-mnist')).run()
    with pytest.raises(FskdError, match='no full batch'): S.LightSKD(RunConfig(method='lightskd', config='smoke', sample=True, bs=4096)).run()
    with pytest.raises(FskdError, match='sample is MNIST only'): S.LightSKD(RunConfig(method='lightskd', config='smoke', sample=True, dataset='cifar100')).run()

@pytest.mark.skipif(not REAL, reason='needs Fashion-MNIST ($FSKD_DATA)')
def test_small_config_data_on_real_fashionmnist():
    "The small config's data: a balanced, seeded subset of the real Fashion-MNIST training split; the whole test set."
    cfg = RunConfig(method='lightskd', dataset='fashionmnist', config='small', epochs=1, progress=False, download=False, params=dict(n_train=1000))
    r = S.LightSKD(cfg).run()
    assert (r.extra['n_train'], r.shots, r.extra['n_test'], r.config['n_real']) == (1000, 100, 10_000, 1000)
    assert r.acc_last > 15 and len(r.extra['history']) == 1   # one epoch of 7 batches: above chance (10 %)

def test_cli(tmp_path):
    fskd = str(Path(sys.executable).parent / 'fskd')
    env = dict(os.environ, CI='1')
    p = subprocess.run([fskd, 'distill', 'lightskd', '--config', 'smoke', '--sample', '--set', 'dsr=false', '--out', str(tmp_path)], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    r = load_result(tmp_path / 'result.json')
    assert r.method == 'lightskd' and r.extra['parts'] == dict(drg=True, dsr=False, aux=True) and len(r.extra['history']) == 2
    assert (tmp_path / 'config.json').exists() and (tmp_path / 'student.pt').exists()
    p = subprocess.run([fskd, 'distill', 'lightskd', '--config', 'smoke', '--sample', '--teacher', 'lenet5-mnist', '--out', str(tmp_path / 'x')], capture_output=True, text=True, env=env)
    assert p.returncode == 2 and 'without a teacher' in p.stderr and 'Traceback' not in p.stderr

def test_dashboard_sees_the_loss_terms_and_profile():
    "The live monitor: one LightSKD row per epoch (loss terms + the probe images' sorted softmax), probe accuracy without a teacher."
    from fskd_nb.dashboard import Monitor, draw_selection, draw_curves, status_line
    snaps = []; m = Monitor([snaps.append], every=0, mte_every=5, n_probe=50, share=None)
    r = S.LightSKD(RunConfig(method='lightskd', config='smoke', sample=True, progress=False), [m]).run()
    snap = m.finish(r)
    s = snap['selection']
    assert s['kind'] == 'skd' and s['method'] == 'lightskd' and len(s['history']) == 2 and len(s['history'][-1]['profile']) == 10
    assert abs(sum(s['history'][-1]['profile']) - 1) < 1e-4
    rows = snap['boundary']['rows']
    assert rows and all('agreement' not in x and 'mte' not in x for x in rows) and snap['ledger'] is None
    assert draw_selection(s)[:4] == b'\x89PNG' and draw_curves(snap['curves'])[:4] == b'\x89PNG'
    assert 'loss ce' in status_line(snap) and snap['method'] == 'lightskd'
