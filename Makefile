# Two commands from a fresh clone: `make data` builds the data package, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check
# Two stamps: `make data` needs only the runtime lock; lint and tests add the development lock
# on top (it pins the same versions, so it only adds packages and never undoes the first).
RUNTIME := $(VENV)/.runtime-installed
DEV     := $(VENV)/.dev-installed

.PHONY: data test test-fast lint schema clean bench docs

$(RUNTIME): requirements-runtime.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements-runtime.lock
	$(PIP) install --no-deps -e .
	touch $@

$(DEV): $(RUNTIME) requirements.lock
	$(PIP) install --require-hashes -r requirements.lock
	touch $@

# Validate the annotations, then write datasets/grounded-events/.
data: $(RUNTIME)
	$(BIN)/grounded-events build

# Regenerate schema/<version>/ from the pydantic models (a published folder is frozen).
schema: $(RUNTIME)
	$(BIN)/python -m grounded_events._schema.generate

# ruff, then mypy --strict on src/ (configured in pyproject.toml).
lint: $(DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: $(DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

# The loop while working: lint, then every test not marked slow (`make test` still runs them all).
test-fast: lint
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

# Time the validator against its peers and the pyarrow floor on 1,000,000 generated rows.
bench: $(DEV)
	$(BIN)/python bench/run.py --rows 1000000 --repeat 3

# The documentation site (mkdocs.yml, docs/) into site/; any warning, a broken link included, fails.
docs: $(DEV)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build dist site .pytest_cache .ruff_cache
