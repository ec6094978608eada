"Data-parallel runs under torchrun (2 CPU processes, gloo): the same queries as one process, each image asked once, one process writes, and a 2-process run resumed by 1."
import json, os, re, subprocess, sys
from pathlib import Path
import pytest
from fskd_nb.core import load_result
from _helpers import answered

BIN = Path(sys.executable).parent
FSKD, TORCHRUN = BIN/'fskd', BIN/'torchrun'
ENV = dict(os.environ, CI='1', OMP_NUM_THREADS='1')

def torchrun(*args, n=2):
    return [str(TORCHRUN), '--standalone', '--nproc_per_node', str(n), '--no-python', str(FSKD), *args] if n > 1 else [str(FSKD), *args]

def sh(cmd, ok=True):
    r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=240)
    if ok: assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    return r



def test_collectives_and_learner_step():
    "Under torchrun: a Learner step on shards equals the whole-batch step; label_set asks each image once; the budget holds across processes."
    r = sh([str(TORCHRUN), '--standalone', '--nproc_per_node', '2', str(Path(__file__).parent/'ddp_worker.py')])
    assert 'rank 0: ok' in r.stdout and 'rank 1: ok' in r.stdout

@pytest.mark.parametrize('method', ['standard-kd', 'divbfkd'])
def test_two_processes_ask_what_one_asks(server, tmp_path, method):
    "A black-box teacher over HTTP answers exactly as many images for 2 processes as for 1; the ledgers agree; one process prints and writes."
    args = ['distill', method, '--teacher', server, '--sample', '--config', 'smoke', '--shots', '20', '--quiet']
    paid = []
    for n in (1, 2):
        a0 = answered(server); r = sh(torchrun(*args, '--out', str(tmp_path/f'np{n}'), n=n)); paid.append(answered(server) - a0)
        assert r.stdout.count('results in') == 1   # the first process speaks for the run
    one, two = (load_result(tmp_path/f'np{n}') for n in (1, 2))
    assert one.queries == two.queries and one.queries_total == two.queries_total > 0
    assert paid[0] == paid[1] == sum(one.queries.values())   # each image asked once, whatever the number of processes
    assert sorted(p.name for p in (tmp_path/'np2').glob('answers*.pt')) == ['answers.1.pt', 'answers.pt']   # each process keeps the answers it bought

def test_zskt_two_processes(tmp_path):
    "White-box ZSKT (generator and student data-parallel): the same ledger as one process."
    args = ['distill', 'zskt', '--sample', '--config', 'smoke', '--quiet']
    for n in (1, 2): sh(torchrun(*args, '--out', str(tmp_path/f'np{n}'), n=n))
    one, two = (load_result(tmp_path/f'np{n}') for n in (1, 2))
    assert one.queries == two.queries and one.queries['synthesize'] == 5 * 128

def test_accuracy_within_noise(tmp_path):
    "Standard-KD on 100 MNIST images (the lesson settings): 2 processes end within seed noise of 1 process."
    args = ['distill', 'standard-kd', '--sample', '--config', 'lesson', '--shots', '10', '--mte-images', '0', '--quiet']
    accs = []
    for n in (1, 2):
        sh(torchrun(*args, '--out', str(tmp_path/f'np{n}'), n=n)); accs.append(load_result(tmp_path/f'np{n}').acc_last)
    assert accs[0] > 50 and abs(accs[0] - accs[1]) < 5, accs

def test_resume_with_one_process(server, tmp_path):
    "A 2-process DivBFKD run stopped by its budget is finished by 1 process: the same ledger as an uninterrupted run, no image paid twice."
    args = ['distill', 'divbfkd', '--teacher', server, '--sample', '--config', 'smoke', '--shots', '20', '--checkpoint-every', '0', '--quiet']
    a0 = answered(server); sh(torchrun(*args, '--out', str(tmp_path/'whole'), n=1)); whole = answered(server) - a0
    ref = load_result(tmp_path/'whole')
    a0 = answered(server)
    r = sh(torchrun(*args, '--budget', '2000', '--out', str(tmp_path/'cut'), n=2), ok=False)
    assert r.returncode != 0 and (tmp_path/'cut'/'failed.json').exists()
    assert json.loads((tmp_path/'cut'/'failed.json').read_text())['stage'] == 'synth'
    sh(torchrun(*args, '--resume', str(tmp_path/'cut'), n=1)); paid = answered(server) - a0
    res = load_result(tmp_path/'cut')
    assert res.queries == ref.queries and paid <= whole, (res.queries, ref.queries, paid, whole)   # never more than the uninterrupted run (the resumed run may even replay a batch the first part bought)
    assert any('gan' in s for s in json.loads((tmp_path/'cut'/'resumed.json').read_text()))

DDP_ARGS = {'standard-kd': ['--dataset', 'fashionmnist', '--shots', '10', '--config', 'lesson'],
            'fsbbt': ['--dataset', 'fashionmnist', '--shots', '10', '--config', 'lesson'],
            'divbfkd': ['--dataset', 'fashionmnist', '--shots', '10', '--config', 'lesson'],
            'zskt': ['--config', 'lesson']}

@pytest.mark.slow
@pytest.mark.parametrize('method', list(DDP_ARGS))
def test_two_processes_match_one_over_three_seeds(method, real_data, tmp_path):
    "Each method on its lesson settings, alone and on 2 processes, seeds 0-2: the same queries (DivBFKD: up to its synthetic set, which asks until every class is full) and accuracy within seed noise."
    env = dict(ENV, FSKD_DATA=str(real_data))
    rows = {}
    for n in (1, 2):
        for s in (0, 1, 2):
            out = tmp_path/f'np{n}'/f'seed_{s}'
            r = subprocess.run(torchrun('distill', method, *DDP_ARGS[method], '--seed', str(s), '--out', str(out), '--quiet', n=n), env=env, capture_output=True, text=True, timeout=1200)
            assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
            rows[n, s] = load_result(out)
    for s in (0, 1, 2):
        one, two = rows[1, s], rows[2, s]
        if method == 'divbfkd':
            before = lambda r: r.queries_total - r.extra['synth']['queried']
            assert before(one) == before(two)
        else: assert one.queries == two.queries
    mean = lambda n: sum(rows[n, s].acc_last for s in (0, 1, 2)) / 3
    print(f"{method}: 1 process {mean(1):.2f}, 2 processes {mean(2):.2f} (seeds 0-2)")
    assert abs(mean(1) - mean(2)) < 5
