"""Every fault and misuse of `tests/faults.py`, in its own process: the exit code it must end with, one line that names
the fix (no traceback), nothing that existed lost, and the command the message suggests runs."""
import pytest
from faults import CASES, run_case, passes

@pytest.fixture(scope='module')
def root(tmp_path_factory): return tmp_path_factory.mktemp('faults')

@pytest.mark.parametrize('name', list(CASES))
def test_fault(name, root):
    o = run_case(name, root)
    assert passes(name, o), f"{o.cmd}\nexit {o.rc}, {o.lines} lines, traceback {o.traceback}, kept {o.kept}, advice {o.advice}\n{o.err[-3000:]}"
