# `make run` serves the demo; `make test` runs the linters and the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lanekassen_ai
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0

.PHONY: lock run test venv lint typecheck checks services chromium debian-packages smoke messages screenshots bench clean

# Development and tests install requirements-dev.lock (runtime + tools); production installs
# requirements.lock alone (docs/operations.md). Both pin every package with its hashes.
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(STAMP)

venv: $(STAMP)

run: venv debian-packages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py demo_logins
	@echo "Serving on http://127.0.0.1:8000, notices to the SMTP server on 127.0.0.1:8025 (var/mail/) (Ctrl-C stops)"
	$(PY) manage.py local_smtp_server --port 8025 & smtp=$$!; trap 'kill $$smtp' EXIT; \
	  $(PY) manage.py runserver 127.0.0.1:8000

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy lanekassen_ai control chat

checks: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=lanekassen_ai.settings.production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-key-but-long-enough-0123456789 \
	  DJANGO_ALLOWED_HOSTS=example.invalid DATABASE_URL=$(TEST_DATABASE_URL) \
	  CACHE_URL=redis://127.0.0.1:6379/0 CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	  $(PY) manage.py check --deploy --fail-level WARNING

services:
	bin/ensure-services

chromium:
	bin/ensure-chromium

debian-packages:
	bin/ensure-debian-packages

# The production recipe of docs/operations.md, run for real (its own database and Redis db).
smoke: venv services
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} SMOKE_REDIS_DB=$${SMOKE_REDIS_DB:-9} \
	  $(PY) bin/smoke-production

# The project's own tests with every app installed; then each app's tests with the other app
# absent from INSTALLED_APPS, which proves that `control` and `chat` each plug in alone.
TEST_ENV = DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)}

test: venv services chromium debian-packages lint typecheck checks
	$(TEST_ENV) $(PY) -m pytest tests/lanekassen_ai $(PYTEST_ARGS)
	$(TEST_ENV) $(PY) -m pytest tests/control --ds=lanekassen_ai.settings.test_control_only $(PYTEST_ARGS)
	$(TEST_ENV) $(PY) -m pytest tests/chat --ds=lanekassen_ai.settings.test_chat_only $(PYTEST_ARGS)
	$(MAKE) smoke

messages: venv
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

screenshots: venv services chromium
	DOCS_SCREENSHOTS=1 DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	  $(PY) -m pytest tests/control/test_casework_browser.py -q

bench: venv
	@echo "See docs/benchmarks.md for each benchmark's command."

clean:
	rm -rf $(VENV) staticfiles var

# Re-resolve both lock files from pyproject.toml (keeping today's versions where they still
# fit; delete a line from requirements-dev.lock first to upgrade that package).
LOCK_TOOL := $(VENV)-lock
lock:
	test -x $(LOCK_TOOL)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_TOOL) && $(LOCK_TOOL)/bin/pip install --quiet pip-tools==7.6.2)
	cp requirements-dev.lock $(LOCK_TOOL)/constraints.txt
	$(LOCK_TOOL)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --constraint $(LOCK_TOOL)/constraints.txt -o requirements.lock pyproject.toml
	$(LOCK_TOOL)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --extra dev --constraint $(LOCK_TOOL)/constraints.txt -o requirements-dev.lock pyproject.toml
