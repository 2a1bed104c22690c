# Two commands on a fresh machine:
#   make run    set up, generate sample exports if needed, run the whole pipeline, print a summary
#   make test   set up and run the test suite (CI runs exactly this)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export CDP_LANDING_DIR ?= data/landing
export CDP_WAREHOUSE ?= data/warehouse.duckdb

.PHONY: run test setup lint dagster dbt-build evaluate check train bench quality clean

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -r requirements.lock
	@# compiled sqlglot breaks Splink's Spark dialect; a venv made from an older lock may still have it
	$(BIN)/pip uninstall --quiet -y sqlglotc sqlglotrs
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/cdp run

# the tests spread over the cores by file (pytest-xdist): most of them wait on dbt, Dagster
# or Spark subprocesses that keep one core busy, so one at a time left the other idle
test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto --dist loadfile

lint: setup
	$(BIN)/ruff check .

dagster: setup
	$(BIN)/dagster dev --host 127.0.0.1

dbt-build: setup
	$(BIN)/dbt build

evaluate: setup
	$(BIN)/cdp evaluate

check: setup
	$(BIN)/cdp check

train: setup
	$(BIN)/cdp train

# Speed, memory and quality at scale: make bench PEOPLE=250000 (about 4 identity records a person);
# INCREMENTAL=0.01 then adds 1% of the identity records as a second batch and times that run too
# (INCREMENTAL_RUNS=5: five such batches, one run each, as five days);
# COUNTRIES=GB generates British people instead (a population the model was not tuned on);
# NAME_DENSE=1: names, birth dates and addresses only, the names drawn from the 25 most common
# of each list, so most names are shared by many people (FEBRL-like small pools)
PEOPLE ?= 25000
INCREMENTAL ?= 0
INCREMENTAL_RUNS ?= 1
COUNTRIES ?=
NAME_DENSE ?=
bench: setup
	$(BIN)/python -m cdp.quality.scale --people $(PEOPLE) --incremental $(INCREMENTAL) --incremental-runs $(INCREMENTAL_RUNS) $(if $(COUNTRIES),--countries $(COUNTRIES)) $(if $(NAME_DENSE),--names-only --name-pool 25)

# Match quality side by side with plain Splink, recordlinkage and the exact e-mail/phone rule,
# on FEBRL 1-4, Splink's fake_1000 and the generated samples (cdp/quality/side_by_side.py);
# the peers that need other packages run in their own environment, .venv-peers
PEERS := .venv-peers
$(PEERS)/.installed: requirements-peers.lock
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/pip install --quiet --upgrade pip==25.3
	$(PEERS)/bin/pip install --quiet --no-deps -r requirements-peers.lock
	touch $@

quality: setup $(PEERS)/.installed
	$(BIN)/python -m cdp.quality.side_by_side --peers-python $(PEERS)/bin/python $(if $(ONLY),--only $(ONLY))

clean:
	rm -rf data target logs .pytest_cache runs
