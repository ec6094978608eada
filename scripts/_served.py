"What the measuring scripts share: a teacher served over HTTP in its own process, and the comparison of two run folders."
import re, subprocess, sys
from pathlib import Path
import httpx, torch
from fskd_nb.core import load_result

FSKD = str(Path(sys.executable).parent/'fskd')

def serve(teacher:str='lenet5-mnist'):
    "Start `fskd teacher serve TEACHER`: (the process, its URL, `answered()`: the images it has answered, by its own count)."
    srv = subprocess.Popen([FSKD, 'teacher', 'serve', teacher, '--port', '0'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = re.search(r'http://[\d.]+:\d+', srv.stdout.readline()).group(0)
    return srv, url, lambda: httpx.get(url + '/info', timeout=10).json()['answered']

def identical(x:Path, y:Path) -> bool:
    "Two run folders with the same numbers in result.json (accuracy, agreement, MTE, queries) and bit-identical student weights."
    rx, ry = load_result(x), load_result(y)
    sx, sy = (torch.load(q/'student.pt', weights_only=True)['state_dict'] for q in (x, y))
    return (rx.acc_last, rx.acc_best, rx.agreement, rx.mte, rx.queries) == (ry.acc_last, ry.acc_best, ry.agreement, ry.mte, ry.queries) \
           and sx.keys() == sy.keys() and all(torch.equal(sx[k], sy[k]) for k in sx)
