"The Teacher access wrapper: the ledger is exact in every mode, the budget stops exactly at the limit, modes return what they promise."
import pytest, torch, torch.nn.functional as F
from fskd_nb.teacher import Teacher, QueryBudgetExceeded, AccessError, MODES, Recorder, Replay
from fskd_nb.models import LeNet5

class Counting:
    "An independent count of what reaches the wrapped model: images and calls."
    outputs = 'logits'
    def __init__(self, fn): self.fn, self.images, self.calls = fn, 0, 0
    def __call__(self, x): self.images += len(x); self.calls += 1; return self.fn(x)

def make(mode, **kw):
    torch.manual_seed(0); net = LeNet5().eval()
    if mode == 'white_box': return Teacher(net, mode=mode, **kw), None
    c = Counting(lambda x: net(x)); return Teacher(c, mode=mode, k=3 if mode == 'topk' else None, **kw), c

@pytest.mark.parametrize('mode', MODES)
def test_ledger_exact_in_every_mode(mode):
    t, c = make(mode, batch_size=7)
    plan = [('select', 5), ('synthesize', 16), ('distill', 1), ('eval', 30), ('synthesize', 9), ('metric', 3)]
    for phase, n in plan: t(torch.rand(n, 1, 32, 32), phase=phase)
    if mode == 'white_box':
        t.logits(torch.rand(4, 1, 32, 32), 'synthesize'); t.activations(torch.rand(2, 1, 32, 32), phase='distill')
        plan += [('synthesize', 4), ('distill', 2)]
    want = {}
    for p, n in plan: want[p] = want.get(p, 0) + n
    assert t.ledger.as_dict() == want
    assert t.ledger.charged == sum(n for p, n in plan if p not in ('eval', 'metric'))
    assert t.ledger.calls['synthesize'] == sum(p == 'synthesize' for p, _ in plan)
    if c is not None:
        assert c.images == sum(n for _, n in plan)          # every image sent is counted, none twice
        assert c.calls == sum(-(-n // 7) for _, n in plan)   # chunked by batch_size
    tab = t.ledger.table()
    assert tab.loc['total charged', 'images'] == t.ledger.charged

@pytest.mark.parametrize('mode', MODES)
def test_budget_stops_exactly_at_limit(mode):
    t, c = make(mode, budget=20)
    t(torch.rand(8, 1, 32, 32), 'select'); t(torch.rand(12, 1, 32, 32), 'distill')   # 20 of 20: allowed
    assert t.ledger.remaining == 0
    sent = c.images if c else None
    with pytest.raises(QueryBudgetExceeded, match='20 of 20 images used'): t(torch.rand(1, 1, 32, 32), 'distill')
    if c: assert c.images == sent                            # refused before the call: nothing reached the model
    assert t.ledger.charged == 20
    t(torch.rand(50, 1, 32, 32), 'eval')                     # evaluation is never charged
    assert t.ledger.charged == 20 and t.ledger.as_dict()['eval'] == 50

def test_budget_refuses_a_call_that_would_cross():
    t, c = make('soft', budget=10)
    t(torch.rand(6, 1, 32, 32))
    with pytest.raises(QueryBudgetExceeded): t(torch.rand(5, 1, 32, 32))   # 11 > 10: the whole call is refused
    assert c.images == 6 and t.ledger.charged == 6
    t(torch.rand(4, 1, 32, 32)); assert t.ledger.charged == 10

def test_modes_return_what_they_promise():
    torch.manual_seed(1); net = LeNet5().eval(); x = torch.rand(64, 1, 32, 32)
    p = net(x).softmax(1).detach()
    soft = Teacher(net, mode='soft')(x)
    torch.testing.assert_close(soft, p); assert not soft.requires_grad
    lab = Teacher(net, mode='label')(x)
    assert torch.equal(lab, F.one_hot(p.argmax(1), 10).float())
    for k in (1, 3, 10):
        tk = Teacher(net, mode='topk', k=k)(x)
        assert ((tk > 0).sum(1) == k).all()
        torch.testing.assert_close(tk.sum(1), torch.ones(64))
        v, i = p.topk(k, 1)   # documented renormalisation: the k largest, divided by their sum
        torch.testing.assert_close(tk.gather(1, i), v / v.sum(1, keepdim=True))
    probs_api = Teacher(lambda x: net(x).softmax(1), mode='soft', outputs='probs')(x)
    torch.testing.assert_close(probs_api, p)

def test_access_errors_name_the_mode():
    net = LeNet5()
    for mode in ('label', 'topk', 'soft'):
        t = Teacher(net, mode=mode, k=2)
        with pytest.raises(AccessError, match="needs 'white_box'"): t.logits(torch.rand(1, 1, 32, 32))
        with pytest.raises(AccessError, match="needs 'white_box'"): t.module
    with pytest.raises(AccessError, match="FS-BBT needs 'soft'"): Teacher(net, mode='label').require('soft', 'FS-BBT')
    Teacher(net, mode='white_box').require('soft')

def test_record_replay_roundtrip(tmp_path):
    torch.manual_seed(2); net = LeNet5().eval(); x = torch.rand(10, 1, 32, 32)
    rec = Recorder(lambda b: net(b).softmax(1))
    live = Teacher(rec, outputs='probs')(x, 'distill')
    rec.save(tmp_path/'r.pt')
    t = Teacher(Replay(tmp_path/'r.pt'), outputs='probs', budget=10)
    perm = torch.randperm(10)
    torch.testing.assert_close(t(x[perm], 'distill'), live[perm])   # answers follow the images, not the order
    assert t.ledger.charged == 10
