# Two commands matter: `make demo` and `make test`. The rest are helpers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEV := DJANGO_SETTINGS_MODULE=example_site.settings.dev

.PHONY: demo test test-sqlite test-postgres lint messages screenshots bench bench-load wheel clean

$(INSTALLED): setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: $(INSTALLED)
	mkdir -p var
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_demo_content
	$(DEV) $(PY) manage.py load_demo_history
	$(DEV) $(PY) manage.py balie_demo_signing_cert
	$(DEV) $(PY) -m example_site.run_demo

# The whole suite in two passes (tests/bin/run-passes): the embedded SQLite with the browser suite, and with
# BALIE_TEST_POSTGRES everything that touches the database again on PostgreSQL, side by side.
test: $(INSTALLED)
	PY=$(PY) tests/bin/run-passes

test-sqlite: $(INSTALLED)
	$(PY) -m pytest -m "not postgres and not browser and not slow"

# ruff, then the import contracts of setup.cfg ([importlinter]): layers, screens, tasks, vendors.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

messages: $(INSTALLED)
	cd digitale_balie_plugin && $(DEV) ../$(PY) ../manage.py makemessages -l nl -l fr -l en --no-obsolete --no-location
	cd digitale_balie_plugin && $(DEV) ../$(PY) ../manage.py compilemessages

# The clerk manual's screenshots (docs/img/clerk-*.png), drawn by the whole-day browser test.
screenshots: $(INSTALLED)
	BALIE_DOCS_SCREENSHOTS=1 $(PY) -m pytest tests/browser/test_clerk_workspace.py -p no:randomly -q

bench: $(INSTALLED)
	$(PY) bench/slots.py

# The load figure (bench/load.py, ~25 minutes): waiting citizens and clerks, the booking rush on two app servers
# and 10,000 reminders through two worker clusters, against gunicorn on PostgreSQL + Redis, with locust (needs
# PostgreSQL's programs and redis-server, as CI installs them). Parts and levels: bench/load.py --help.
bench-load: $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/load.py

wheel: $(INSTALLED)
	$(PY) -m build --wheel --outdir dist .

clean:
	rm -rf build dist *.egg-info var
