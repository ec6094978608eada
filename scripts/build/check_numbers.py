"""Every number in a page's prose must be shown by the page: printed by a code cell above it (its output) or
written in a code cell above it (its source: a setting, a paper's figure kept in a table). A quoted number
matches a shown one when the shown one rounds to it at the quoted precision (79.2 matches 79.24; 5 does not
match 4.05); percentages also match fractions (79.24 % matches 0.7924); 82 000, 82,000 and 82k are one number.

Not checked: code spans, maths, links' targets, HTML tags, names with numbers in them (LeNet-5, CIFAR-10,
WRN-40-2, top-1, x86_64), arXiv ids, licence versions (CC BY-SA 4.0), software versions (torch 2.14.1), small counts (integers up to 12 not followed by %, points or ×: "three seeds", "10 classes") and years (2015-2026).
usage: python scripts/build/check_numbers.py [NOTEBOOK ...]   (default: the lessons, the reference pages, index)"""
import json, re, sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ['nbs/index.ipynb', 'nbs/lessons/*.ipynb', 'nbs/reference/*.ipynb', 'nbs/26_live_demo.ipynb']
# the dated record of past measurements (each with its date, machine and command; most of their runs are not in the
# repository): its numbers are the record itself, not outputs of the page
RECORD = ['nbs/reference/results.ipynb']

_strip = [re.compile(p, re.S) for p in (r'```.*?```', r'`[^`]*`', r'\$\$.*?\$\$', r'\$[^$\n]+\$', r'\]\([^)]*\)',
                                        r'<[^>]+>', r'https?://\S+',
                                        r'arXiv:?\s*\d{4}\.\d{4,5}', r'CC BY[-A-Z]* \d\.\d', r'\b\d+\.\d+\.\d+\b')]   # arXiv ids, versions (torch 2.14.1)
# a number: 1 234 / 1,234 / 1234 / 12.34, with an optional k suffix; not glued to a name (LeNet-5, CIFAR-10, x86_64, top-1)
_num = re.compile(r'(?<![\w.\-/])(\d{1,3}(?:(?:[ ,\u202f\u00a0]|\\,)\d{3})+|\d+)(\.\d+)?(k\b)?(?![\w\-]*[A-Za-z_])(?!\.?\d)')
_any = re.compile(r'(\d{1,3}(?:(?:[ ,\u202f\u00a0])\d{3})+(?![\d.])|\d+)(\.\d+)?(?:e([-+]?\d+))?')

def prose(md: str) -> str:
    for r in _strip: md = r.sub(' ', md)
    return md

def _val(whole, frac, k=None) -> Decimal:
    v = Decimal(re.sub(r'[ ,\u202f\u00a0\\]', '', whole) + (frac or ''))
    return v * 1000 if k else v

def quoted(md: str):
    "The numbers a markdown text quotes: (text, value, decimal places)."
    out = []
    for m in _num.finditer(prose(md)):
        whole, frac, k = m.groups()
        v = _val(whole, frac, k)
        pct = re.match(r'\s*(%|percent|points?\b|×)', prose(md)[m.end():])
        if not frac and not k and not pct and (v <= 12 or 2015 <= v <= 2026): continue
        out.append((m[0].strip(), v, len(frac) - 1 if frac else 0))
    return out

def shown(cells) -> set:
    "Every number the code cells show: their sources and their text outputs."
    vals = set()
    for c in cells:
        txt = [''.join(c['source'])]
        for o in c.get('outputs', []):
            if o.get('output_type') == 'stream': txt.append(''.join(o.get('text', '')))
            for mime in ('text/plain', 'text/markdown', 'text/html'): txt.append(''.join(o.get('data', {}).get(mime, '')))
        for m in _any.finditer(re.sub(r'(?<![\w.])\.(\d)', r'0.\1', '\n'.join(txt))):   # .5 in code is 0.5
            try: v = _val(m[1], m[2]) * (Decimal(10) ** int(m[3]) if m[3] else 1)
            except Exception: continue
            vals.update((v, v * 100))
    return vals

def matches(v: Decimal, places: int, vals) -> bool:
    half = Decimal(5) / Decimal(10) ** (places + 1)
    if v >= 1000 and places == 0: half = max(half, v * Decimal('0.005'))   # 82 000 quoted for 81 977 printed
    return any(abs(s - v) <= half for s in vals)

def check(path) -> list:
    "The numbers a notebook's prose quotes that no code cell above it shows: [(cell number, quoted text)]."
    nb = json.loads(Path(path).read_text(encoding='utf-8'))
    bad, code = [], []
    for i, c in enumerate(nb['cells']):
        if c['cell_type'] == 'code': code.append(c); continue
        if c['cell_type'] != 'markdown': continue
        vals = shown(code)
        bad += [(i, t) for t, v, p in quoted(''.join(c['source'])) if not matches(v, p, vals)]
    return bad

def pages(args=()):
    if args: return [Path(a) for a in args]
    return sorted({p for g in PAGES for p in ROOT.glob(g)} - {ROOT/r for r in RECORD})

if __name__ == '__main__':
    n = 0
    for p in pages(sys.argv[1:]):
        for i, t in check(p):
            n += 1; print(f'{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}: cell {i}: {t}')
    print(f'{n} quoted numbers not shown above them'); sys.exit(1 if n else 0)
