"""Train the LeNet-5 teachers shipped in the wheel with the recipe of fskd_nb.teachers (DivBFKD §1.4).
usage: python scripts/build/make_teachers.py [mnist fashionmnist ...]  -> fskd_nb/assets/lenet5-<dataset>.pt"""
import sys
from fskd_nb.teachers import train_teacher, save_teacher
from fskd_nb.data import assets_dir

for ds in sys.argv[1:] or ['mnist', 'fashionmnist']:
    model, info = train_teacher(ds, 'lenet5', seed=0)
    print(info, flush=True)
    print('saved', save_teacher(model, info, assets_dir()/f"{info['name']}.pt"))
