"The library runs on a bare GPU box and in scripts: importing it never pulls in ipywidgets or Jupyter."
import subprocess, sys

def test_no_widget_or_jupyter_imports():
    code = ("import sys, fskd_nb, fskd_nb.core, fskd_nb.data, fskd_nb.models, fskd_nb.teacher, fskd_nb.losses, fskd_nb.learner, "
            "fskd_nb.metrics, fskd_nb.teachers, fskd_nb.run, fskd_nb.sources, fskd_nb.baselines, fskd_nb.methods, fskd_nb.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('ipywidgets', 'IPython', 'jupyter_client', 'ipykernel', 'nbdev', 'fastcore')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

def test_cli_help_does_not_import_torch():
    r = subprocess.run([sys.executable, '-c', "import sys; from fskd_nb.cli import parser; parser(); sys.exit('torch' in sys.modules)"])
    assert r.returncode == 0

def test_transition_module_imports_no_widgets():
    r = subprocess.run([sys.executable, '-c', "import sys, fskd_nb.transition; sys.exit(any(m.startswith(('ipywidgets', 'matplotlib')) for m in sys.modules))"])
    assert r.returncode == 0   # matplotlib is imported only when a plot is drawn
