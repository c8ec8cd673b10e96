# eCAF: set up and run on a machine with Python 3.11, Node.js/npm and make.
# `make run` serves the app through gunicorn on http://127.0.0.1:5000 with SQLite in instance/
# (gunicorn.conf.py: CAF_BIND, CAF_WORKERS, CAF_THREADS change it);
# `make test` runs the whole test suite (on SQLite, and on PostgreSQL when it is reachable).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: setup run test test-sqlite test-postgres lint seed migrate clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

migrate: setup
	$(FLASK) caf db upgrade

seed: migrate
	$(FLASK) caf seed-demo

run: seed
	$(BIN)/gunicorn --config gunicorn.conf.py

# The two databases' runs are independent: they go side by side, one a core, each printing
# its output when it ends.
test: setup
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest -q

# In CI PostgreSQL must be there; elsewhere it is optional.
test-postgres:
	@$(BIN)/python tests/postgres_available.py "$(PG_TEST_URL)" \
	  && CAF_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q -m "not browser and not office" \
	  || { status=$$?; if [ $$status -eq 77 ]; then echo "PostgreSQL not reachable: skipped"; \
	       if [ "$$CI" = "true" ]; then exit 1; fi; else exit $$status; fi; }

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules
