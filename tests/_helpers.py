"Helpers shared by the method tests: an independent query counter, the shipped MNIST teacher, FakeData RGB images."
import torch, torchvision
from fskd_nb.data import dataset_tensors
from fskd_nb.teachers import load_teacher_model

class Counting:
    "A teacher callable that counts every image it is asked about, independently of the ledger."
    def __init__(self, fn): self.fn, self.images, self.calls = fn, 0, 0
    def __call__(self, x): self.images += len(x); self.calls += 1; return self.fn(x)

def mnist_teacher(): return load_teacher_model('lenet5-mnist')[0]

def fake_rgb(n:int, n_classes:int, seed:int=1) -> torch.Tensor:
    "n uint8 3×32×32 images from torchvision's FakeData (CIFAR/SVHN shapes without the files)."
    x, _ = dataset_tensors(torchvision.datasets.FakeData(size=n, image_size=(3, 32, 32), num_classes=n_classes, random_offset=seed))
    return x
