"""Execute notebooks in place and keep their outputs, skipping the cells nbdev_test skips
(`#| eval: false` and the flags in settings.ini's tst_flags: slow, cuda, notest), then run nbdev_clean.
Use it after editing a notebook so its committed demos show their results.
usage: python scripts/build/run_nbs.py [nbs/02_core.ipynb ...]   (default: every notebook in nbs/)"""
import os, sys
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.process import extract_directives

cfg = get_config()
skip = set(cfg.tst_flags.split())
os.environ.setdefault('MPLBACKEND', 'Agg')
sys.path.insert(0, str(cfg.config_path))

def _no_eval(cell):
    if cell.cell_type != 'code': return True
    d = extract_directives(cell, remove=False)
    return d.get('eval:', [''])[0].lower() == 'false' or bool(skip & d.keys())

paths = [Path(p) for p in sys.argv[1:]] or sorted(p for p in cfg.nbs_path.glob('*.ipynb') if not p.name.startswith(('_', '.')))
for p in paths:
    nb = read_nb(p)
    for c in nb.cells:
        if c.cell_type == 'code': c.outputs, c.execution_count = [], None
    k = CaptureShell(p)
    with working_directory(p.parent): k.run_all(nb, exc_stop=True, preproc=_no_eval)
    write_nb(nb, p); print('executed', p.name, flush=True)
os.system('nbdev_clean')
