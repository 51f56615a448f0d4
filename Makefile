# Backroll: `make run` opens the app, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint typecheck lint-imports unit ui reliability reliability-report screenshots bench demo clean test-snapshot-update

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

# pytest-xdist, two workers per core: a Pilot test spends about a third of its time in Textual's idle waits
# and the reliability and browser tests wait on their child processes, so one worker a core leaves the
# cores half idle (on 2 cores: 6:01 with 2 workers, 4:08 with 4, same tests). Tests that share something
# outside their tmp_path go in one @pytest.mark.xdist_group (none do today). `make test PYTEST_WORKERS=0`: one process.
PYTEST_WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) )))
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup

## The whole suite: import contracts, types (mypy --strict, the UI too), ruff, then every test in parallel
## (the 15 slowest named at the end), then the tests marked `alone` in one process: the kill -9 test, whose
## forked writer twice never said "ready" beside another worker (cause not found; it now reports where the
## writer was if it happens again).
test: $(STAMP) lint-imports typecheck lint
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) --durations=15 -m "not alone"
	$(BIN)/python -m pytest -q --durations=5 -m alone

typecheck: $(STAMP)
	$(BIN)/mypy --strict tracker

lint-imports: $(STAMP)
	$(BIN)/lint-imports

## Import contracts, types and ruff (the rule set and its reasons: [tool.ruff] in pyproject.toml).
check: lint-imports typecheck lint

## ruff check and ruff format --check over the tree; changes nothing (`ruff format` does, by hand).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) tests/unit

ui: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) tests/ui

# One process: syrupy decides which snapshot files are unused only when it has seen every test.
test-snapshot-update: $(STAMP)
	$(BIN)/python -m pytest -q tests/ui --snapshot-update

reliability: $(STAMP)
	$(BIN)/python tests/reliability/report.py

screenshots: $(STAMP)
	$(BIN)/python -m tracker.ui.screenshots screenshots
	$(BIN)/python scripts/report_screenshot.py screenshots

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
