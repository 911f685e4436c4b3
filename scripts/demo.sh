#!/usr/bin/env bash
# The main job on the embedded defaults: SQLite under var/, embedded NLU, the terminal channel.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
jingfu db upgrade
jingfu seed demo
if jingfu shell --help >/dev/null 2>&1; then
    exec jingfu shell
fi
echo "database ready under var/; try: jingfu --help"
