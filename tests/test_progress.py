"Progress bars on long work: each stage draws one on stderr unless `--quiet` / `progress=False` (or $CI is set)."
import os, subprocess, sys, contextlib, io
from pathlib import Path
import pytest
from fskd_nb.run import distill

FSKD = Path(sys.executable).parent/'fskd'

def fskd(*args, ci=False):
    env = {k: v for k, v in os.environ.items() if k != 'CI'}
    if ci: env['CI'] = '1'
    return subprocess.run([str(FSKD), *args], capture_output=True, text=True, timeout=600, env=env)

# what a method's run must show a bar for (the desc tqdm prints); KD^3's and LightSKD's students use the same Learner bar
BARS = {'divbfkd': ('GAN', 'synthetic set', 'student', 'transition curves'),
        'fsbbt': ('CVAE', 'student', 'transition curves'),
        'zskt': ('pseudo-batches', 'transition curves')}

@pytest.mark.parametrize('method', list(BARS))
def test_cli_bars(tmp_path, method):
    r = fskd('distill', method, '--config', 'smoke', '--sample', '--out', str(tmp_path/'a'))
    assert r.returncode == 0, r.stderr
    for desc in BARS[method]: assert f'{desc}:' in r.stderr, (desc, r.stderr[-2000:])

def test_quiet(tmp_path):
    q = fskd('distill', 'divbfkd', '--config', 'smoke', '--sample', '--quiet', '--out', str(tmp_path/'b'))
    assert q.returncode == 0, q.stderr
    assert not any(f'{d}:' in q.stderr for d in BARS['divbfkd']), q.stderr[-2000:]

def test_ci_env_turns_bars_off_and_seeds_get_one(tmp_path):
    r = fskd('distill', 'standard-kd', '--config', 'smoke', '--sample', '--shots', '5', '--seed', '0', '1', '--out', str(tmp_path/'a'))
    assert r.returncode == 0 and 'standard-kd seeds:' in r.stderr and '2/2' in r.stderr, r.stderr[-2000:]
    c = fskd('distill', 'standard-kd', '--config', 'smoke', '--sample', '--shots', '5', '--out', str(tmp_path/'b'), ci=True)
    assert c.returncode == 0 and 'student:' not in c.stderr, c.stderr[-2000:]

def test_demo_speaks(tmp_path):
    r = fskd('demo', '--epochs', '2', '--sample')
    assert r.returncode == 0, r.stderr
    assert 'student-alone: 2 epochs' in r.stdout and 'student:' in r.stderr   # (--quiet passes progress=False, as for distill)

def test_python_progress_false_is_silent():
    err = io.StringIO()
    with contextlib.redirect_stderr(err): distill('fsbbt', config='smoke', sample=True, progress=False)
    assert 'CVAE:' not in err.getvalue() and 'student:' not in err.getvalue()
