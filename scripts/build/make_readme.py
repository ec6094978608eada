"""Generate README.md from nbs/index.ipynb without Quarto (nbdev_readme needs Quarto, which cannot be
installed offline). Markdown cells are copied; code cells are shown as ```python blocks with their
saved text outputs, except cells marked `#| hide`, `#| include: false` or `#| echo: false` (input hidden).
usage: python scripts/build/make_readme.py [--check]"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_dir = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def directives(src):
    d, keep = {}, []
    for line in src.splitlines():
        m = _dir.match(line)
        if m: d[m[1]] = m[2].lower() or 'true'
        else: keep.append(line)
    return d, '\n'.join(keep).strip('\n')

def render(nb) -> str:
    parts = ['<!-- Generated from nbs/index.ipynb by scripts/build/make_readme.py: edit the notebook, not this file. -->']
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': parts.append(src.strip('\n')); continue
        if c['cell_type'] != 'code': continue
        d, code = directives(src)
        if d.get('hide') == 'true' or d.get('include') == 'false' or 'default_exp' in d: continue
        if code and d.get('echo') != 'false': parts.append(f'```python\n{code}\n```')
        for o in c.get('outputs', []):
            txt = ''.join(o.get('text', '')) if o.get('output_type') == 'stream' else ''.join(o.get('data', {}).get('text/plain', ''))
            if txt.strip(): parts.append('```\n' + txt.strip('\n') + '\n```')
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    out = render(json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8')))
    readme = ROOT/'README.md'
    if '--check' in sys.argv:
        sys.exit(0 if readme.read_text(encoding='utf-8') == out else 'README.md is out of date: run python scripts/build/make_readme.py')
    readme.write_text(out, encoding='utf-8'); print('wrote', readme)
