# Two set-up commands: `make demo` and `make test`. Both create .venv and install everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest schema release baselines check-generated clean

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
	$(BIN)/ruff format --check reportedly tests eval
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/reportedly schema build

# Regenerate every generated file (schema views, statistics, agreement, published dataset).
release: $(STAMP) schema
	$(BIN)/reportedly validate corpus
	$(BIN)/reportedly splits corpus
	$(BIN)/reportedly stats corpus --readme corpus/README.md
	$(BIN)/reportedly stats corpus --diversity --readme corpus/README.md
	$(BIN)/reportedly agree --annotator a1 --annotator a2 --json corpus/agreement.json --readme corpus/README.md
	$(BIN)/reportedly agree --annotator a1 --annotator a2 $$(sed 's/^/--doc /' corpus/pilot.txt) \
		--json corpus/agreement-pilot.json --readme corpus/README.md --section agreement-pilot
	$(BIN)/reportedly agree --annotator a1 --annotator a2 $$(sed 's/^/--doc /' corpus/round2/pilot.txt) \
		--json corpus/round2/agreement-pilot.json --readme corpus/README.md --section agreement-round2-pilot
	$(BIN)/reportedly agree --annotator a1 --annotator a2 \
		$$(ls corpus/round2/documents | sed 's/[.]json$$//; s/^/--doc /') --json corpus/round2/agreement.json \
		--readme corpus/README.md --section agreement-round2
	$(BIN)/reportedly audit table corpus/round2/audit/report.json --readme corpus/README.md --section audit-1
	$(BIN)/reportedly audit table corpus/round2/audit-2/report.json --readme corpus/README.md --section audit-2
	$(BIN)/reportedly leaderboard
	$(BIN)/reportedly publish --corpus corpus --out dist/huggingface --overwrite --readme corpus/README.md

# Train and run every baseline on dev and test (the encoder takes minutes on a CPU; models are cached).
baselines: $(STAMP)
	for system in rules crf encoder; do for split in dev test; do \
		$(BIN)/reportedly baseline $$system --split $$split || exit 1; done; done

# Fails when a committed generated file is stale or a generated file is untracked.
check-generated: release
	git diff --exit-code -- schema LABELING.md corpus eval
	@test -z "$$(git ls-files --others --exclude-standard -- schema LABELING.md corpus eval)" || \
		{ git ls-files --others --exclude-standard -- schema LABELING.md corpus eval; exit 1; }

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
