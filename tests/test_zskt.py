"ZSKT: the paper config's code path (CIFAR-10 / SVHN, WRN-40-2 -> WRN-16-1) on FakeData and the ledger in white-box mode."
import json, pytest, torch, torchvision
import fskd_nb.methods.zskt as zk
from fskd_nb.run import RunConfig
import fskd_nb.method
from _helpers import preset
from fskd_nb.data import Split, dataset_tensors
from fskd_nb.models import get_model
from fskd_nb.teachers import save_teacher
from fskd_nb.teacher import Teacher

def fake_split(name, n=64, n_classes=10):
    x, y = dataset_tensors(torchvision.datasets.FakeData(size=n, image_size=(3, 32, 32), num_classes=n_classes, random_offset=1))
    return Split(x, y, name, n_classes)

@pytest.fixture
def fake_wrn_teacher(monkeypatch):
    "A randomly initialised WRN-40-2 saved as the cached CIFAR-10/SVHN teacher; the test split comes from FakeData."
    for ds in ('cifar10', 'svhn'):
        torch.manual_seed(0)
        save_teacher(get_model('wrn_40_2', 10, 3), dict(name=f'wrn_40_2-{ds}', dataset=ds, arch='wrn_40_2', acc=None))
    monkeypatch.setattr(fskd_nb.method, 'load_split', lambda name, split, *a, **k: fake_split(name))

def test_paper_preset_is_the_paper():
    cfg = preset(RunConfig(method='zskt', dataset='cifar10', config='paper'))
    assert cfg.student == 'wrn_16_1' and cfg.params['teacher_arch'] == 'wrn_40_2' and cfg.params['width'] == 128
    assert (cfg.params['beta'], cfg.params['n_s'], cfg.params['lr_g'], cfg.params['lr_s'], cfg.bs) == (250., 10, 1e-3, 2e-3, 128)
    assert (cfg.mte_images, cfg.mte_steps, cfg.mte_k) == (1000, 200, 100)
    assert preset(RunConfig(method='zskt', config='small')).student == 'lenet5_half'
    assert (cfg.params['box'], cfg.params['memory'], cfg.params['balance'], cfg.params['shift']) == (False, 0, 0., 0)   # the paper's unbounded generator, no replay, no shifted views
    small = preset(RunConfig(method='zskt', config='small')).params
    assert (small['box'], small['n_batches'], small['memory'], small['disagree']) == (True, 3000, 0, 'l1')   # small: images in the pixel range, 3000 pseudo-batches, no replay, the L1 game
    assert cfg.params['disagree'] == 'kl'   # the paper's game: KL

@pytest.mark.parametrize('ds', ['cifar10', 'svhn'])
def test_paper_config_runs_on_fakedata(fake_wrn_teacher, ds, tmp_path):
    cfg = RunConfig(method='zskt', dataset=ds, config='paper', bs=8, progress=False, out=str(tmp_path),
                    mte_images=3, mte_steps=3, mte_k=3, params=dict(n_batches=2, n_s=2, eval_batches=1))
    r = zk.ZSKT(cfg).run()
    assert r.teacher == f'wrn_40_2-{ds}' and r.student == 'wrn_16_1' and r.shots == 0
    assert r.queries['synthesize'] == 2 * 8 and r.queries['distill'] == 2 * 8 and r.queries_total == 32   # counted in white-box mode too
    assert len(r.extra['history']) == 2 and 0 <= r.acc_last <= 100
    saved = json.loads((tmp_path/'result.json').read_text())
    assert saved['config']['params']['width'] == 128 and saved['config']['params']['n_batches'] == 2
    sd = torch.load(tmp_path/'student.pt', weights_only=True)
    get_model('wrn_16_1', 10, 3).load_state_dict(sd['state_dict'])

def test_paper_default_length():
    "80k pseudo-batches for CIFAR-10, 50k for SVHN when n_batches is left to the preset (checked without running them)."
    assert zk.ZSKT_PRESETS['paper']['n_batches'] is None

def test_wrn_attention_layers_and_generator_rgb():
    t, s = get_model('wrn_40_2', 10, 3), get_model('wrn_16_1', 10, 3)
    assert zk._layers(t) == zk._layers(s) and len(zk._layers(s)) == 3
    G = zk.Generator(100, 128, 3)
    optG, optS = torch.optim.Adam(G.parameters(), 1e-3), torch.optim.Adam(s.parameters(), 2e-3)
    teacher = Teacher(t, mode='white_box')
    lg, ls = zk.zskt_step(G, s, teacher, optG, optS, torch.randn(4, 100), n_s=1, s_layers=zk._layers(s), t_layers=zk._layers(t))
    assert torch.isfinite(lg) and torch.isfinite(ls) and lg <= 0
    assert teacher.ledger.as_dict() == {'synthesize': 4, 'distill': 4}
