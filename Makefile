# Two commands set everything up on a fresh machine: `make run` and `make test`.
# They need Python 3.11+, Java 17 and Maven, and `make test` Node.js 20+ too (checked
# first, by devstack/check-prerequisites.sh); everything else is installed here.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SUDO   := $(shell test "$$(id -u)" = 0 || echo sudo)

.PHONY: prerequisites run-prerequisites run test lint typecheck unit integration e2e launcher opensearch bench relevance clean browser synth deploy

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade 'pip<26.3'
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

## What must be on the PATH already: one line naming what is missing and how to get it
prerequisites:
	@sh devstack/check-prerequisites.sh $(PYTHON) node
run-prerequisites:
	@sh devstack/check-prerequisites.sh $(PYTHON)

## The OpenSearch node's jars (Maven runs only when the pom or the launcher changed)
launcher: $(STAMP)
	$(PY) -m devstack.opensearch_node --build-only

## The whole stack locally: OpenSearch, moto, demo data, API on http://127.0.0.1:8000
run: run-prerequisites $(STAMP) launcher
	$(PY) -m devstack.run

## Every check and every test; starts what the tests need on free ports
test: prerequisites lint typecheck launcher
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy .

unit: $(STAMP)
	$(PY) -m pytest tests/unit

integration: $(STAMP) launcher
	$(PY) -m pytest tests/integration

e2e: $(STAMP) launcher
	$(PY) -m pytest tests/e2e

## A node in the foreground on OPENSEARCH_PORT (default 9200)
opensearch: $(STAMP) launcher
	$(PY) -m devstack.opensearch_node --port $${OPENSEARCH_PORT:-9200}

clean:
	rm -rf $(VENV) devstack/opensearch-node/target .local .mypy_cache .pytest_cache .ruff_cache

## Benchmarks against same-run baselines: bench/report.md and bench/report.json
bench: $(STAMP) launcher
	$(PY) -m bench

## Search relevance against a same-run naive baseline: nDCG@10, MRR, zero results (relevance/report.json)
relevance: $(STAMP) launcher
	$(PY) -m relevance

## Debian's Chromium for the demo page's browser tests (apt; nothing when /usr/bin/chromium is there)
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; }
	@/usr/bin/chromium --version 2>/dev/null

## CloudFormation templates of every stage (infra/stages.json) in infra/cdk.out; no AWS account needed
CDK_OUT     := infra/cdk.out
CDK_CLI     := aws-cdk@2.1148.1
STAGE       ?= dev
synth: $(STAMP)
	cd infra && JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 PYTHONPATH=$(CURDIR) $(CURDIR)/$(PY) -m infra.cdk_app --out cdk.out
	rm -rf infra/chalice.out

## Deploy one stage (STAGE=dev or prod) with the credentials in the environment; see docs/infra.md
deploy: synth
	npx --yes $(CDK_CLI) deploy --app $(CDK_OUT) --require-approval broadening $(STAGE)
