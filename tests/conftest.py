import os, re, subprocess, sys
from pathlib import Path
import pytest

def pytest_addoption(parser):
    parser.addoption('--slow', action='store_true', help='also run the slow checks (every stage of every method killed and resumed, caps, data-parallel over seeds, every method end to end); $FSKD_SLOW=1 does the same')

def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: a long check (minutes): run with --slow or $FSKD_SLOW=1')

def pytest_collection_modifyitems(config, items):
    if config.getoption('--slow') or os.environ.get('FSKD_SLOW') == '1': return
    skip = pytest.mark.skip(reason='a slow check: run with --slow (or $FSKD_SLOW=1)')
    for it in items:
        if 'slow' in it.keywords: it.add_marker(skip)

def _shared_data():
    if os.environ.get('FSKD_DATA'): return Path(os.environ['FSKD_DATA'])
    p = Path(__file__).resolve().parents[2]/'shared'/'data'
    return p if p.is_dir() else None

@pytest.fixture(scope='session')
def real_data():
    "Folder with the real MNIST/FashionMNIST/KMNIST files; skip when absent, unless $FSKD_REQUIRE_DATA=1 (CI), then fail."
    p = _shared_data()
    if p is None or not (p/'MNIST').is_dir():
        if os.environ.get('FSKD_REQUIRE_DATA') == '1': pytest.fail(f'real data required but not found (FSKD_DATA={p})')
        pytest.skip('real datasets not on this machine (set FSKD_DATA)')
    return p

@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    "Each test session gets its own fskd_nb cache, so tests never depend on (or write into) the user's cache."
    monkeypatch.setenv('FSKD_CACHE', str(tmp_path_factory.getbasetemp()/'fskd-cache'))
    monkeypatch.setenv('CI', '1')
    monkeypatch.setenv('FSKD_EXPORT', os.environ.get('FSKD_EXPORT', 'ts'))   # ONNX files where a test asks for them (--export ts,onnx): each costs seconds

@pytest.fixture(scope='module')
def server():
    "`fskd teacher serve` in its own process on a free loopback port; yields its URL. Its own count of the images it answered (`_helpers.answered`) is what a user pays for."
    p = subprocess.Popen([str(Path(sys.executable).parent/'fskd'), 'teacher', 'serve', 'lenet5-mnist', '--port', '0'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    url = re.search(r'http://[\d.]+:\d+', line)
    assert url, line + p.stderr.read()
    yield url.group(0)
    p.terminate(); p.wait(10)
