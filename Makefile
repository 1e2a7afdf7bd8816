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

# ECharts for the web interface, from npm (web/package-lock.json), copied where the gateway
# serves its static files; rebuilt only when the lock file changes.
ECHARTS := gateway/web/static/vendor/echarts.min.js
$(ECHARTS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(ECHARTS))
	cp web/node_modules/echarts/dist/echarts.min.js $(ECHARTS)

install: $(STAMP) $(ECHARTS)

up: install
	$(PY) -m infra.suite up

# Tests run in parallel, one worker per CPU (pytest-xdist); a module stays on one worker so its
# module-scoped fixtures are built once. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: install
	$(PY) -m infra.kafka_cluster fetch
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m infra.kafka_cluster fetch
	$(PY) -m benchmarks $(BENCH_ARGS)
	$(PY) -m benchmarks.gateway

clean:
	rm -rf var .pytest_cache
