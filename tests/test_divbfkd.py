"DivBFKD: the query count against an independent counter, the selection state, q changed between epochs, bad input, RGB code paths."
import json, math, warnings, pytest, torch
import fskd_nb.methods.divbfkd as dv
from fskd_nb.run import RunConfig
from fskd_nb.core import FskdError
from fskd_nb.data import ImageTfm, load_sample, few_shot
from fskd_nb.models import get_model
from fskd_nb.teacher import Teacher, AccessError, TeacherOutputError, QueryBudgetExceeded
from fskd_nb.learner import Callback, CancelFitException
from _helpers import Counting, mnist_teacher, fake_rgb_run, preset

SMOKE = dict(method='divbfkd', config='smoke', sample=True, shots=20, progress=False, mte_images=0)

def real_set(shots=20):
    fs = few_shot(load_sample('train'), shots, seed=0)
    return ImageTfm(size=32)(fs.x), fs.y

class Watch(Callback):
    "What the dashboard does: read the selection state every epoch, move q between epochs, count steps."
    def __init__(self, qs=()): self.qs, self.steps, self.rows, self.synth = list(qs), 0, [], None
    def after_gan_step(self): self.steps += 1; assert self.gan.last_conf is not None or not self.gan.select
    def after_gan_epoch(self):
        self.rows.append(self.gan.history[-1])
        if self.qs: self.gan.q = self.qs.pop(0)
    def after_synthesis(self): self.m = len(self.synth.x)

def test_method_query_count_is_exact_with_an_independent_counter(monkeypatch):
    cnt = Counting(mnist_teacher())
    w = Watch()
    r = dv.DivBFKD(RunConfig(**SMOKE), [w], teacher=Teacher(cnt, mode='soft', name='counted-lenet5')).run()
    P, N = preset(RunConfig(**SMOKE)).params, 200
    gan_q = P['gan_epochs'] * N                                   # every synthetic image of every critic step, once
    assert w.steps == P['gan_epochs'] * math.ceil(N / P['gan_bs'])
    assert r.queries == {'distill': N, 'synthesize': gan_q + r.extra['synth']['queried'], 'eval': r.extra['teacher_probe']['images'] + r.extra['n_test']}
    assert cnt.images == r.queries_total + r.queries['eval']      # nothing reaches the teacher outside the ledger
    assert r.extra['synth']['queried'] % (4 * P['gan_bs']) == 0   # stage 2 asks in chunks of 4·B
    assert [h['queries'] for h in r.extra['gan_history']] == [N + N * (e + 1) for e in range(P['gan_epochs'])]

def test_plain_wgan_asks_the_teacher_only_for_the_kept_images(monkeypatch):
    cnt = Counting(mnist_teacher())
    r = dv.DivBFKD(RunConfig(**SMOKE, params=dict(select=False, balance=False)), (), teacher=Teacher(cnt, mode='soft')).run()
    assert r.queries['synthesize'] == r.extra['synth']['queried'] == r.extra['synth']['m'] == 200
    assert all(h['pool_syn_frac'] == 0 and 'acc_rate' not in h for h in r.extra['gan_history'])

def test_selection_state_and_pool_refresh():
    xr, y = real_set(); t = Teacher(mnist_teacher(), mode='soft')
    p = t(xr, phase='distill')
    gan = dv.DivGAN(xr, p, t, y=y, z_dim=16, base=16, bs=50, opt='adam', lr=1e-4, per_class=3, lo=0., hi=1., q=0.)
    gan.fit(2)
    h = gan.history[-1]; K = 10
    assert len(h['tau']) == len(h['accepted']) == len(h['rejected']) == K and sum(h['accepted']) + sum(h['rejected']) == 200
    assert sum(h['conf_hist']) == 50 and 0 <= h['acc_rate'] <= 1
    assert len(gan.pool) == 200                                  # capped at N
    n_syn = int(gan.pool_syn); assert n_syn <= 3 * K and h['pool_syn_frac'] == n_syn / 200
    gan.refresh_pool()
    real = {tuple(v.flatten().tolist()) for v in xr[:, :, ::4, ::4]}
    in_pool = sum(tuple(v.flatten().tolist()) in real for v in gan.pool[:, :, ::4, ::4])
    assert in_pool == 200 - int(gan.pool_syn)                    # the rest of the pool is synthetic candidates

def test_q_changed_between_epochs_from_a_callback(monkeypatch):
    w = Watch(qs=[0.9])
    r = dv.DivBFKD(RunConfig(**SMOKE), [w], teacher=Teacher(mnist_teacher(), mode='soft')).run()
    h = r.extra['gan_history']
    assert [x['q'] for x in h] == [0.1, 0.9] and all(b >= a for a, b in zip(h[0]['tau'], h[1]['tau']))
    assert w.m == r.extra['synth']['m']

def test_unlabeled_switch_never_reads_the_labels():
    xr, y = real_set(); t = Teacher(mnist_teacher(), mode='soft'); p = t(xr)
    tau_lab = dv.adaptive_thresholds(p, y); tau_arg = dv.adaptive_thresholds(p, None)
    scrambled = y[torch.randperm(len(y))]
    assert not torch.equal(dv.adaptive_thresholds(p, scrambled), tau_lab)   # labels matter when given...
    gan = dv.DivGAN(xr, p, t, y=None, z_dim=8, base=8, bs=100)
    assert torch.equal(gan.tau, tau_arg)                                     # ...and are never used with y=None

def test_cancel_stops_the_gan_and_still_trains_the_student(monkeypatch):
    class Stop(Callback):
        def after_gan_epoch(self): raise CancelFitException()
    r = dv.DivBFKD(RunConfig(**SMOKE), [Stop()], teacher=Teacher(mnist_teacher(), mode='soft')).run()
    assert r.extra['gan_cancelled'] and len(r.extra['gan_history']) == 1 and r.acc_last is not None

def test_label_access_is_refused_with_the_mode_it_needs():
    with pytest.raises(AccessError, match="DivBFKD.*needs 'soft' teacher access, but this (run|teacher) grants only 'label'"):
        dv.DivBFKD(RunConfig(**SMOKE, teacher_mode='label')).run()

def test_budget_is_enforced_and_nothing_is_written(tmp_path):
    with pytest.raises(QueryBudgetExceeded, match='query budget exhausted'):
        dv.DivBFKD(RunConfig(**SMOKE, budget=300, out=str(tmp_path/'run'))).run()
    assert not (tmp_path/'run'/'result.json').exists()

def test_teacher_returning_nan_is_caught():
    xr, y = real_set(); net = mnist_teacher()
    t = Teacher(lambda x: net(x) * float('nan'), mode='soft', outputs='logits')
    with pytest.raises(TeacherOutputError):
        dv.DivGAN(xr, torch.full((200, 10), .1), t, y=y, z_dim=8, base=8, bs=100).fit(1)

def test_unbalanced_generator_stops_with_a_warning():
    G = dv.GanGenerator(8, 1, 32, base=8)
    t = Teacher(lambda x: torch.nn.functional.one_hot(torch.zeros(len(x), dtype=torch.long), 10).float() * 5, mode='soft', outputs='logits')  # always class 0
    with pytest.warns(UserWarning, match='still had not produced'):
        s = dv.synth_set(G, t, 100, 10, chunk=50, max_factor=2)
    assert len(s.x) == 10 and s.queried == 200 and s.counts()[0] == 10

def test_bad_settings():
    xr, y = real_set(); t = Teacher(mnist_teacher(), mode='soft'); p = t(xr)
    with pytest.raises(FskdError, match="opt must be 'rmsprop'"): dv.DivGAN(xr, p, t, opt='sgd')
    with pytest.raises(FskdError, match='200 real images but 10 teacher answers'): dv.DivGAN(xr, p[:10], t)
    with pytest.raises(FskdError, match="'quantile', 'mean' or 'constant'"): dv.DivGAN(xr, p, t, mode='median')

def test_paper_presets_follow_the_reference():
    c = preset(RunConfig(method='divbfkd', config='paper')); P = c.params
    assert (P['z_dim'], P['base'], P['gan_bs'], P['gan_opt'], P['gan_lr'], P['gan_epochs'], P['m']) == (100, 256, 250, 'rmsprop', 5e-5, 500, 24_000)
    assert (P['n_critic'], P['lam_gp'], P['q'], P['lo'], P['hi'], P['per_class'], P['lr_decay']) == (5, 10., .1, .7, .99, 100, False)
    assert (c.epochs, c.bs, c.lr, c.student, c.shots) == (100, 250, 1e-2, 'lenet5_half', 200)
    f = preset(RunConfig(method='divbfkd', config='paper', dataset='fashion-mnist'))
    assert (f.params['z_dim'], f.params['gan_epochs'], f.params['m'], f.epochs) == (200, 1000, 48_000, 200)
    c10 = preset(RunConfig(method='divbfkd', config='paper', dataset='cifar10'))
    assert (c10.student, c10.params['teacher_arch'], c10.params['z_dim'], c10.params['gan_epochs'], c10.epochs, c10.lr, c10.params['lr_decay']) == \
           ('alexnet_half', 'alexnet', 256, 2000, 400, 0.1, True)

@pytest.mark.parametrize('ds,k', [('cifar10', 10), ('svhn', 10)])
def test_rgb_paper_code_path_on_fakedata(tmp_path, ds, k):
    "The paper config's RGB models (AlexNet-Half student, 3-channel G/D, crop augmentation, lr steps) on FakeData shapes."
    cfg = RunConfig(method='divbfkd', dataset=ds, config='paper', shots=4, epochs=1, bs=16, progress=False, out=str(tmp_path), mte_images=0,
                    params=dict(base=16, gan_bs=20, gan_epochs=1, m=40, max_factor=5))
    kw, cnt = fake_rgb_run(cfg, ds, k, per_class=4)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # a random stand-in may not produce every class
        r = dv.DivBFKD(cfg, **kw).run()
    assert r.student == 'alexnet_half' and r.teacher == f'alexnet-{ds}'
    assert r.queries_total == cnt.images - r.queries['eval'] == 40 + 40 + r.extra['synth']['queried']
    saved = json.loads((tmp_path/'result.json').read_text())
    assert saved['config']['params']['base'] == 16 and saved['config']['params']['z_dim'] == 256
    get_model(r.student, k, 3).load_state_dict(torch.load(tmp_path/'student.pt', weights_only=True)['state_dict'])
    G = torch.load(tmp_path/'generator.pt', weights_only=True)
    g = dv.GanGenerator(G['z_dim'], 3, 32, G['base']); g.load_state_dict(G['state_dict'])
    assert g(torch.randn(2, 256)).shape == (2, 3, 32, 32)

def test_cli_runs_divbfkd(tmp_path):
    from fskd_nb.cli import main
    assert main(['distill', 'divbfkd', '--config', 'smoke', '--sample', '--shots', '20', '--mte-images', '0', '--set', 'q=0.05', '--out', str(tmp_path)]) == 0
    r = json.loads((tmp_path/'result.json').read_text())
    assert r['method'] == 'divbfkd' and r['config']['params']['q'] == 0.05 and r['extra']['gan_history'][0]['q'] == 0.05
    assert (tmp_path/'generator.pt').exists()

def test_small_preset_is_the_measured_cpu_config():
    "MNIST/KMNIST/Fashion-MNIST `small`: the paper's stage 2 with a GAN a CPU can train; nothing else differs from `paper`."
    gan = dict(base=32, gan_bs=64, gan_opt='adam', gan_lr=2e-4, gan_epochs=100, critic_bn=False)
    for ds in ('mnist', 'kmnist', 'fashionmnist'):
        s, p = (preset(RunConfig(method='divbfkd', config=k, dataset=ds)) for k in ('small', 'paper'))
        assert s.params == dict(p.params, **gan) and (s.epochs, s.bs, s.lr, s.student) == (p.epochs, p.bs, p.lr, p.student)
    assert preset(RunConfig(method='divbfkd', config='small', dataset='fashionmnist')).epochs == 200
    c10 = preset(RunConfig(method='divbfkd', config='small', dataset='cifar10'))   # colour datasets: the short demo
    assert (c10.params['base'], c10.params['gan_epochs'], c10.epochs) == (64, 40, 15)
