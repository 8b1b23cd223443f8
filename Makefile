# Two commands set everything up on a fresh machine: `make run` and `make test`.
# They need Python 3.11+, Java 17 and Maven; everything else is installed here.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LAUNCHER := opensearch-node/target/.built-stamp

.PHONY: run test lint typecheck unit integration e2e opensearch clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade 'pip<26.3'
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(LAUNCHER): opensearch-node/pom.xml $(shell find opensearch-node/src -type f 2>/dev/null) | $(STAMP)
	$(PY) -m devstack.opensearch_node --build-only
	@touch $@

## The whole stack locally: OpenSearch, moto, demo data, API on http://127.0.0.1:8000
run: $(STAMP) $(LAUNCHER)
	$(PY) -m devstack.run

## Every check and every test; starts what the tests need on free ports
test: lint typecheck $(LAUNCHER)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy .

unit: $(STAMP)
	$(PY) -m pytest tests/unit

integration: $(STAMP) $(LAUNCHER)
	$(PY) -m pytest tests/integration

e2e: $(STAMP) $(LAUNCHER)
	$(PY) -m pytest tests/e2e

## A node in the foreground on OPENSEARCH_PORT (default 9200)
opensearch: $(STAMP) $(LAUNCHER)
	$(PY) -m devstack.opensearch_node --port $${OPENSEARCH_PORT:-9200}

clean:
	rm -rf $(VENV) opensearch-node/target .local .mypy_cache .pytest_cache .ruff_cache
