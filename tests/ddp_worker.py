"Run by tests/test_distributed.py under `torchrun --nproc_per_node 2`: checks that need several processes, asserted on each."
import copy, sys
import torch, torch.nn as nn, torch.nn.functional as F
from fskd_nb import dist
from fskd_nb.learner import Learner, sgd
from fskd_nb.data import DeviceLoader
from fskd_nb.teacher import Teacher
from fskd_nb.models import LeNet5

assert dist.init() == 2 and dist.shared()
r = dist.rank()

# 1. a Learner step on shards of a 37-image batch (not a multiple of 2) equals one step on the whole batch in one process
torch.manual_seed(0); x, y = torch.rand(37, 1, 32, 32), torch.randint(0, 10, (37,))
torch.manual_seed(1); m = LeNet5(); ref = copy.deepcopy(m)
Learner(m, DeviceLoader(x, y, bs=37), F.cross_entropy, sgd(0.1, 0., 0.), progress=False).fit(1)
with dist.solo(): Learner(ref, DeviceLoader(x, y, bs=37), F.cross_entropy, sgd(0.1, 0., 0.), progress=False).fit(1)
for (k, a), b in zip(m.state_dict().items(), ref.state_dict().values()):
    if a.is_floating_point() and 'running' not in k: assert torch.allclose(a, b, atol=1e-5), (k, (a - b).abs().max())
moved = sum((a - b).abs().sum() for a, b in zip(m.state_dict().values(), LeNet5().state_dict().values()) if a.is_floating_point())
assert moved > 0

# 2. a set labelled through the teacher: each image asked once, in all; every process gets every answer; the ledger holds the run's total
asked = []
def fn(xb): asked.append(len(xb)); return xb.flatten(1)[:, :10] * 3
t = Teacher(fn, outputs='logits', budget=101)
torch.manual_seed(2); xs = torch.rand(101, 1, 4, 4)
p = t.label_set(xs, phase='distill', chunk=16)
assert torch.allclose(p, (xs.flatten(1)[:, :10] * 3).softmax(1)), 'answers in the order of the set'
assert dist.all_sum(sum(asked)) == 101, asked
assert t.ledger.charged == 101 and t.ledger.remaining == 0
try: t(xs[:1]); raise SystemExit('the budget was not enforced across processes')
except Exception as e: assert 'budget' in str(e)

# 3. gather keeps process order with unequal lengths
g = dist.gather(torch.full((r + 1,), float(r)))
assert g.tolist() == [0., 1., 1.], g
print(f'rank {r}: ok', flush=True)
