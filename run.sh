#!/usr/bin/env bash
# Main job. `bash run.sh` -> installs into .venv (first use) and runs `fskd demo` (offline, CPU is fine);
# `bash run.sh lab` -> JupyterLab on 127.0.0.1:${PORT:-8888}; `bash run.sh CMD ARGS...` -> CMD inside the .venv.
source "$(dirname "$0")/scripts/build/env.sh"
case "${1:-demo}" in
  lab)  shift; cd "$ROOT/nbs"; exec jupyter lab --ip=127.0.0.1 --port="${PORT:-8888}" --no-browser $( [ "$(id -u)" = 0 ] && echo --allow-root ) "$@" ;;
  demo) [ $# -gt 0 ] && shift; exec fskd demo "$@" ;;
  *)    exec "$@" ;;
esac
