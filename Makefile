# Two set-up commands: `make demo` and `make test`. Both create .venv and install everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest schema release clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[studio,baselines,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/reportedly demo

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check reportedly tests eval

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/reportedly schema build

release: $(STAMP) schema
	$(BIN)/reportedly validate corpus

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
