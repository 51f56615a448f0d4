# Backroll: `make run` opens the app, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check typecheck lint-imports unit ui reliability reliability-report screenshots bench demo clean test-snapshot-update

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench,web]'
	touch $(STAMP)

## Open the app on the built-in content and your data folder: the same one `backroll` uses
## (--home, else $$BACKROLL_HOME, else the per-user data folder; `make run BACKROLL_HOME=DIR` picks another).
run: $(STAMP)
	$(BIN)/backroll

## Open the app on a generated six-week sample history in a temp home.
demo: $(STAMP)
	$(BIN)/backroll demo

## The whole suite: import contracts, types (mypy --strict, the UI too), unit, UI (Pilot + snapshots), reliability.
test: $(STAMP) lint-imports typecheck
	$(BIN)/python -m pytest -q

typecheck: $(STAMP)
	$(BIN)/mypy --strict tracker

lint-imports: $(STAMP)
	$(BIN)/lint-imports

check: lint-imports typecheck

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

ui: $(STAMP)
	$(BIN)/python -m pytest -q tests/ui

test-snapshot-update: $(STAMP)
	$(BIN)/python -m pytest -q tests/ui --snapshot-update

reliability: $(STAMP)
	$(BIN)/python tests/reliability/report.py

screenshots: $(STAMP)
	$(BIN)/python -m tracker.ui.screenshots screenshots
	$(BIN)/python -m tracker.report.screenshot screenshots

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
