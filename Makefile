# Zhaoshang — the two commands: `make up` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install up test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

up: install
	$(PY) -m infra.suite up

test: install
	$(PY) -m infra.kafka_cluster fetch
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m infra.kafka_cluster fetch
	$(PY) -m benchmarks
	$(PY) -m benchmarks.gateway

clean:
	rm -rf var .pytest_cache
