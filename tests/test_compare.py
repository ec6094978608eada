"""`fskd compare`: each method's budget rule spends at most the budget (the teacher's own count) and most of it where it can use it;
a compare that is killed and run again keeps its finished cells and ends with the same table."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pandas as pd, pytest, torch
from fskd_nb.run import RunConfig, run
from fskd_nb.teachers import get_teacher

FSKD = str(Path(sys.executable).parent/'fskd')
B, SHOTS = 1000, 10   # a budget; real images per class of the embedded MNIST sample (N = 100)

def counted_teacher():
    "The built-in MNIST teacher with a hook on its first layer that counts every image it sees (through `forward` or `forward_features`): the teacher's own count."
    t = get_teacher('lenet5-mnist'); m = t if isinstance(t, torch.nn.Module) else t.model
    first = next(l for l in m.modules() if isinstance(l, torch.nn.Conv2d))
    seen = [0]; first.register_forward_hook(lambda mod, i, o: seen.__setitem__(0, seen[0] + len(i[0])))
    return m, seen

# what each method can use of the budget: Standard-KD buys one answer per real image, the others all of it
USABLE = {'standard-kd': SHOTS * 10, 'fsbbt': B, 'divbfkd': B, 'zskt': B, 'kd3': B}

@pytest.mark.parametrize('method', list(USABLE))
def test_a_run_given_a_budget_charges_at_most_it_and_most_of_what_it_can_use(method):
    m, seen = counted_teacher()
    r = run(RunConfig(method=method, config='smoke', sample=True, shots=SHOTS, budget=B, spend=True, progress=False, steps=40), teacher=m)
    assert seen[0] == sum(r.queries.values())   # the ledger counts every image the teacher saw, in every phase
    charged = r.queries_total
    assert charged <= B, (method, r.queries)
    assert charged >= .8 * USABLE[method], (method, r.queries, r.extra['spend'])
    assert r.extra['spend'] and r.config['spend']   # what the rule set is in the result

def test_a_budget_too_small_for_what_a_method_buys_first_says_so():
    from fskd_nb.method import BudgetTooSmall
    with pytest.raises(BudgetTooSmall, match='give a budget of at least 100'):
        run(RunConfig(method='fsbbt', config='smoke', sample=True, shots=SHOTS, budget=50, spend=True, progress=False))

def fskd(*args, **kw):
    return subprocess.run([FSKD, *map(str, args)], capture_output=True, text=True, timeout=600, **kw)

GRID = ('--methods', 'student-alone', 'standard-kd', 'fsbbt', '--budgets', '60', '200', '--seeds', '0', '--shots', '5',
        '--config', 'smoke', '--steps', '30', '--probe', '0', '--eval-every', '1000', '--quiet')   # the test set once a cell, at its end

def test_a_compare_killed_midway_keeps_its_finished_cells_and_ends_with_the_same_table(tmp_path):
    env = {**os.environ, 'FSKD_DATA': os.environ.get('FSKD_DATA', ''), 'FSKD_OFFLINE': '1'}
    whole = fskd('compare', *GRID, '--dataset', 'mnist', '--out', tmp_path/'whole', env={**env})
    assert whole.returncode == 0, whole.stderr
    cut = tmp_path/'cut'
    p = subprocess.Popen([FSKD, 'compare', *GRID, '--dataset', 'mnist', '--out', str(cut)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    t0 = time.time()
    while time.time() - t0 < 300:   # kill it once two cells are finished
        if (cut/'table.csv').exists() and len(pd.read_csv(cut/'table.csv')) >= 2: break
        time.sleep(.2)
    p.send_signal(signal.SIGTERM); _, err = p.communicate(timeout=120)
    assert p.returncode == 143, err
    assert 'run the same command again to continue' in err
    kept = pd.read_csv(cut/'table.csv'); assert 2 <= len(kept) < len(pd.read_csv(tmp_path/'whole'/'table.csv'))
    stamps = {d: (cut/d/'result.json').stat().st_mtime_ns for d in kept['dir']}
    again = fskd('compare', *GRID, '--dataset', 'mnist', '--out', cut, env=env)
    assert again.returncode == 0, again.stderr
    assert {d: (cut/d/'result.json').stat().st_mtime_ns for d in kept['dir']} == stamps   # the finished cells were not run again
    a, b = pd.read_csv(cut/'table.csv'), pd.read_csv(tmp_path/'whole'/'table.csv')
    pd.testing.assert_frame_equal(a.drop(columns='wall_s'), b.drop(columns='wall_s'))   # the same cells, the same accuracies and queries
    assert 'Which method for this budget' in again.stdout and (cut/'compare.png').exists()

def test_compare_refuses_what_it_cannot_run_in_one_line(tmp_path):
    r = fskd('compare', '--methods', 'lightskd', '--out', tmp_path/'x', '--quiet')
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and 'has no budget rule' in r.stderr, r.stderr
    r = fskd('compare', '--methods', 'zskt', '--teacher-mode', 'soft', '--out', tmp_path/'y')
    assert r.returncode == 2 and "grant it with --teacher-mode white_box" in r.stderr, r.stderr
