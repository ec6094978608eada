import os
from pathlib import Path
import pytest

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
