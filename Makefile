# Two commands: `make run` serves the demo co-op; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/coop demo
	$(BIN)/coop serve

# axe-core for the browser tests' accessibility checks, as .ci/run installs it (they skip without it).
test: $(STAMP)
	@if command -v npm >/dev/null 2>&1 && [ -f tests/browser/package.json ] && [ ! -d tests/browser/node_modules/axe-core ]; then \
		npm install --silent --no-audit --no-fund --prefix tests/browser || echo "npm install failed: the accessibility checks will skip"; \
	fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) coop.db coop.db-wal coop.db-shm
