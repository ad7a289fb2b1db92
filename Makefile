# Two commands matter: `make demo` and `make test`. The rest are helpers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEV := DJANGO_SETTINGS_MODULE=example_site.settings.dev

.PHONY: demo test test-sqlite test-postgres lint messages bench wheel clean

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
	$(DEV) $(PY) -m example_site.run_demo

test: $(INSTALLED)
	$(PY) -m pytest -m "not postgres"
	$(PY) -m pytest -m postgres

test-sqlite: $(INSTALLED)
	$(PY) -m pytest -m "not postgres and not browser and not slow"

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: $(INSTALLED)
	cd digitale_balie_plugin && $(DEV) ../$(PY) ../manage.py makemessages -l nl -l fr -l en --no-obsolete --no-location
	cd digitale_balie_plugin && $(DEV) ../$(PY) ../manage.py compilemessages

bench: $(INSTALLED)
	$(PY) bench/slots.py

wheel: $(INSTALLED)
	$(PY) -m build --wheel --outdir dist .

clean:
	rm -rf build dist *.egg-info var
