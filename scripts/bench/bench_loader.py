"""Benchmark (not a test): images/s of fskd_nb's DeviceLoader against torchvision's DataLoader + ToTensor,
same batch size, same work per image (28->32 resize, float in [0,1]), one full pass over MNIST train.
usage: python scripts/bench/bench_loader.py [--bs 128] [--device cpu] [--workers 0 2] [--repeats 3]"""
import argparse, time, torch, torchvision
import torchvision.transforms as T
from torch.utils.data import DataLoader
from fskd_nb.data import load_split, load_sample, DeviceLoader, input_tfm, DatasetNotFound
from fskd_nb.core import default_device

p = argparse.ArgumentParser(); p.add_argument('--bs', type=int, default=128); p.add_argument('--device', default=None)
p.add_argument('--workers', type=int, nargs='+', default=[0, 2]); p.add_argument('--repeats', type=int, default=3)
a = p.parse_args()
dev = default_device(a.device)
try: s = load_split('mnist', 'train', download=False); src = 'MNIST train (60000)'
except DatasetNotFound: s = load_sample('train'); src = 'embedded sample (2000)'
print(f'torch {torch.__version__}, torchvision {torchvision.__version__}, device {dev}, threads {torch.get_num_threads()}, data {src}, bs {a.bs}')

def sync():
    if dev.type == 'cuda': torch.cuda.synchronize()

def best_rate(make_iter, n):
    rates = []
    for _ in range(a.repeats):
        it = make_iter(); sync(); t0 = time.perf_counter()
        for xb, yb in it: xb = xb.to(dev, non_blocking=True); yb = yb.to(dev, non_blocking=True)
        sync(); rates.append(n / (time.perf_counter() - t0))
    return max(rates)

dl = DeviceLoader(s.x, s.y, bs=a.bs, shuffle=True, tfm=input_tfm('mnist', 'lenet5'), device=dev)
rows = [('fskd_nb DeviceLoader (uint8 on device, resize on device)', best_rate(lambda: iter(dl), len(s)))]

class TensorMNIST(torch.utils.data.Dataset):   # the usual torchvision pipeline: PIL image per sample, Resize, ToTensor
    def __init__(self, x, y): self.x, self.y, self.tf = x, y, T.Compose([T.Resize(32), T.ToTensor()])
    def __len__(self): return len(self.y)
    def __getitem__(self, i): return self.tf(T.functional.to_pil_image(self.x[i])), self.y[i]
for w in a.workers:
    tdl = DataLoader(TensorMNIST(s.x, s.y), batch_size=a.bs, shuffle=True, num_workers=w, pin_memory=dev.type == 'cuda', persistent_workers=w > 0)
    rows.append((f'torchvision DataLoader + Resize + ToTensor, num_workers={w}', best_rate(lambda: iter(tdl), len(s))))
base = rows[1][1]
for name, r in rows: print(f'{name:62s} {r:12,.0f} images/s  ({r / base:5.1f}x workers={a.workers[0]} DataLoader)')
