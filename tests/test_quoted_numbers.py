"""Every number the lessons, the README (nbs/index.ipynb), the reference pages and the live demo quote in their prose
is shown by a code cell above it: printed in its saved output or written in its source."""
import sys
from pathlib import Path
import pytest
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'scripts'/'build'))
from check_numbers import quoted, matches, shown, check, pages

def _cells(src='', out=''):
    return [dict(cell_type='code', source=[src], outputs=[dict(output_type='stream', text=[out])] if out else [])]

def test_a_quote_matches_what_rounds_to_it_and_nothing_else():
    vals = shown(_cells(out='gain 4.05 ± 2.06; queries 81767; acc 0.7924'))
    ok = lambda md: all(matches(v, p, vals) for _, v, p in quoted(md))
    assert ok('a gain of 4.05 ± 2.06 points') and ok('a gain of 4.1 points') and ok('about 82 000 queries') and ok('79.24 %')
    assert not ok('gains about 5 points') and not ok('a gain of 4.2 points') and not ok('about 100 000 queries')

def test_names_code_maths_links_small_counts_and_versions_are_not_quotes():
    md = ('LeNet-5 on CIFAR-10, WRN-40-2, top-1, `epochs=300`, $\\beta = 250$, [arXiv 2207.12106](https://x.org/2207.12106), '
          'torch 2.14.1, three seeds, 10 classes, in 2024')
    assert quoted(md) == []
    assert [t for t, *_ in quoted('11 % of the draws, 7 points, 3× faster')] == ['11', '7', '3']

def test_a_number_must_be_shown_above_the_prose_not_below():
    import json, tempfile
    nb = dict(cells=[dict(cell_type='markdown', source=['reaches 97.60 %']), *_cells(out='97.60'),
                     dict(cell_type='markdown', source=['reaches 97.60 %'])], nbformat=4, nbformat_minor=5, metadata={})
    with tempfile.NamedTemporaryFile('w', suffix='.ipynb', delete=False) as f: json.dump(nb, f)
    assert check(f.name) == [(0, '97.60')]

@pytest.mark.parametrize('page', pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_quoted_number_is_shown_above_it(page):
    bad = check(page)
    assert not bad, f'{page.name}: numbers in the prose that no cell above shows (cell, number): {bad}'
