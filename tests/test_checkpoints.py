"Checkpoints: every method, stopped in the middle of one of its stages, resumes from its checkpoints (not from the start) and ends bit-identical."
import json
import pytest, torch
from fskd_nb.learner import Callback
from fskd_nb.run import distill

class Kill(Callback):
    "Stands for kill -9: the process dies the `n`-th time `event` is raised."
    def __init__(self, event, n): self.event, self.n, self.seen = event, n, 0
    def __call__(self, event):
        if event != self.event: return
        self.seen += 1
        if self.seen == self.n: raise RuntimeError('killed')

CASES = {   # method: (settings, where to stop, the stages the resumed run must take from its checkpoints)
    'fsbbt': (dict(sample=True, shots=10, epochs=3), ('before_epoch', 3), ['pool', 'student: after epoch 2']),
    'divbfkd': (dict(sample=True, shots=10, epochs=2, gan_epochs=3), ('after_gan_epoch', 3), ['gan']),   # dies after the GAN's 2nd epoch was saved
    'divbfkd-student': (dict(sample=True, shots=10, epochs=3, gan_epochs=2), ('before_epoch', 3), ['gan', 'synth', 'student: after epoch 2']),
    'zskt': (dict(n_batches=6, eval_batches=2), ('after_pseudo_batch', 5), ['loop']),
    'zskt-memory': (dict(n_batches=6, eval_batches=2, memory=300), ('after_pseudo_batch', 5), ['loop']),   # the replay memory (full after 3 batches) resumes too
    'zskt-shift': (dict(n_batches=6, eval_batches=2, shift=2), ('after_pseudo_batch', 5), ['loop']),   # shifted views draw from the random stream: it resumes too
    'kd3': (dict(sample=True, web_n=2000, epochs=3), ('before_epoch', 3), ['student: after epoch 2']),
    'lightskd': (dict(dataset='fashionmnist', n_train=600, bs=100, epochs=3, eval_every=3), ('before_epoch', 3), ['student: after epoch 2']),
}

@pytest.mark.parametrize('case', list(CASES))
def test_a_stopped_run_resumes_from_its_checkpoints_and_ends_identical(case, tmp_path, request, monkeypatch):
    method = case.split('-')[0]
    if method in ('zskt', 'kd3', 'lightskd'): monkeypatch.setenv('FSKD_DATA', str(request.getfixturevalue('real_data')))   # their test sets and web pools
    kw, (event, n), stages = CASES[case]
    kw = dict(kw, config='smoke', checkpoint_every=0, progress=False)
    whole = distill(method, out=str(tmp_path/'whole'), **kw)
    with pytest.raises(RuntimeError, match='killed'): distill(method, out=str(tmp_path/'cut'), cbs=[Kill(event, n)], **kw)
    assert not (tmp_path/'cut'/'result.json').exists() and any((tmp_path/'cut'/'checkpoints').iterdir())
    again = distill(method, out=str(tmp_path/'cut'), resume=True, **kw)
    assert json.loads((tmp_path/'cut'/'resumed.json').read_text()) == stages
    assert (again.acc_last, again.acc_best, again.agreement, again.mte, again.queries, again.extra['per_class_acc']) == \
           (whole.acc_last, whole.acc_best, whole.agreement, whole.mte, whole.queries, whole.extra['per_class_acc'])
    sw, sc = (torch.load(tmp_path/k/'student.pt', weights_only=True)['state_dict'] for k in ('whole', 'cut'))
    assert sw.keys() == sc.keys() and all(torch.equal(sw[k], sc[k]) for k in sw)
    assert not (tmp_path/'cut'/'checkpoints').exists()   # spent once the result is written

def test_a_budget_reached_inside_a_stage_keeps_what_was_bought_and_resumes_with_a_larger_one(tmp_path):
    "DivBFKD reaches --budget while it synthesises: failed.json names the stage; --resume with a larger budget ends as an uninterrupted run."
    from fskd_nb.teacher import QueryBudgetExceeded
    kw = dict(sample=True, shots=10, epochs=1, gan_epochs=2, config='smoke', checkpoint_every=0, progress=False, mte_images=0)
    whole = distill('divbfkd', out=str(tmp_path/'whole'), **kw)
    before_synth = whole.queries['distill'] + whole.queries.get('synthesize', 0) - whole.extra['synth']['queried']
    with pytest.raises(QueryBudgetExceeded, match=r"in the synth stage\); the answers bought and the finished stages are kept in .*--resume"):
        distill('divbfkd', out=str(tmp_path/'cut'), budget=before_synth + 1000, **kw)
    assert json.loads((tmp_path/'cut'/'failed.json').read_text())['stage'] == 'synth' and (tmp_path/'cut'/'checkpoints'/'gan.pt').exists()
    again = distill('divbfkd', out=str(tmp_path/'cut'), budget=10**6, resume=True, **kw)
    assert json.loads((tmp_path/'cut'/'resumed.json').read_text()) == ['gan']
    assert (again.acc_last, again.queries) == (whole.acc_last, whole.queries) and not (tmp_path/'cut'/'failed.json').exists()
