# wangge — two commands do everything on a fresh Debian machine:
#   make run    install what is missing, migrate, seed the demo county, serve on 127.0.0.1:5000
#   make test   install what the tests need and run the whole suite on SpatiaLite and on PostGIS, side by side
#   make check  the quick loop while working: ruff and the SpatiaLite suite without the browser tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := FLASK_APP=wsgi $(VENV)/bin/flask
HOST ?= 127.0.0.1
PORT ?= 5000

# Install Debian packages that are missing (as root, or through sudo).
define ensure_packages
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi
endef

.PHONY: run test check bench loadtest fuzz install install-test install-test-system clean-db _python-venv _nodejs

install: $(VENV)/.installed node_modules/.installed

# Front-end libraries (Leaflet) from the npm registry, as locked in package-lock.json
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory _nodejs
	npm ci --no-audit --no-fund
	@touch $@

_nodejs:
	$(call ensure_packages,nodejs npm)

$(VENV)/.installed: requirements.txt
	$(call ensure_packages,libsqlite3-mod-spatialite)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  $(MAKE) --no-print-directory _python-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

# The tests' own tools (pytest, Playwright, schemathesis, ruff…), on top of the application's requirements
install-test: install $(VENV)/.installed-test

$(VENV)/.installed-test: requirements-test.txt requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-test.txt
	@touch $@

_python-venv:
	$(call ensure_packages,python3-venv)

run: install
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	@$(FLASK) seed logins
	@echo "serving on http://$(HOST):$(PORT): phone app /app/, town view /views/town, county view /views/county, API docs /api/docs (Ctrl-C to stop)"
	DEMO=1 $(VENV)/bin/gunicorn --workers 2 --worker-class gthread --threads 4 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# PostGIS for the second run; Debian's Chromium and a Chinese font for the browser tests
install-test-system:
	$(call ensure_packages,libsqlite3-mod-spatialite postgresql-15-postgis-3 chromium fonts-wqy-microhei)

# The two back ends run side by side, a core each (the machine has two; one after the other took 37 minutes), each in a
# temporary folder of its own, their lines marked [spatialite] / [postgis]
test: install install-test install-test-system
	$(VENV)/bin/ruff check .
	@echo "=== wangge tests on SpatiaLite and on PostGIS, side by side ==="; \
	for db in spatialite postgis; do \
	  ( set -o pipefail; $(PY) -m pytest --db=$$db --basetemp=$${TMPDIR:-/tmp}/wangge-tests-$$db $(PYTEST_ARGS) 2>&1 \
	    | sed -u "s/^/[$$db] /" ) & pids="$$pids $$!"; \
	done; \
	status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	if [ $$status = 0 ]; then echo "=== both back ends passed ==="; else echo "=== FAILED on at least one back end ==="; fi; \
	exit $$status

check: install-test
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q --db=spatialite --ignore=tests/browser $(PYTEST_ARGS)

bench: install-test install-test-system
	$(PY) -m tools.bench.run

# 200 grid workers syncing and 20 county users browsing for 60 s against gunicorn + PostGIS (LOADTEST_ARGS to change)
loadtest: install install-test install-test-system
	$(PY) -m tools.load.run $(LOADTEST_ARGS)

# schemathesis against /api/openapi.json, in process, signed in as four roles (FUZZ_ARGS: --db=postgis, --examples=N,
# --max-time=S); writes the "## API fuzzing" section of BENCHMARKS.md
fuzz: install-test install-test-system
	$(PY) -m tools.fuzz.run $(FUZZ_ARGS)

clean-db:
	rm -f instance/wangge.sqlite instance/wangge.sqlite-wal instance/wangge.sqlite-shm
