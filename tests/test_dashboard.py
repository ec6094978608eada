"Live dashboards (issue 6): the monitor on every live method, the CLI's --live snapshots, Stop leaving a valid result, headless widgets."
import json, os, shutil, subprocess, sys, time
from pathlib import Path
import pytest, torch
from fskd_nb.run import RunConfig
from fskd_nb.core import FskdError, load_result
from fskd_nb.dashboard import Monitor, Snapshots, run_watched, live, live_methods, status_line

ROOT = Path(__file__).resolve().parents[1]

def test_import_needs_no_widgets():
    code = "import sys, fskd_nb.dashboard; sys.exit(any(m.split('.')[0] in ('ipywidgets', 'IPython', 'matplotlib') for m in sys.modules))"
    assert subprocess.run([sys.executable, '-c', code]).returncode == 0   # widgets and plots load only when used

def test_live_methods():
    assert set(live_methods()) >= {'divbfkd', 'fsbbt', 'zskt'}
    with pytest.raises(FskdError, match='has no live view'): run_watched(RunConfig(method='standard-kd', sample=True), [Monitor()])

@pytest.mark.parametrize('method,kw', [('zskt', {}), ('fsbbt', {})])
def test_monitor_on_other_methods(tmp_path, method, kw):
    "ZSKT (generator images labelled by the teacher in phase metric) and FS-BBT (its pool) feed every panel but selection."
    snaps = []
    r = run_watched(RunConfig(method=method, config='smoke', sample=True, progress=False, **kw),
                    [Monitor([snaps.append, Snapshots(tmp_path, every=0, echo=None)], every=0, mte_every=2, share=None)])
    last = snaps[-1]
    assert last['final'] and last['phase'] == 'done' and last['result'] is r
    assert last['selection'] is None and len(last['samples']['x']) > 0 and last['boundary']['rows']
    assert {p.name for p in tmp_path.iterdir()} == {'samples.png', 'boundary.png', 'curves.png', 'status.log'}
    assert r.queries['metric'] > 0
    assert r.queries_total == sum(v for k, v in r.queries.items() if k not in ('eval', 'metric'))   # the probes are never charged
    if method == 'zskt': assert last['curves']['zskt'] and last['samples']['source'].startswith('generator')

def test_cli_live(tmp_path):
    out = tmp_path / 'run'
    p = subprocess.run([str(Path(sys.executable).parent / 'fskd'), 'distill', 'divbfkd', '--config', 'smoke', '--sample', '--live', '1',
                        '--out', str(out), '--set', 'gan_epochs=2'], capture_output=True, text=True, env=dict(os.environ, CI='1'))
    assert p.returncode == 0, p.stderr[-2000:]
    files = {q.name for q in (out / 'live').iterdir()}
    assert files == {'samples.png', 'selection.png', 'boundary.png', 'curves.png', 'status.log'}
    lines = (out / 'live' / 'status.log').read_text().splitlines()
    assert lines[-1].split('|')[0].strip().endswith('done') and 'acc_last' in lines[-1] and 'divbfkd done' in p.stdout
    assert load_result(out / 'result.json').acc_last is not None
    p = subprocess.run([str(Path(sys.executable).parent / 'fskd'), 'distill', 'divbfkd', '--sample', '--live', '--seed', '0', '1', '--out', str(out)],
                       capture_output=True, text=True)
    assert p.returncode != 0 and '--live watches one run' in p.stderr

def test_live_outside_notebook_runs_with_snapshots(tmp_path):
    r = live('divbfkd', config='smoke', sample=True, progress=False, out=str(tmp_path), gan_epochs=1, every=1.)
    assert r.acc_last is not None and (tmp_path / 'live' / 'status.log').exists() and (tmp_path / 'result.json').exists()
    assert r.config['params']['gan_epochs'] == 1   # keywords that are not RunConfig fields go to the method's params

def test_stop_leaves_valid_checkpoint_and_result(tmp_path):
    pytest.importorskip('ipywidgets')
    from fskd_nb.dashboard import Dashboard
    d = Dashboard(RunConfig(method='divbfkd', config='smoke', sample=True, progress=False, out=str(tmp_path), params=dict(gan_epochs=50)), every=.2)
    d.start()
    for _ in range(600):   # stop while the GAN trains
        if d.monitor.gan is not None and d.monitor.gan.steps >= 3: break
        time.sleep(.05)
    d.stop(); r = d.wait(300)
    assert r.extra['stopped'] and r.extra['gan_cancelled'] and len(r.extra['gan_history']) < 50
    res = load_result(tmp_path / 'result.json'); assert res.acc_last == r.acc_last and res.extra['stopped']
    sd = torch.load(tmp_path / 'student.pt', weights_only=True); assert sd['arch'] == 'lenet5_half'
    assert torch.load(tmp_path / 'generator.pt', weights_only=True)['state_dict']
    assert d.snap['final'] and d.snap['phase'] == 'stopped' and 'stopped' in d.status.value
    assert not list(tmp_path.glob('.*.tmp'))   # atomic writes left no temporary files

def test_error_in_run_reaches_the_dashboard(tmp_path):
    pytest.importorskip('ipywidgets')
    from fskd_nb.dashboard import Dashboard
    d = Dashboard(RunConfig(method='divbfkd', config='smoke', sample=True, progress=False, budget=2100), every=.2)
    d.start()
    with pytest.raises(Exception, match='budget'): d.wait(300)
    assert d.snap['phase'] == 'failed' and 'QueryBudgetExceeded' in d.snap['error'] and 'color:red' in d.status.value

@pytest.mark.skipif(not shutil.which('chromium') and not os.environ.get('CI'), reason='needs /usr/bin/chromium (CI installs it)')
def test_dashboard_in_a_real_browser():
    "JupyterLab + Debian's Chromium + Playwright: the demo notebook's dashboard (on its quick settings) renders, its slider acts on the running GAN."
    t = time.time()
    p = subprocess.run(['bash', str(ROOT / '.ci' / 'browser_test.sh')], cwd=ROOT, capture_output=True, text=True, timeout=1200,
                       env=dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}", FSKD_LESSON_SMOKE='1'))   # the demo's quick settings
    print(p.stdout[-3000:]); print(f'browser test wall time {time.time() - t:.1f}s')
    assert p.returncode == 0 and 'BROWSER DASHBOARD TEST OK' in p.stdout, p.stdout[-3000:] + p.stderr[-3000:]
    for f in ('dashboard_running.png', 'dashboard_done_widget.png'): assert (ROOT / '.ci' / 'out' / f).stat().st_size > 10_000
