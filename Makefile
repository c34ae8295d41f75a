# Newsroom: `make run` starts everything for a demo; `make test` runs the whole test suite.
# Both set up what they need first (virtualenv, Python and npm packages, translations).

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run test setup lint format messages clean-demo

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py rundev

test: setup
	$(BIN)/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) bin/run-tests

setup: $(VENV)/.installed static/vendor/.stamp static/pwa/icons/.stamp locale/.compiled

$(PY):
	"$$(bin/find-python)" -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.stamp: node_modules/.package-lock.json bin/vendor-assets.mjs
	node bin/vendor-assets.mjs
	touch $@

# The app's icons in every size, generated from one source image (git-ignored build output).
static/pwa/icons/.stamp: static/pwa/source-icon.png pwa/management/commands/make_app_icons.py | $(VENV)/.installed
	$(PY) manage.py make_app_icons --verbosity 0
	touch $@

locale/.compiled: $(wildcard locale/*/LC_MESSAGES/django.po) | $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
	touch $@

# Refresh the catalogues after changing strings; msgids are German, locale/en translates them.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-demo:
	rm -rf var/
