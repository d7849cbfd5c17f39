# Staffroom command list. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench demo migrate messages check-migrations browser help fuzz serve worker beat

help:
	@echo "make run    - install, migrate, load the demo business and serve on $(HOST):$(PORT)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff check, format check and the import contracts (.importlinter)"
	@echo "make bench  - run the benchmarks (ratios against limits measured in the same run)"
	@echo "make demo   - load (or refresh) the demo business (DEMO_LANGUAGE=ru|hu|... for one in that language)"
	@echo "make fuzz   - a long schemathesis run over the whole API, conformance and stateful (FUZZ_EXAMPLES per operation)"
	@echo "make serve  - production settings locally: gunicorn on PostgreSQL and Redis (make worker, make beat beside it)"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

var:
	mkdir -p var

migrate: $(VENV)/.installed var
	$(PY) manage.py migrate --noinput

DEMO_LANGUAGE ?=
demo: migrate
	$(PY) manage.py demo_load $(if $(DEMO_LANGUAGE),--language $(DEMO_LANGUAGE))

run: demo
	$(PY) manage.py demo_credentials --url http://$(HOST):$(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

browser:
	@bash scripts/ensure-chromium

test: $(VENV)/.installed-test var browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.installed
	$(PY) manage.py makemessages --all --no-obsolete --add-location=file \
		--ignore=.venv --ignore=var --ignore=bench --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(VENV)/.installed-test var
	$(PY) -m bench $(ARGS)

FUZZ_EXAMPLES ?= 50
fuzz: $(VENV)/.installed-test var
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest tests/test_api_fuzz.py -p no:cacheprovider $(PYTEST_ARGS)

# Production settings on this machine (scripts/serve): gunicorn, a Celery worker, the scheduler.
serve: $(VENV)/.installed var
	bash scripts/serve web

worker: $(VENV)/.installed var
	bash scripts/serve worker

beat: $(VENV)/.installed var
	bash scripts/serve beat
