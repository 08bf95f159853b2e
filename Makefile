# Two commands: `make run` serves the demo on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run serve bench test install install-dev migrate demo reset-demo lint fixture clean axe

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a lock file changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py loaddemo
	@echo
	@echo "Demo editor: sign in at http://127.0.0.1:$(PORT)/admin/ as 'editor' with password 'evidence-demo'."
	@echo "Demo member: sign in at http://127.0.0.1:$(PORT)/accounts/login/ as 'member' with password 'evidence-demo'."
	@echo "Reference claim: http://127.0.0.1:$(PORT)/claims/quadriceps-proximity-to-failure/"
	@echo

# Start the demo data afresh (the SQLite database only; .venv stays).
reset-demo: install
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm
	$(MAKE) demo

run: demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The site as in production (DEBUG off, gunicorn, WhiteNoise): README "Production".
serve: install
	PORT=$(PORT) $(BIN)/python scripts/serve.py

# Throughput and latency of the production server (README "Performance"); takes minutes.
bench: install
	$(BIN)/python scripts/bench.py

# axe-core, pinned in package-lock.json, checks accessibility in the browser tests, and vnu-jar
# (the Nu HTML Checker, run on Java) checks the served HTML. Without npm those checks skip (CI
# installs npm and Java, and REQUIRE_BROWSER=1 makes a skip a failure). --ignore-scripts: vnu-jar's
# install script would download a Java runtime; the system's Java is used instead.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --silent
axe:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory node_modules/.package-lock.json; \
	else echo "npm not found: the accessibility and HTML checks will skip (apt-get install npm)"; fi

test: install-dev axe
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Rebuild fixtures/demo.json from claims/demo.py (run after changing the demo data).
fixture: install
	$(BIN)/python scripts/build_demo_fixture.py

clean:
	rm -rf $(VENV) var
