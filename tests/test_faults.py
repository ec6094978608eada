"""The faults of `tests/faults.py` in a run's life (its folder, how it ends), each in its own process: the exit code it must
end with, one line that names the fix (no traceback), nothing that existed lost, and the command the message suggests runs."""
import pytest
from faults import CASES, check

NAMES = [n for n, c in CASES.items() if c[0] in ('run folder', 'run ends')]

@pytest.fixture(scope='module')
def root(tmp_path_factory): return tmp_path_factory.mktemp('faults')

@pytest.mark.parametrize('name', NAMES)
def test_fault(name, root): check(name, root)
