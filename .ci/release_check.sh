#!/usr/bin/env bash
# The release a stranger installs: `python -m build` makes the sdist and, from it, the wheel; the wheel built straight from
# the tree must hold the same files, byte for byte. The wheel then goes into a fresh venv *without* the dev extras: the
# version, the smallest `fskd demo`, and the dashboard's clear error; then the `dashboard` extra makes `Dashboard` work.
# Needs the project venv (for `build`); $RELEASE_OUT keeps the artefacts (default: a temporary folder, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${RELEASE_OUT:-$(mktemp -d)}; rm -rf "$OUT/dist" "$OUT/tree" "$OUT/venv"; mkdir -p "$OUT"
[ -n "${RELEASE_OUT:-}" ] || trap 'rm -rf "$OUT"' EXIT   # a temporary folder goes when the check ends (its venv is ~1 GB)
t0=$SECONDS; say() { echo "--- [$((SECONDS-t0))s] $*"; }
say "python -m build (sdist, then the wheel from the sdist)"
python -m build --no-isolation --outdir "$OUT/dist" . >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
python -m build --no-isolation --wheel --outdir "$OUT/tree" . >>"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
ls -l "$OUT/dist" | tail -n +2
python - "$OUT" <<'PY'
import sys, zipfile, tarfile, hashlib
from pathlib import Path
out = Path(sys.argv[1]); (w1,), (w2,), (sd,) = out.glob('dist/*.whl'), out.glob('tree/*.whl'), out.glob('dist/*.tar.gz')
digest = lambda w: {n: hashlib.sha256(zipfile.ZipFile(w).read(n)).hexdigest() for n in zipfile.ZipFile(w).namelist()}
a, b = digest(w1), digest(w2)
assert a == b, f"the wheel from the sdist differs from the tree's: {sorted(set(a.items()) ^ set(b.items()))[:10]}"
names = sorted(a); sdist = tarfile.open(sd).getnames()
for need in ('fskd_nb/cli.py', 'fskd_nb/assets/lenet5-mnist.pt'): assert need in names, need
assert any(n.endswith('licenses/LICENSE') or n.endswith('/LICENSE') for n in names), 'no LICENSE in the wheel'
for need in ('settings.ini', 'LICENSE', 'README.md', 'setup.py'): assert any(n.endswith('/' + need) for n in sdist), f'{need} missing from the sdist'
print(f"wheel from the sdist == wheel from the tree: {len(names)} files, identical; sdist {len(sdist)} entries")
for n in names: print('   ', n)
PY
WHL=$(ls "$OUT"/dist/*.whl)
say "fresh venv, the wheel without extras"
python -m venv "$OUT/venv"
"$OUT/venv/bin/pip" install -q -c constraints.txt "$WHL" 2> >(grep -v 'is ignored: it is neither' >&2)
cd "$OUT"   # away from the source tree: the installed package is what runs
"$OUT/venv/bin/fskd" --version
! "$OUT/venv/bin/python" -c "import ipywidgets" 2>/dev/null || { echo "FAIL: ipywidgets came without the dashboard extra"; exit 1; }
"$OUT/venv/bin/python" - <<'PY'
from fskd_nb.run import RunConfig
from fskd_nb.core import FskdError
from fskd_nb.dashboard import Dashboard
try: Dashboard(RunConfig(method='divbfkd', config='smoke', sample=True)); raise SystemExit('FAIL: a Dashboard without ipywidgets')
except FskdError as e: assert "fskd_nb[dashboard]" in str(e), e; print('without the extra:', e)
PY
say "fskd demo --epochs 2 --sample (the installed wheel)"
/usr/bin/time -f "fskd demo: %e s" "$OUT/venv/bin/fskd" demo --epochs 2 --sample --quiet
say "the dashboard extra"
"$OUT/venv/bin/pip" install -q -c "$OLDPWD/constraints.txt" "$WHL[dashboard]" 2> >(grep -v 'is ignored: it is neither' >&2)
"$OUT/venv/bin/python" -c "from fskd_nb.run import RunConfig; from fskd_nb.dashboard import Dashboard; d = Dashboard(RunConfig(method='divbfkd', config='smoke', sample=True)); print('Dashboard with the extra:', type(d.widget).__name__)"
say "RELEASE CHECK OK"
