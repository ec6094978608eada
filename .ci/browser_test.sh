#!/usr/bin/env bash
# Real-browser test of the live dashboard: JupyterLab on loopback, Debian's Chromium driven by Playwright (no browser
# download), a copy of nbs/26_live_demo.ipynb (or the notebook given as $1) with the committed recording beside it: the live
# run measured during its GAN, the replay and the side-by-side runs; screenshots and measurements.json in $BROWSER_OUT
# (default .ci/out). FSKD_LESSON_SMOKE=1: the demo's quick settings.
# Needs the project venv (scripts/build/env.sh), /usr/bin/chromium and the playwright package.
set -euo pipefail
cd "$(dirname "$0")/.."
NB=${1:-nbs/26_live_demo.ipynb}
OUT=${BROWSER_OUT:-.ci/out}; mkdir -p "$OUT"
command -v chromium >/dev/null || { echo "FAIL: /usr/bin/chromium is missing (apt-get install chromium)"; exit 1; }
python -c "import playwright" || { echo "FAIL: the playwright package is missing (pip install playwright; never 'playwright install')"; exit 1; }
PORT=${LAB_PORT:-$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d); cp "$NB" "$WORK/"                 # a copy: lab rewrites metadata and writes checkpoints next to it
export JUPYTER_CONFIG_DIR=$(mktemp -d) JUPYTER_RUNTIME_DIR=$(mktemp -d) JUPYTERLAB_WORKSPACES_DIR=$(mktemp -d) JUPYTERLAB_SETTINGS_DIR=$(mktemp -d)
mkdir -p "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/notebook-extension" "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/apputils-extension"
echo '{"autoStartDefaultKernel": true}' > "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
echo '{"fetchNews": "false", "checkForUpdates": false}' > "$JUPYTERLAB_SETTINGS_DIR/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
export MPLBACKEND=Agg
jupyter lab --no-browser --allow-root --ip=127.0.0.1 --port="$PORT" --ServerApp.port_retries=0 \
  --IdentityProvider.token='' --ServerApp.password='' --ServerApp.root_dir="$WORK" \
  --LabApp.expose_app_in_browser=True >"$OUT/lab.log" 2>&1 &
LAB_PID=$!
trap 'kill $LAB_PID 2>/dev/null || true; wait $LAB_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for i in $(seq 1 120); do
  kill -0 $LAB_PID 2>/dev/null || { cat "$OUT/lab.log"; exit 1; }
  curl -sf "http://127.0.0.1:$PORT/api/status" >/dev/null && break; sleep 0.5
done
mkdir -p "$WORK/runs/live"; cp nbs/runs/live/*.live.gz "$WORK/runs/live/"   # the committed recording the replay plays
timeout ${BROWSER_TIMEOUT:-900} python tests/browser/run_lab_dashboard.py "http://127.0.0.1:$PORT/lab/tree/$(basename "$NB")" "$OUT"
