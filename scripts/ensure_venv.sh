#!/usr/bin/env bash
# Create the project's virtual environment and install the project with its dev tools.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "jingfu needs Python 3.11 or newer as '$python' (set PYTHON=/path/to/python3.11)" >&2
    exit 2
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
echo "installing jingfu and its dependencies into $venv ..."
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]'
