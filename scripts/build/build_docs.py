"""Build the docs site without Quarto: nbdev's processed notebooks (show_doc reference added, hidden cells dropped) rendered
to HTML with nbconvert, one page per notebook, with a navigation bar; `.ipynb` links point to the pages.

usage: python scripts/build/build_docs.py [OUT]   (default _docs; Quarto's `nbdev_docs` builds the full site where it is installed)"""
import re, shutil, sys
from pathlib import Path
import nbformat, yaml
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[2]

def options(src:str) -> dict:
    "The cell's `#| key: value` options (Quarto's; nbdev writes echo/output/include)."
    out = {}
    for l in src.splitlines():
        m = re.match(r'\s*#\|\s*([\w-]+)\s*:\s*(.*)', l)
        if m: out[m.group(1)] = m.group(2).strip().lower()
    return out

def front_matter(nb) -> dict:
    c = nb.cells[0] if nb.cells else None
    if c is None or c.cell_type != 'raw' or not c.source.startswith('---'): return {}
    return yaml.safe_load(c.source.strip().strip('-')) or {}

def page(nb, title:str, desc:str, nav:str) -> str:
    "The notebook as one HTML page: options honoured, front matter as the page's heading."
    cells = []
    for c in nb.cells[1:] if front_matter(nb) else nb.cells:
        o = options(c.source)
        if o.get('include') == 'false': continue
        if c.cell_type == 'code':
            c.source = '\n'.join(l for l in c.source.splitlines() if not re.match(r'\s*#\|', l))
            if o.get('echo') == 'false': c.metadata['jupyter'] = dict(source_hidden=True); c.metadata.setdefault('tags', []).append('hide-input')
            if o.get('output') == 'false': c.outputs = []
            if not c.source.strip() and not c.outputs: continue
        cells.append(c)
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n> {desc}" if desc else f"# {title}")] + cells
    ex = HTMLExporter(template_name='lab'); ex.exclude_input_prompt = ex.exclude_output_prompt = True
    ex.register_preprocessor(_HideInput(), enabled=True)
    body, _ = ex.from_notebook_node(nb)
    return body.replace('<body', f'<body', 1).replace('<main>', f'<main>{nav}', 1) if '<main>' in body else re.sub(r'(<body[^>]*>)', r'\1' + nav, body, count=1)

from nbconvert.preprocessors import Preprocessor
class _HideInput(Preprocessor):
    "Drop the input of cells marked echo: false (the show_doc cells: their output is the reference)."
    def preprocess_cell(self, cell, resources, index):
        if 'hide-input' in cell.metadata.get('tags', []): cell.metadata['transient'] = {'remove_source': True}; cell.source = ''
        return cell, resources

def build(out:Path=ROOT/'_docs', proc:Path|None=None) -> list[Path]:
    "Process the notebooks (unless `proc` is given) and write one page per notebook to `out`; returns the pages."
    if proc is None:
        from nbdev.serve import proc_nbs
        proc_nbs(); proc = ROOT/'_proc'
    shutil.rmtree(out, ignore_errors=True); out.mkdir(parents=True)
    nbs = sorted(p for p in proc.rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts and 'runs' not in p.parts)
    info = {}
    for p in nbs:
        nb = nbformat.read(p, as_version=4); fm = front_matter(nb)
        html_name = fm.get('output-file') or p.with_suffix('.html').name
        info[p] = (nb, fm.get('title', p.stem), fm.get('description', ''), p.parent.relative_to(proc)/html_name)
    names = {p.relative_to(proc).as_posix(): v[3].as_posix() for p, v in info.items()}   # 'x.ipynb' → its page
    def link(href:str, here:Path) -> str:
        base, _, frag = href.partition('#')
        if re.match(r'[a-z]+:', base) or not base.endswith('.ipynb'): return href
        tgt = (here.parent/base).as_posix() if here.parent != Path('.') else base
        tgt = re.sub(r'[^/]+/\.\./', '', tgt)
        page_ = names.get(tgt)
        if page_ is None: return href   # a broken link stays broken: the docs check reports it
        rel = Path(*(['..'] * len(here.parent.parts)), page_).as_posix()
        return rel + ('#' + frag if frag else '')
    pages = []
    for p, (nb, title, desc, dest) in info.items():
        up = '../' * len(dest.parent.parts)
        items = ' · '.join(f'<a href="{up}{v[3].as_posix()}">{v[1]}</a>' for v in info.values())
        nav = f'<nav class="fskd-nav" style="font:14px sans-serif;padding:8px;border-bottom:1px solid #ccc">{items}</nav>'
        html = page(nb, title, desc, nav)
        html = re.sub(r'href="([^"]+)"', lambda m: f'href="{link(m.group(1), p.relative_to(proc))}"', html)
        html = html.replace('src="nbs/images/', f'src="{up}images/')   # the README's paths (from the repository root)
        (out/dest).parent.mkdir(parents=True, exist_ok=True); (out/dest).write_text(html); pages.append(out/dest)
    for d in proc.rglob('images'):   # figures the markdown links to
        if d.is_dir(): shutil.copytree(d, out/d.relative_to(proc), dirs_exist_ok=True)
    return pages

if __name__ == '__main__':
    pages = build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT/'_docs')
    print(f"{len(pages)} pages in {pages[0].parent}")
