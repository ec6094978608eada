"The package's structure: no import cycle (imports inside functions included), no private name imported across modules, no method attached after its class."
import ast, re
from pathlib import Path

PKG = Path(__file__).resolve().parents[1]/'fskd_nb'

def module_name(p:Path) -> str:
    parts = p.relative_to(PKG.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)

def modules() -> dict:
    "Module name → (path, AST) for every .py file of the package."
    return {module_name(p): (p, ast.parse(p.read_text())) for p in sorted(PKG.rglob('*.py'))}

def imports(name:str, path:Path, tree) -> list:
    "(module imported, names imported from it) for every import statement in the module, at any depth (inside functions too)."
    pkg = name if path.name == '__init__.py' else name.rpartition('.')[0]
    out = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Import): out += [(a.name, ()) for a in n.names]
        elif isinstance(n, ast.ImportFrom):
            base = pkg.split('.')[:len(pkg.split('.')) - (n.level - 1)] if n.level else []
            mod = '.'.join(base + ([n.module] if n.module else []))
            out.append((mod, tuple(a.name for a in n.names)))
    return out

def graph() -> dict:
    "fskd_nb module → the fskd_nb modules it imports (a submodule imported by name from a package counts, and so do the packages above an imported module)."
    mods, g = modules(), {}
    for name, (path, tree) in mods.items():
        deps = set()
        for mod, names in imports(name, path, tree):
            if mod.split('.')[0] != 'fskd_nb': continue
            targets = [mod] + [f'{mod}.{x}' for x in names if f'{mod}.{x}' in mods]
            for t in targets:
                parts = t.split('.')
                deps |= {'.'.join(parts[:i]) for i in range(2, len(parts) + 1) if '.'.join(parts[:i]) in mods}
        g[name] = deps - {name, 'fskd_nb'}
    return g

def cycles(g:dict) -> list:
    "The strongly connected components of more than one module (Tarjan)."
    index, low, stack, on, out, i = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
        for w in g.get(v, ()):
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    for v in g:
        if v not in index: visit(v)
    return out

def test_graph_sees_lazy_imports():
    g = graph()
    assert 'fskd_nb.methods' in g['fskd_nb.run'] and 'fskd_nb.methods.zskt' in g['fskd_nb.methods']
    assert 'fskd_nb.methods' in g['fskd_nb.cli']   # imported inside a function: still an edge
    assert cycles({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}) == [['a', 'b', 'c']]   # the detector finds a cycle

def test_no_import_cycle():
    assert cycles(graph()) == []

def test_no_private_name_imported_across_modules():
    bad = [f'{name}: from {mod} import {x}' for name, (path, tree) in modules().items() for mod, names in imports(name, path, tree)
           if mod.startswith('fskd_nb') and mod != name for x in names if x.startswith('_') and not x.startswith('__')]
    assert bad == []

def test_no_method_attached_after_its_class():
    pat = re.compile(r'^[A-Z]\w*\.\w+(\s*,\s*[A-Z]\w*\.\w+)*\s*=\s*(staticmethod\()?_?\w+', re.M)
    bad = [f'{p.name}: {m.group(0)}' for p in PKG.rglob('*.py') for m in pat.finditer(p.read_text())]
    assert bad == []
