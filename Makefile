# Two commands for a fresh machine (Python 3.11, make and apt): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/mentordash.duckdb
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test lint setup setup-test browser demo bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test browser

# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }
# The sign-in browser test runs docs/proxy/nginx.conf in front of the app (started by the test itself).
	@{ test -x /usr/sbin/nginx || command -v nginx; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq nginx >/dev/null; fi; }

$(DB): | $(VENV)/.installed
	$(PY) -m mentordash demo --db $(DB)

demo: $(VENV)/.installed
	$(PY) -m mentordash demo --db $(DB) --force

run: $(VENV)/.installed $(DB)
	MENTORDASH_DB=$(DB) $(PY) -m mentordash serve --server.address $(HOST) --server.port $(PORT) \
	  --server.headless true --browser.gatherUsageStats false

test: setup-test lint
	$(PY) -m pytest -q -n 2 --dist loadgroup

# ruff's settings are in pyproject.toml.
lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# The benchmark (benchmarks/, docs/benchmarks.md); its browser figures need the test tools and Chromium.
bench: setup-test
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache
