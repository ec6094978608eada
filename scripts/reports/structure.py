"""The package's structure in numbers: the largest module, members attached to `Method` after its class, exported cells of the
run notebooks, where the run settings are declared, the longest positional parameter lists, private names imported across
modules, import cycles (imports inside functions included) and `Cls.attr = _fn` attachments.

usage: python scripts/reports/structure.py [REPO]   # REPO: a checkout of fskd_nb (default: this one)"""
import ast, json, re, statistics, sys
from pathlib import Path

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parents[2]/'tests'))
import test_structure as ts
ts.PKG = root/'fskd_nb'
pkg = ts.PKG
src = {p: p.read_text() for p in sorted(pkg.rglob('*.py')) if p.name != '_modidx.py'}

lines = sorted(((len(s.splitlines()), p.relative_to(root)) for p, s in src.items()), reverse=True)
print(f"largest module: {lines[0][1]} {lines[0][0]} lines (next: {', '.join(f'{p} {n}' for n, p in lines[1:4])})")

attached = sum(len(m.group(0).split('=')[0].split(',')) for s in src.values() for m in re.finditer(r'^Method\.\w+(\s*,\s*Method\.\w+)*\s*=', s, re.M))
patched = sum(len(re.findall(r'^@patch\n(?:@[^\n]*\n)*def \w+\(self:Method\b', s, re.M)) for s in src.values())
print(f"Method members attached after the class (Method.x = _fn): {attached}; defined with @patch: {patched}")

attach_all = sum(1 for s in src.values() for _ in re.finditer(r'^[A-Z]\w*\.\w+(\s*,\s*[A-Z]\w*\.\w+)*\s*=\s*(staticmethod\()?_?\w+', s, re.M))
print(f"Cls.attr = fn attachment lines anywhere in the package: {attach_all}")

def cells(nb:Path) -> list:
    return [len(''.join(c['source']).splitlines()) for c in json.loads(nb.read_text())['cells']
            if c['cell_type'] == 'code' and ''.join(c['source']).lstrip().startswith('#| export')]
run_nbs = [p for p in sorted((root/'nbs').glob('*.ipynb')) if re.search(r'(_run|_settings|_stages|_method)\.ipynb$', p.name)]
for nb in run_nbs:
    c = cells(nb)
    print(f"{nb.name}: {len(c)} exported cells, median {statistics.median(c):g} lines, largest {max(c)}")
allc = [n for nb in sorted((root/'nbs').glob('*.ipynb')) for n in cells(nb)]
print(f"every notebook: {len(allc)} exported cells, median {statistics.median(allc):g} lines, largest {max(allc)}")

cli = (pkg/'cli.py').read_text()
runcfg = next(s for s in src.values() if re.search(r'^class RunConfig\b', s, re.M))
body = runcfg[runcfg.index('class RunConfig'):]; body = body[:body.index('\n\n')]
fields = re.findall(r'^    (\w+)\s*:', body, re.M)
flags = [f for f in fields if f"'--{f.replace('_', '-')}'" in cli]
copies = [f for f in fields if re.search(rf'\b{f}=a\.{f}\b', cli)]
print(f"RunConfig fields: {len(fields)}; also spelled as a CLI option literal: {len(flags)} ({', '.join(flags)}); copied keyword by keyword in cli.py: {len(copies)} ({', '.join(copies)})")

pos = []
for p, s in src.items():
    for n in ast.walk(ast.parse(s)):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = [x.arg for x in n.args.posonlyargs + n.args.args if x.arg not in ('self', 'cls')]
            pos.append((len(a), f"{p.relative_to(pkg)}:{n.name}"))
pos.sort(reverse=True)
print("longest positional parameter lists: " + ', '.join(f'{w} {k}' for k, w in pos[:5]))

priv = [f'{name}: from {mod} import {x}' for name, (path, tree) in ts.modules().items() for mod, names in ts.imports(name, path, tree)
        if mod.startswith('fskd_nb') and mod != name for x in names if x.startswith('_') and not x.startswith('__')]
print(f"private names imported across modules: {len(priv)}" + (f" ({'; '.join(priv)})" if priv else ''))
cyc = ts.cycles(ts.graph())
print(f"import cycles: {len(cyc)}" + (f" (largest: {len(max(cyc, key=len))} modules: {', '.join(max(cyc, key=len))})" if cyc else ''))
