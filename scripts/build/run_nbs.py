"""Execute notebooks and keep their outputs, skipping the cells nbdev_test skips (`#| eval: false` and the flags in
settings.ini's tst_flags: slow, cuda, notest), then run nbdev_clean. Use it after editing a notebook so its committed
demos show their results. Outputs are written back by cell id into the notebook as it is when the run ends, so its
markdown can be edited meanwhile (a code cell edited meanwhile keeps its new source and loses its outputs).

usage: python scripts/build/run_nbs.py [--times CSV] [--seeds "3 4 5"] [nbs/02_core.ipynb ...]   (default: every notebook in nbs/)
  --times CSV     append each notebook's Run All wall time (with the CPU's name and the date) to CSV
  --seeds "3 4 5" run the lessons on other seeds (FSKD_LESSON_SEEDS) and only report: the notebooks are not written
  --dry           run and report (and time) without writing the notebooks"""
import csv, datetime, json, os, platform, sys, time
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

def cpu_name():
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()

def merge(p, ran):
    "Write `ran`'s outputs into the notebook at `p` as it is now, cell by cell (by id, where the source is unchanged)."
    nb = read_nb(p); out = {c.get('id'): c for c in ran.cells if c.cell_type == 'code'}
    for c in nb.cells:
        if c.cell_type != 'code': continue
        r = out.get(c.get('id'))
        if r is not None and r.source == c.source: c.outputs, c.execution_count = r.outputs, r.execution_count
        else: c.outputs, c.execution_count = [], None; print(f'  {p.name}: cell {c.get("id")} changed during the run: no outputs', flush=True)
    write_nb(nb, p)

def main(argv):
    times = seeds = None
    if '--times' in argv: i = argv.index('--times'); times = argv[i + 1]; del argv[i:i + 2]
    if '--seeds' in argv: i = argv.index('--seeds'); seeds = argv[i + 1]; del argv[i:i + 2]
    dry = '--dry' in argv
    if dry: argv.remove('--dry')
    if seeds: os.environ['FSKD_LESSON_SEEDS'] = seeds
    paths = [Path(p) for p in argv] or sorted(p for p in cfg.nbs_path.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    failed = []
    for p in paths:
        nb = read_nb(p)
        for c in nb.cells:
            if c.cell_type == 'code': c.outputs, c.execution_count = [], None
        k, t0 = CaptureShell(p), time.time()
        try:
            with working_directory(p.parent): k.run_all(nb, exc_stop=True, preproc=_no_eval)
            ok = True
        except Exception as e: ok = False; failed.append(p.name); print(f'FAILED {p.name}: {str(e)[-2000:]}', flush=True)
        dt = time.time() - t0
        print(f'{"ran" if ok else "failed"} {p.name} in {dt:.0f} s{f" on seeds {seeds}" if seeds else ""}', flush=True)
        if times:
            new = not Path(times).exists()
            with open(times, 'a', newline='') as f:
                w = csv.writer(f)
                if new: w.writerow(['notebook', 'seconds', 'seeds', 'passed', 'cpu', 'threads', 'date'])
                w.writerow([p.as_posix(), round(dt, 1), seeds or 'as written', ok, cpu_name(), os.environ.get('OMP_NUM_THREADS', 'default'),
                            datetime.date.today().isoformat()])
        if ok and not seeds and not dry: merge(p, nb); print('wrote', p.name, flush=True)
    if not seeds and not dry: os.system('nbdev_clean')
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
