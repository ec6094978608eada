"""Benchmark (not a test): batched transition curves against the one-image-at-a-time loop of the reference code,
on the same agreeing MNIST test images, shipped LeNet-5 teacher and a LeNet-5-Half student distilled for a few epochs.
Prints the time of each, the speed-up, and the largest difference between their curves: in float32 (the timed run;
input-gradient ascent amplifies the last-bit differences of batched vs single-image convolutions over many steps) and in
float64 (the same students and teacher in double precision: the algorithmic equality check, target 1e-5).
usage: python scripts/bench/bench_mte.py [--images 20] [--steps 200] [--repeats 3] [--device cpu]   (interleaved; medians)"""
import argparse, copy, time, torch
from fskd_nb.teacher import Teacher
from fskd_nb.core import default_device, set_seed
from fskd_nb.data import load_sample, input_tfm
from fskd_nb.models import LeNet5
from fskd_nb.teachers import get_teacher
from fskd_nb.transition import agreeing_images, transition_curves, transition_curves_loop, mte

p = argparse.ArgumentParser(); p.add_argument('--images', type=int, default=20); p.add_argument('--steps', type=int, default=200)
p.add_argument('--device', default=None); p.add_argument('--repeats', type=int, default=3); a = p.parse_args()
dev = default_device(a.device); set_seed(0)
teacher = get_teacher('lenet5-mnist', mode='soft', device=dev)
tfm = input_tfm('mnist')
xt = tfm(load_sample('train').x.to(dev)); pt = teacher(xt, phase='distill')
student = LeNet5(half=True).to(dev); opt = torch.optim.SGD(student.parameters(), lr=0.01, momentum=0.9)
for _ in range(40):
    for xb, pb in zip(xt.split(250), pt.split(250)):
        opt.zero_grad(); (-(pb * student(xb).log_softmax(1)).sum(1).mean()).backward(); opt.step()
x, cls = agreeing_images(student, teacher, tfm(load_sample('test').x.to(dev)), n_images=a.images)
def timed(f):
    if dev.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter(); r = f()
    if dev.type == 'cuda': torch.cuda.synchronize()
    return r, time.perf_counter() - t0
tbs, tls = [], []
for _ in range(a.repeats):   # interleaved; medians
    (bA, bB), tb = timed(lambda: transition_curves(student, teacher, x, cls, steps=a.steps)); tbs.append(tb)
    (lA, lB), tl = timed(lambda: transition_curves_loop(student, teacher, x, cls, steps=a.steps)); tls.append(tl)
tb, tl = sorted(tbs)[len(tbs) // 2], sorted(tls)[len(tls) // 2]
def maxdiff(a, b, k=None): return max((a[0][..., :k] - b[0][..., :k]).abs().max().item(), (a[1][..., :k] - b[1][..., :k]).abs().max().item())
diff, diff100, diff30 = (maxdiff((bA, bB), (lA, lB), k) for k in (None, 100, 30))
s64, t64 = copy.deepcopy(student).double(), Teacher(copy.deepcopy(teacher.model).double(), mode='soft', n_classes=10)
x64 = x.double()
d64 = maxdiff(transition_curves(s64, t64, x64, cls, steps=a.steps), transition_curves_loop(s64, t64, x64, cls, steps=a.steps))
print(f'torch {torch.__version__}, device {dev}, threads {torch.get_num_threads()}; {len(x)} images x 9 targets x {a.steps} steps')
print(f'one image at a time: {tl:8.2f} s ({tl / len(x):.3f} s per image; median of {a.repeats}: {", ".join(f"{t:.2f}" for t in tls)})')
print(f'batched:             {tb:8.2f} s ({tb / len(x):.3f} s per image; median of {a.repeats}: {", ".join(f"{t:.2f}" for t in tbs)})')
print(f'speed-up {tl / tb:.1f}x; MTE(student, teacher, first 100 steps) {mte(bA, bB):.4f}')
print(f'max |batched - loop| over all curves: float32 {diff:.2e} (first 100 steps {diff100:.2e}, first 30 {diff30:.2e}); float64 {d64:.2e}')
