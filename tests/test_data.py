"Real datasets from the files beside the repository (read-only; decompressed into the cache), FakeData shapes for CIFAR/SVHN."
import os, pytest, torch, torchvision
from fskd_nb.data import load_split, DatasetNotFound, few_shot, DeviceLoader, input_tfm, dataset_tensors, cache_dir, load_sample
from fskd_nb.models import get_model

@pytest.mark.parametrize('name,split,n,first,counts', [
    ('mnist', 'train', 60000, 5, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]),
    ('mnist', 'test', 10000, 7, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]),
    ('fashionmnist', 'train', 60000, 9, [6000]*10),
    ('fashionmnist', 'test', 10000, 9, [1000]*10),
    ('kmnist', 'test', 10000, 2, [1000]*10),
])
def test_real_splits(real_data, name, split, n, first, counts):
    s = load_split(name, split, root=real_data, download=False)
    assert s.x.shape == (n, 1, 28, 28) and s.x.dtype == torch.uint8
    assert int(s.y[0]) == first and torch.bincount(s.y).tolist() == counts
    assert list((cache_dir()/'data').rglob('*-ubyte'))   # decompressed into the cache, not into the data folder

def test_mnist_mean_pixel(real_data):
    assert abs(load_split('mnist', 'train', root=real_data, download=False).x.float().mean().item() / 255 - 0.1307) < 1e-3

def test_kmnist_train_images_missing(real_data):
    with pytest.raises(DatasetNotFound, match='train-images-idx3-ubyte'): load_split('kmnist', 'train', root=real_data, download=False)

def test_sample_is_real_mnist(real_data):
    full, s = load_split('mnist', 'train', root=real_data, download=False), load_sample('train')
    assert torch.equal(full.x[s.idx], s.x) and torch.equal(full.y[s.idx], s.y)
    t = load_split('mnist', 'test', root=real_data, download=False); st = load_sample('test')
    assert torch.equal(t.x[st.idx], st.x)

def test_fewshot_on_real(real_data):
    s = load_split('fashionmnist', 'train', root=real_data, download=False)
    fs = few_shot(s, 200, seed=0)
    assert len(fs) == 2000 and torch.bincount(fs.y).tolist() == [200]*10 and len(set(fs.idx.tolist())) == 2000
    assert torch.equal(few_shot(s, 200, seed=0).idx, fs.idx)

@pytest.mark.parametrize('name,arch,n_classes', [('cifar10', 'alexnet_half', 10), ('cifar100', 'resnet20', 100), ('svhn', 'alexnet', 10),
                                                  ('cifar10', 'wrn_16_1', 10), ('cifar100', 'resnet18', 100)])
def test_rgb_shapes_on_fakedata(name, arch, n_classes):
    ds = torchvision.datasets.FakeData(size=20, image_size=(3, 32, 32), num_classes=n_classes)
    x, y = dataset_tensors(ds)
    dl = DeviceLoader(x, y, bs=8, shuffle=True, tfm=input_tfm(name, arch))
    xb, yb = next(iter(dl))
    assert xb.shape == (8, 3, 32, 32) and xb.dtype == torch.float32
    assert abs(xb.mean().item()) < 3   # normalised with the dataset statistics
    assert get_model(arch, n_classes, 3).eval()(xb).shape == (8, n_classes)

def test_nhwc_numpy_like_cifar():
    import numpy as np
    class Fake: data = np.zeros((4, 32, 32, 3), dtype=np.uint8); targets = [0, 1, 2, 3]
    x, y = dataset_tensors(Fake())
    assert x.shape == (4, 3, 32, 32) and y.tolist() == [0, 1, 2, 3]
