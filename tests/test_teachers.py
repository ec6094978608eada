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
