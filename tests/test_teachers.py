"The LeNet-5 teachers shipped in the wheel, measured on the full real test sets."
import pytest, torch
from fskd_nb.teachers import load_teacher_model, get_teacher, teacher_path
from fskd_nb.data import load_split, DeviceLoader, input_tfm, assets_dir
from fskd_nb.metrics import evaluate

@pytest.mark.parametrize('name,dataset,floor', [('lenet5-mnist', 'mnist', 99.0), ('lenet5-fashionmnist', 'fashionmnist', 90.0)])
def test_shipped_teacher_accuracy(real_data, name, dataset, floor):
    assert teacher_path(name).parent == assets_dir()
    model, info = load_teacher_model(name, 'cpu')
    te = load_split(dataset, 'test', root=real_data, download=False)
    acc = evaluate(model, DeviceLoader(te.x, te.y, bs=2000, tfm=input_tfm(dataset, 'lenet5', augment=False)))['acc']
    assert acc >= floor, acc
    assert abs(acc - info['acc']) < 0.01   # the number stored with the weights is the measured one

def test_teacher_through_wrapper_counts_eval():
    t = get_teacher('lenet5-mnist', mode='soft', budget=0)
    t(torch.rand(5, 1, 32, 32), phase='eval')
    assert t.ledger.charged == 0 and t.ledger.as_dict() == {'eval': 5}

def test_wrn_teacher_recipe_on_fakedata(tmp_path):
    "The CIFAR recipe (ZSKT's WRN teachers) trains and round-trips through the teacher file, on FakeData shapes."
    import torchvision
    from fskd_nb.data import Split, dataset_tensors
    from fskd_nb.teachers import train_teacher, save_teacher
    x, y = dataset_tensors(torchvision.datasets.FakeData(size=32, image_size=(3, 32, 32), num_classes=10, random_offset=2))
    fake = Split(x, y, 'cifar10', 10)
    model, info = train_teacher('cifar10', 'wrn_16_1', epochs=1, train=fake, test=fake, device='cpu', progress=False)
    assert info['recipe']['gamma'] == 0.2 and info['recipe']['flip'] and info['name'] == 'wrn_16_1-cifar10'
    t = get_teacher(str(save_teacher(model, info, tmp_path/'t.pt')), mode='white_box')
    assert t(torch.randn(4, 3, 32, 32), phase='eval').shape == (4, 10) and t.info['arch'] == 'wrn_16_1'
