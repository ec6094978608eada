"FS-BBT: the query count against an independent counter, bad input, access modes, and the paper configs' code paths (RGB on FakeData)."
import json, warnings, pytest, torch
import fskd_nb.methods.fsbbt as fb
from fskd_nb.run import RunConfig
from fskd_nb.core import FskdError
from fskd_nb.data import load_sample, input_tfm
from fskd_nb.models import get_model
from fskd_nb.teacher import Teacher, TeacherOutputError, QueryBudgetExceeded
from fskd_nb.learner import Callback
from _helpers import Counting, mnist_teacher, fake_rgb_run, preset

SMALL = dict(n_mix=300, cvae_epochs=1)

def test_queries_are_n_plus_distinct_synthetic_images():
    fs, net = load_sample('train'), mnist_teacher()
    cnt = Counting(net); t = Teacher(cnt, mode='soft')
    pool = fb.fsbbt_pool(fs.unlabeled, t, 10, input_tfm('mnist', 'lenet5', augment=False), **SMALL)
    c = pool.counts()
    n_distinct = len(torch.unique(pool.x.flatten(1), dim=0))
    assert n_distinct == c['total'] == len(fs) + c['mixup'] + c['cvae']          # every image in the set is distinct
    assert cnt.images == t.ledger.charged == len(fs) + c['mixup'] + c['cvae']     # each queried exactly once, counted independently
    assert t.ledger.as_dict() == {'distill': len(fs), 'synthesize': c['mixup'] + c['cvae']}
    assert c['dropped'] > 0 and c['cvae'] == c['dropped'] // 10 * 10             # CVAE images replace the dropped near-copies

class Capture(Callback):
    "What a dashboard does: take the synthetic set when it is ready, and count the training epochs."
    def __init__(self): self.synth, self.epochs = None, 0
    def after_synthesis(self): self.samples = fb.pool_samples(self.synth, 4)
    def after_epoch(self): self.epochs += 1

def test_method_query_total_with_independent_counter(monkeypatch):
    cnt = Counting(mnist_teacher())
    cap = Capture()
    r = fb.FSBBT(RunConfig(method='fsbbt', config='smoke', sample=True, progress=False, mte_images=0), [cap],
                 teacher=Teacher(cnt, mode='soft', name='counted-lenet5')).run()
    assert cap.synth.counts() == r.extra['pool'] and cap.epochs == 1 and cap.samples['mixup']['x'].shape == (4, 1, 28, 28)
    p = r.extra['pool']
    assert r.queries_total == 2000 + p['mixup'] + p['cvae'] == p['total']
    assert cnt.images == r.queries_total + r.queries['eval']   # the only other calls: the final agreement report (exempt)
    assert r.queries['eval'] == r.extra['teacher_probe']['images'] + r.extra['n_test']   # the start probe and the final report: the test set is never queried for training

def test_label_mode_gives_one_hot_targets():
    t = Teacher(mnist_teacher(), mode='label')
    pool = fb.fsbbt_pool(load_sample('train').unlabeled[::7], t, 10, input_tfm('mnist', 'lenet5', augment=False), **SMALL)
    assert set(pool.p.unique().tolist()) <= {0., 1.} and (pool.p.sum(1) == 1).all()

def test_fewer_images_than_classes():
    t = Teacher(mnist_teacher(), mode='soft')
    with pytest.raises(FskdError, match='at least as many few-shot images as classes: got N = 5 for 10'):
        fb.fsbbt_pool(load_sample('train').x[:5], t, 10)
    assert t.ledger.charged == 0   # nothing spent
    with pytest.raises(FskdError, match='shots=0 is out of range'):
        fb.FSBBT(RunConfig(method='fsbbt', config='smoke', sample=True, shots=0, progress=False)).run()

def test_all_one_class_set_fails_before_spending_on_synthesis():
    fs = load_sample('train'); ones = fs.x[fs.y == 1]
    t = Teacher(Counting(lambda x: torch.nn.functional.one_hot(torch.full((len(x),), 3), 10).float() * 9), mode='soft')  # always class 3
    with pytest.raises(FskdError, match='labels all 200 images as class \\[3\\]'):
        fb.fsbbt_pool(ones, t, 10, **SMALL)
    assert t.ledger.as_dict() == {'distill': 200}   # only the real images were queried

def test_missing_classes_warn_and_cvae_decodes_named_classes_only():
    fs, net = load_sample('train'), mnist_teacher()
    keep = fs.y < 4   # only digits 0-3 in the few-shot set
    with pytest.warns(UserWarning, match='never names classes'):
        pool = fb.fsbbt_pool(fs.x[keep][:400], Teacher(net, mode='soft'), 10, input_tfm('mnist', 'lenet5', augment=False), **SMALL)
    named = pool.p[pool.src < 2].argmax(1).unique()   # the classes the teacher gave the CVAE's training images
    assert torch.equal(pool.cvae_cls.unique(), named) and len(named) < 10

def test_logits_when_probabilities_were_promised():
    t = Teacher(mnist_teacher(), mode='soft', outputs='probs')   # the model returns logits
    with pytest.raises(TeacherOutputError, match="promised probabilities.*outputs='logits'"):
        fb.fsbbt_pool(load_sample('train').x[:100], t, 10, input_tfm('mnist', 'lenet5', augment=False), **SMALL)

def test_budget_is_enforced():
    t = Teacher(mnist_teacher(), mode='soft', budget=2100)
    with pytest.raises(QueryBudgetExceeded, match='query budget exhausted'):
        fb.fsbbt_pool(load_sample('train').x, t, 10, input_tfm('mnist', 'lenet5', augment=False), **SMALL)
    assert t.ledger.charged <= 2100

def test_bad_cvae_data_name():
    with pytest.raises(FskdError, match="cvae_data must be"):
        fb.fsbbt_pool(load_sample('train').x[:20], Teacher(mnist_teacher()), 10, cvae_data='mixup')

def test_paper_presets_follow_the_reference():
    c = preset(RunConfig(method='fsbbt', config='paper'))
    P = c.params
    assert (P['n_mix'], P['cvae_epochs'], P['cvae_bs'], c.epochs, c.bs, c.lr, c.student) == (24_000, 100, 256, 50, 64, 1e-3, 'lenet5_half')
    assert (P['alpha'], P['thr'], P['rot'], P['shift'], P['flip'], P['combo'], P['latent']) == (1., .05, 10., .1, False, True, 2)
    f = preset(RunConfig(method='fsbbt', config='paper', dataset='fashion-mnist')).params
    assert (f['n_mix'], f['cvae_epochs']) == (48_000, 200)
    c10 = preset(RunConfig(method='fsbbt', config='paper', dataset='cifar10'))
    assert (c10.student, c10.params['teacher_arch'], c10.bs, c10.epochs, c10.params['cvae_bs'], c10.params['flip'], c10.params['rot']) == \
           ('alexnet_half', 'alexnet', 128, 100, 64, True, 0.)
    c100 = preset(RunConfig(method='fsbbt', config='paper', dataset='cifar100'))
    assert (c100.student, c100.params['teacher_arch'], c100.bs, c100.epochs, c100.params['combo']) == ('resnet20', 'resnet32', 16, 200, False)
    assert c100.params['lr_steps'][0] == (80, .1)

def test_lr_steps_schedule():
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], 1.)
    s = fb._lr_steps(((2, .1), (3, .01)), epochs=4)(opt, 40)   # 10 steps per epoch
    lrs = []
    for _ in range(40): lrs.append(opt.param_groups[0]['lr']); opt.step(); s.step()
    assert lrs[0] == lrs[19] == 1. and abs(lrs[20] - .1) < 1e-9 and abs(lrs[30] - .01) < 1e-9

@pytest.mark.parametrize('ds,k', [('cifar10', 10), ('cifar100', 100)])
def test_rgb_paper_code_path_on_fakedata(tmp_path, ds, k):
    "The paper config's models and augmentation (AlexNet-Half / ResNet-20, conv CVAE, flip, lr steps) on FakeData shapes."
    cfg = RunConfig(method='fsbbt', dataset=ds, config='paper', shots=2, epochs=1, bs=16, progress=False, out=str(tmp_path), mte_images=0,
                    params=dict(n_mix=64, cvae_epochs=1))
    kw, cnt = fake_rgb_run(cfg, ds, k, per_class=2)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # a random stand-in may not name every class
        r = fb.FSBBT(cfg, **kw).run()
    assert r.student == ('alexnet_half' if ds == 'cifar10' else 'resnet20') and r.teacher == f"{'alexnet' if ds == 'cifar10' else 'resnet32'}-{ds}"
    assert r.queries_total == r.extra['pool']['total'] == cnt.images - r.queries['eval']
    saved = json.loads((tmp_path/'result.json').read_text())
    assert saved['config']['params']['n_mix'] == 64 and saved['config']['params']['cvae_bs'] == 64
    get_model(r.student, k, 3).load_state_dict(torch.load(tmp_path/'student.pt', weights_only=True)['state_dict'])

def test_cli_runs_fsbbt(tmp_path, capsys):
    from fskd_nb.cli import main
    assert main(['distill', 'fsbbt', '--config', 'smoke', '--sample', '--mte-images', '0', '--set', 'cvae=false', '--out', str(tmp_path)]) == 0
    r = json.loads((tmp_path/'result.json').read_text())
    assert r['method'] == 'fsbbt' and r['extra']['pool']['cvae'] == 0 and r['config']['params']['cvae'] is False

def test_small_preset_for_fashion_mnist_is_paper_with_the_longer_schedule():
    s, p = (preset(RunConfig(method='fsbbt', config=k, dataset='fashionmnist')) for k in ('small', 'paper'))
    assert s.params == dict(p.params, lr_steps=((100, .1), (125, .01))) and s.epochs == 150
    assert (s.bs, s.lr, s.student) == (p.bs, p.lr, p.student)
    m = preset(RunConfig(method='fsbbt', config='small', dataset='mnist'))   # other datasets: the short demo
    assert (m.epochs, m.params['lr_steps'], m.params['n_mix']) == (10, (), 6000)
