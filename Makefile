# SafeCampus commands. `make run` and `make test` are the two a newcomer needs (README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Development defaults (SQLite, in-process tasks) unless the environment says otherwise.
DEV_ENV := DEBUG=$${DEBUG:-true}
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev-env setup system-packages venv messages migrate seed test lint format check deploy-check worker beat clean bench

run: setup dev-env migrate seed
	@echo "SafeCampus: http://$(HOST):$(PORT)/  (demo accounts: see README.md)"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

setup: system-packages venv messages
	@mkdir -p staticfiles media

system-packages:
	@bin/install-system-packages $(if $(filter test,$(MAKECMDGOALS)),--test,)

venv: $(VENV)/.installed

# A development checkout gets a .env with DEBUG=true so that a plain `manage.py` command works
# there too (settings refuse to start with DEBUG off and no SECRET_KEY). Only `run` and `test`
# write it: production never runs them, and variables set in the environment win over .env.
dev-env:
	@test -f .env || printf '# Written by make run/test for development; never in production.\nDEBUG=true\n' > .env

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

messages: venv
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=$(VENV) -v0

migrate: venv
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input -v1

seed: venv
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

test: setup dev-env
	$(DEV_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: venv
	$(DEV_ENV) $(BIN)/python manage.py check
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# The production settings of README.md must pass Django's deployment checklist.
deploy-check: venv
	DEBUG=false SECRET_KEY=deploy-check-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n') \
	ALLOWED_HOSTS=safe.example.gov.cn \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# City-scale benchmark (docs/performance.md): generates cities into the local PostgreSQL
# (databases safecampus_bench*), starts gunicorn and locust on 127.0.0.1. Slow; not in CI.
bench: venv
	$(BIN)/python -m bench.run $(BENCH_ARGS)

worker: venv
	$(BIN)/celery -A config worker --loglevel=INFO

beat: venv
	$(BIN)/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
