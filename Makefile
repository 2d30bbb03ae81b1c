# Everything a user runs goes through here; a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
# uv installs the pinned lock files in seconds; pip alone takes over a minute.
UV_VERSION := 0.13.9

DATA      ?= data_samples/sample_zone
WAREHOUSE ?= warehouse/roadmap.duckdb
REPORTS   ?= reports/output
DEV_HOME  ?= $(CURDIR)/dagster_home
DEV_PORT  ?= 3000

.PHONY: demo test test-bench fuzz lint format install install-test dev sql bench sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-test.lock
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Run the whole pipeline on the bundled sample zone.
demo: install
	$(BIN)/sezp-roadmap build --data $(DATA) --warehouse $(WAREHOUSE) --reports $(REPORTS)

## Run the test suite (installs the test dependencies first), on two worker processes that steal work from each other.
test: install-test
	$(BIN)/python -m pytest -n 2 --dist worksteal

## The slow end-to-end cases (marker bench: the benchmark on a tiny zone, whole builds, browser sweeps); CI runs them after `make test`.
test-bench: install-test
	$(BIN)/python -m pytest -m bench -n 2 --dist worksteal

## The fuzz of ingest and validation on 10,000 new examples (CI runs only `make test`'s few hundred);
## records the run (examples, failures, seconds, commit) in benchmarks/results.md.
fuzz: install-test
	$(BIN)/python -m benchmarks.fuzz

## Linters and the formatter's check: ruff (Python) and sqlfluff (sql/, DuckDB dialect); CI runs it.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql --processes 2

## Rewrite the code in the house format (ruff) and fix what sqlfluff can fix.
format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix sql --processes 2

## The Dagster UI on http://127.0.0.1:3000 (DEV_PORT; run history in DEV_HOME) with every asset and its lineage; Ctrl-C stops
## it and every process it started (sezp_roadmap/dev_server.py; exec, so make's signals reach it).
dev: install
	DAGSTER_HOME=$(DEV_HOME) exec $(BIN)/python -m sezp_roadmap.dev_server -p $(DEV_PORT)

## Query the published warehouse read-only: an interactive shell, or Q='select ...' / FILE=sql/examples/x.sql.
sql: install
	$(BIN)/sezp-roadmap sql --warehouse $(WAREHOUSE) $(if $(FILE),--file "$$FILE") $(if $(Q),"$$Q")

## Time the pipeline at the sample, district, half-state and state sizes against DuckDB's own typed load of
## the same files; writes benchmarks/results.md (generated data is cached under build/bench/; the state size
## takes several minutes). The data stages alone: .venv/bin/python -m benchmarks.run --sizes half-state state --skip-reports --no-baseline
bench: install
	$(BIN)/python -m benchmarks.run

## Regenerate the committed sample zone (deterministic for the seed).
sample: install
	$(BIN)/sezp-roadmap sample --out $(DATA) --compress

clean:
	rm -rf $(VENV) $(REPORTS) warehouse/*.duckdb* build *.egg-info
