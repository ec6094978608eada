"""The docs site: every notebook becomes a page (nbdev's processing, rendered without Quarto); every page opens in Chromium
with all its images, and no link between pages is broken."""
import os, re, shutil, sys
from pathlib import Path
import pytest
ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    sys.path.insert(0, str(ROOT/'scripts'/'build'))
    from build_docs import build
    out = tmp_path_factory.mktemp('docs')
    return out, build(out)

def test_every_notebook_is_a_page_and_no_internal_link_or_image_is_broken(site):
    out, pages = site
    nbs = [p for p in (ROOT/'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts]
    assert len(pages) == len(nbs) and (out/'index.html') in pages
    broken, links = [], 0
    for p in pages:
        html = p.read_text()
        for ref in re.findall(r'href="([^"]+)"', html) + re.findall(r'<img[^>]*\ssrc="([^"]+)"', html):
            if re.match(r'[a-z]+:|//|#', ref): continue   # other sites, embedded images, anchors
            links += 1
            if not (p.parent/ref.split('#')[0]).exists(): broken.append(f'{p.relative_to(out)} → {ref}')
    assert links > 100 and not broken, broken
    api = (out/'teacher.html').read_text()
    assert 'QueryLedger' in api and 'charge' in api   # the show_doc reference of the public API is on the pages

@pytest.mark.skipif(not shutil.which('chromium') and not os.environ.get('CI'), reason='needs /usr/bin/chromium (CI installs it)')
def test_every_page_opens_in_chromium_with_its_images(site):
    from playwright.sync_api import sync_playwright
    out, pages = site
    bad = []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=shutil.which('chromium'), headless=True, args=['--no-sandbox', '--disable-gpu'])
        pg = b.new_page(); errors = []
        pg.on('pageerror', lambda e: errors.append(str(e)))
        # pages come from files; scripts from other sites (MathJax, require.js) cannot load offline and are not checked
        pg.route(re.compile(r'^https?://'), lambda route: route.abort())
        for p in pages:
            pg.goto(p.as_uri(), wait_until='load')
            r = pg.evaluate("""() => ({title: document.querySelector('h1') && document.querySelector('h1').textContent,
                imgs: [...document.images].filter(i => !/^https?:/.test(i.src)).map(i => i.complete && i.naturalWidth > 0),
                text: document.body.innerText.length})""")
            if not r['title'] or r['text'] < 200 or not all(r['imgs']): bad.append((p.name, r['title'], r['text'], r['imgs'].count(False)))
        b.close()
    assert not bad, bad
