# The two quick-start commands are `make demo` and `make test`; everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check install format

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@scripts/ensure_venv.sh $(PYTHON) $(VENV)
	@touch $@

demo: install
	@scripts/demo.sh

test: install
	@scripts/test.sh

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
