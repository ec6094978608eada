"The product speaks to its users only: no notebook source, README or module cites a file outside the repository or how the project is developed."
import json, re
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
BAD = re.compile(r"METHODS\.md|STYLE\.md|TOOLING\.md|\.\./shared|/work/|\bissues? \d+|\bthe issue\b|issue's|closing note|lent to|this task|"
                 r"developer machine|§\s?\d", re.I)

def texts():
    for nb in sorted((ROOT/'nbs').rglob('*.ipynb')):
        for i, c in enumerate(json.loads(nb.read_text())['cells']): yield f'{nb.relative_to(ROOT)} cell {i}', ''.join(c['source'])
    yield 'README.md', (ROOT/'README.md').read_text()
    for py in sorted((ROOT/'fskd_nb').rglob('*.py')): yield str(py.relative_to(ROOT)), py.read_text()

def test_no_reference_outside_the_repository_or_to_how_it_is_developed():
    hits = [f'{where}: {m.group(0)!r}' for where, t in texts() for m in BAD.finditer(t)]
    assert not hits, '\n'.join(hits)
