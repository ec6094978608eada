# Source me: creates/updates .venv idempotently (re-installs only when settings.ini, setup.py,
# constraints.txt or this file change). Every install goes through constraints.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${FSKD_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3.11}"; command -v "$PY" >/dev/null || PY=python3
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off
STAMP="$VENV/.fskd-stamp"
WANT="$(cat "$ROOT/settings.ini" "$ROOT/setup.py" "$ROOT/constraints.txt" "$ROOT/scripts/build/env.sh" | sha256sum | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ]; then "$PY" -m venv "$VENV"; fi
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "installing fskd_nb and its dependencies into $VENV (first run: ~2-3 min)" >&2
  # the grep drops pip's harmless "Location ... is ignored" noise about a local extra index
  "$VENV/bin/pip" install -q -c "$ROOT/constraints.txt" -e "$ROOT[dev]" 2> >(grep -v 'is ignored: it is neither' >&2)
  echo "$WANT" > "$STAMP"
fi
export VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH"
