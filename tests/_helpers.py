"Helpers shared by the method tests: an independent query counter, the shipped MNIST teacher, FakeData RGB images."
import torch, torchvision
from fskd_nb.data import dataset_tensors
from fskd_nb.teachers import load_teacher_model

class Counting:
    "A teacher callable that counts every image it is asked about, independently of the ledger."
    outputs = 'logits'   # what it returns (a declared callable)
    def __init__(self, fn): self.fn, self.images, self.calls = fn, 0, 0
    def __call__(self, x): self.images += len(x); self.calls += 1; return self.fn(x)

def mnist_teacher(): return load_teacher_model('lenet5-mnist')[0]

def fake_rgb(n:int, n_classes:int, seed:int=1) -> torch.Tensor:
    "n uint8 3×32×32 images from torchvision's FakeData (CIFAR/SVHN shapes without the files)."
    x, _ = dataset_tensors(torchvision.datasets.FakeData(size=n, image_size=(3, 32, 32), num_classes=n_classes, random_offset=seed))
    return x

def fake_rgb_run(cfg, ds:str, k:int, per_class:int):
    "(keyword arguments for the method: a counted stand-in teacher and FakeData RGB splits, `per_class` × k few-shot, 40 test; the counter)."
    from fskd_nb.data import Split
    from fskd_nb.teacher import Teacher
    from fskd_nb.run import resolve, get_method
    fs = Split(fake_rgb(per_class * k, k), torch.arange(k).repeat(per_class), ds, k)
    test = Split(fake_rgb(40, k, 7), torch.arange(40) % k, ds, k)
    torch.manual_seed(0); W = torch.randn(3 * 32 * 32, k)
    cnt = Counting(lambda xb: xb.flatten(1) @ W)   # a stand-in black box whose argmax varies with the image
    name = f"{resolve(cfg, get_method(cfg.method))[1].teacher_arch}-{ds}"
    return dict(teacher=Teacher(cnt, mode='soft', name=name), data=fs, test=test), cnt

def preset(cfg):
    "The run's exact config (preset values filled in), as the run template resolves it."
    from fskd_nb.run import resolve, get_method
    return resolve(cfg, get_method(cfg.method))[0]

def answered(url) -> int:
    "Images a teacher served by `fskd teacher serve` at `url` has answered so far (its own count)."
    import httpx
    return httpx.get(url + '/info', timeout=10).json()['answered']

def identical(x, y) -> bool:
    "Two run folders with the same numbers in result.json (accuracy, agreement, MTE, queries) and bit-identical student weights."
    from pathlib import Path
    from fskd_nb.core import load_result
    x, y = Path(x), Path(y)
    rx, ry = load_result(x), load_result(y)
    sx, sy = (torch.load(q/'student.pt', weights_only=True)['state_dict'] for q in (x, y))
    return (rx.acc_last, rx.acc_best, rx.agreement, rx.mte, rx.queries) == (ry.acc_last, ry.acc_best, ry.agreement, ry.mte, ry.queries) \
           and sx.keys() == sy.keys() and all(torch.equal(sx[k], sy[k]) for k in sx)
