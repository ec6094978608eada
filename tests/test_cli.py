"The fskd console script and the result.json schema."
import json, subprocess, sys, os
from pathlib import Path
import pytest
from fskd_nb.core import RESULT_FIELDS, load_result

FSKD = Path(sys.executable).parent/'fskd'

def run(*args, **kw):
    return subprocess.run([str(FSKD), *args], capture_output=True, text=True, timeout=600, **kw)

def test_help_is_complete():
    r = run('--help'); assert r.returncode == 0
    for cmd in ('demo', 'distill', 'teacher', 'results'): assert cmd in r.stdout
    r = run('distill', '--help')
    for opt in ('--dataset', '--shots', '--seed', '--budget', '--teacher', '--student', '--config', '--out', '--device'): assert opt in r.stdout

def test_distill_writes_result_json(tmp_path):
    out = tmp_path/'kd'
    r = run('distill', 'standard-kd', '--sample', '--config', 'smoke', '--shots', '10', '--out', str(out))
    assert r.returncode == 0, r.stderr
    d = json.loads((out/'result.json').read_text())
    assert set(RESULT_FIELDS) <= set(d)
    assert d['method'] == 'standard-kd' and d['dataset'] == 'mnist' and d['shots'] == 10 and 0 <= d['mte'] <= 1
    assert {k: v for k, v in d['queries'].items() if k != 'metric'} == {'distill': 100, 'eval': 100 + 2000} and d['queries_total'] == 100
    assert 0 <= d['acc_last'] <= 100 and d['acc_best'] >= d['acc_last'] and d['config']['epochs'] == 2
    assert json.loads((out/'config.json').read_text()) == d['config']
    assert load_result(out).acc_last == d['acc_last']

def test_seeds_and_results_table(tmp_path):
    r = run('distill', 'student-alone', '--sample', '--config', 'smoke', '--shots', '5', '--seed', '0', '1', '--out', str(tmp_path))
    assert r.returncode == 0, r.stderr
    r = run('results', str(tmp_path)); assert r.returncode == 0 and 'acc_last' in r.stdout

def test_same_seed_same_result(tmp_path):
    accs = []
    for i in range(2):
        r = run('distill', 'standard-kd', '--sample', '--config', 'smoke', '--shots', '10', '--seed', '3', '--out', str(tmp_path/str(i)))
        assert r.returncode == 0, r.stderr
        accs.append(load_result(tmp_path/str(i)).acc_last)
    assert accs[0] == accs[1]

def test_demo_short(tmp_path):
    r = run('demo', '--epochs', '3', '--sample')
    assert r.returncode == 0, r.stderr
    assert 'student-alone' in r.stdout and 'standard-kd' in r.stdout and 'embedded sample' in r.stdout

def test_bad_input_exit_code():
    r = run('distill', 'standard-kd', '--dataset', 'mnsit')
    assert r.returncode == 2 and r.stderr.startswith('fskd: error:') and 'Traceback' not in r.stderr

def test_teacher_list_and_eval(real_data):
    r = run('teacher', 'list'); assert r.returncode == 0 and 'lenet5-mnist' in r.stdout and 'lenet5-fashionmnist' in r.stdout
    r = run('teacher', 'eval', 'lenet5-mnist', '--data-root', str(real_data))
    assert r.returncode == 0, r.stderr
    assert '99.45% on the 10000 mnist test images' in r.stdout

def test_teacher_train_to_file(tmp_path, real_data):
    # the recipe end to end on the real files, shortened to one epoch
    r = run('teacher', 'train', '--dataset', 'mnist', '--epochs', '1', '--data-root', str(real_data), '--out', str(tmp_path/'t.pt'))
    assert r.returncode == 0, r.stderr
    r = run('teacher', 'eval', str(tmp_path/'t.pt'), '--data-root', str(real_data))
    assert r.returncode == 0 and 'mnist test images' in r.stdout

def test_zskt_smoke_and_access_error(tmp_path):
    r = run('distill', 'zskt', '--sample', '--config', 'smoke', '--teacher-mode', 'white_box', '--out', str(tmp_path/'z'))
    assert r.returncode == 0, r.stderr
    d = json.loads((tmp_path/'z'/'result.json').read_text())
    assert d['method'] == 'zskt' and d['shots'] == 0 and d['queries']['synthesize'] == d['queries']['distill'] == 5 * 128
    assert (tmp_path/'z'/'student.pt').is_file()   # the student's weights beside its result
    r = run('distill', 'zskt', '--sample', '--config', 'smoke', '--teacher-mode', 'soft', '--out', str(tmp_path/'z2'))   # less access than it needs
    assert r.returncode == 2 and "ZSKT needs 'white_box' teacher access" in r.stderr and '--teacher-mode white_box' in r.stderr

def test_mte_flags(tmp_path):
    r = run('distill', 'student-alone', '--sample', '--config', 'smoke', '--mte-images', '0', '--out', str(tmp_path/'a'))
    assert r.returncode == 0, r.stderr
    d = json.loads((tmp_path/'a'/'result.json').read_text())
    assert d['mte'] is None and 'metric' not in d['queries'] and d['config']['mte_images'] == 0
