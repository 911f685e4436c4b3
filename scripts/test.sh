#!/usr/bin/env bash
# The whole test suite, as CI runs it: checks, the real Rasa server, every test on SQLite,
# then every database test again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PATH="$PWD/$BIN:$PATH"
PG_TEST_URL=${PG_TEST_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}

echo "== checks (ruff, mypy, the import layers)"
ruff check .
ruff format --check .
mypy .
lint-imports --no-cache

echo "== services"
scripts/services.sh
scripts/browser_deps.sh

if jingfu nlu --help >/dev/null 2>&1; then
    echo "== Rasa (environment, training when the data changed, server)"
    jingfu nlu setup
    jingfu nlu train
    jingfu nlu serve --detach
    trap 'jingfu nlu stop || true' EXIT
    export RASA_URL=${RASA_URL:-http://127.0.0.1:5005}
fi

echo "== tests on SQLite"
pytest -q -p no:cacheprovider

echo "== database tests on PostgreSQL ($PG_TEST_URL)"
TEST_DATABASE_URL=$PG_TEST_URL pytest -q -p no:cacheprovider -m db
