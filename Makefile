# Two commands from a fresh clone: `make data` builds the data package, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: data test test-fast lint schema clean bench docs

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Validate the annotations, then write datasets/grounded-events/.
data: $(STAMP)
	$(BIN)/grounded-events build

# Regenerate schema/<version>/ from the pydantic models (a published folder is frozen).
schema: $(STAMP)
	$(BIN)/python -m grounded_events._schema.generate

# ruff, then mypy --strict on src/ (configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

# The loop while working: lint, then every test not marked slow (`make test` still runs them all).
test-fast: lint
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

# Time the validator against its peers and the pyarrow floor on 1,000,000 generated rows.
bench: $(STAMP)
	$(BIN)/python bench/run.py --rows 1000000 --repeat 3

# The documentation site (mkdocs.yml, docs/) into site/; any warning, a broken link included, fails.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
