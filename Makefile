# ICWG Portal — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.lock
	@rm -f $(VENV)/.installed-dev
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.lock
	@touch $(VENV)/.installed-run $@

.PHONY: install
install: $(VENV)/.installed-run ## Create the virtual environment and install the portal

# Local settings for trying and developing the portal (git-ignored; production sets real environment variables).
.env:
	@printf '# Written by make for local use: never deploy with it.\nDEBUG=true\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env (DEBUG on, a generated SECRET_KEY) for local use."

.PHONY: setup
setup: install .env ## Migrate the embedded database, load the Peru content and its first versions, make sure the admin account exists
	@mkdir -p var/static var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_peru_content
	$(PY) manage.py createinitialrevisions --verbosity 0
	$(PY) manage.py ensure_admin

.PHONY: run
run: setup ## Set up and serve the portal at http://127.0.0.1:$(PORT) (embedded SQLite, sample content)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# `make demo`: its own embedded database and uploads folder, so that `make run`'s are never touched.
DEMO_DATABASE := var/demo.sqlite3
DEMO_ENV = DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DATABASE) MEDIA_ROOT=$(CURDIR)/var/demo-media
DEMO_SIZE ?= --countries 15 --groups 150 --documents 10000

# Made once: the Peru content and its first versions. The generated records get none (recording thousands of
# first versions takes minutes); edits in the admin record versions as usual.
$(DEMO_DATABASE): | $(VENV)/.installed-run .env
	@mkdir -p var/static var/demo-media
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_peru_content
	$(DEMO_ENV) $(PY) manage.py createinitialrevisions --verbosity 0

.PHONY: demo
demo: install .env $(DEMO_DATABASE) ## Serve the Peru content and a generated, fictitious library at http://127.0.0.1:$(PORT), on a database of its own
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py generate_sample_data --if-missing $(DEMO_SIZE)
	$(DEMO_ENV) $(PY) manage.py ensure_admin
	@echo "Demo: the Peru content and generated, fictitious countries, groups and documents at http://127.0.0.1:$(PORT)/"
	@echo "  Admin: http://127.0.0.1:$(PORT)/admin/, user 'admin' (ADMIN_PASSWORD, or the password printed when it was made)."
	@echo "  Database $(DEMO_DATABASE), uploads var/demo-media/ (make run's are untouched); delete both to start afresh."
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

.PHONY: serve
serve: install ## Serve the production setup with gunicorn (set SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL… first)
	PY=$(PY) scripts/prepare-release
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

.PHONY: stack
stack: $(VENV)/.installed-run ## Run the production topology at https://127.0.0.1:8443 (nginx, TLS, gunicorn, PostgreSQL, Redis) until Ctrl-C
	scripts/stack

.PHONY: test
test: $(VENV)/.installed-dev ## Run the whole test suite against a throwaway PostgreSQL, Chromium, and the stack (nginx, Redis)
	scripts/ensure-chromium
	scripts/ensure-stack-packages
	scripts/with-postgres $(PY) -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: $(VENV)/.installed-dev ## Check style and formatting (ruff)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: fmt
fmt: $(VENV)/.installed-dev ## Fix style and formatting (ruff)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: messages
messages: $(VENV)/.installed-dev .env ## Update locale/es/…/django.po from the code (needs GNU gettext), then compile it
	$(PY) manage.py makemessages --locale es --no-location --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*'
	$(PY) scripts/compile-messages

.PHONY: compile-messages
compile-messages: $(VENV)/.installed-dev ## Compile the translations after editing django.po (no GNU gettext needed)
	$(PY) scripts/compile-messages

.PHONY: lock
lock: $(VENV)/.installed-dev ## Re-lock the dependencies declared in pyproject.toml
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras --extra dev -o requirements-dev.lock pyproject.toml

.PHONY: clean
clean: ## Delete the virtual environment (keeps the database and uploads in var/)
	rm -rf $(VENV)

.PHONY: bench-pages
bench-pages: $(VENV)/.installed-dev ## Measure the public pages at 20,000 documents, through the stack and in-process, against a bare Django view
	scripts/with-postgres $(PY) scripts/bench-pages

.PHONY: bench
bench: $(VENV)/.installed-dev ## Measure a gunicorn worker's memory while it serves a 200 MB download
	scripts/with-postgres $(PY) scripts/bench-download

.PHONY: bench-search
bench-search: $(VENV)/.installed-dev ## Measure the search page at 20,000 generated documents (p50/p95 over twenty queries)
	scripts/with-postgres $(PY) scripts/bench-search

.PHONY: bench-uploads
bench-uploads: $(VENV)/.installed-dev ## Measure a gunicorn worker's memory while staff upload hostile and large files
	scripts/with-postgres $(PY) scripts/bench-uploads

.PHONY: soak
soak: $(VENV)/.installed-dev ## Five minutes of load on the production stack while staff edit; every edit must be kept
	scripts/ensure-stack-packages
	scripts/with-postgres $(PY) scripts/soak

