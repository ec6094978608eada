"""The faults of `tests/faults.py` in what a run is given (data, settings), each in its own process: the exit code it must end
with, one line that names the fix (no traceback), data read exactly, and the command the message suggests runs."""
import pytest
from faults import CASES, check

NAMES = [n for n, c in CASES.items() if c[0] not in ('run folder', 'run ends')]

@pytest.fixture(scope='module')
def root(tmp_path_factory): return tmp_path_factory.mktemp('faults')

@pytest.mark.parametrize('name', NAMES)
def test_fault(name, root): check(name, root)
