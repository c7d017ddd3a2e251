# One command each: `make demo` runs medinfra on its embedded default, `make test` runs every check.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo serve setup setup-dev system test check format lint types arch migrations \
        messages security pytest pytest-sqlite pytest-postgres clean

$(BIN)/medinfra: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(BIN)/medinfra
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

setup: $(BIN)/medinfra
setup-dev: $(VENV)/.dev

## The demo: SQLite under ./var, synthetic data, gunicorn on http://127.0.0.1:8000
demo: setup
	$(BIN)/medinfra demo

serve: setup
	$(BIN)/medinfra serve

system:
	scripts/install-system-packages

## Everything CI runs: system packages, checks, the suite on SQLite, then on PostgreSQL.
test: system setup-dev check pytest-postgres

check: lint types arch migrations messages security pytest-sqlite

format: setup-dev
	$(BIN)/ruff format medinfra tests $(wildcard benchmarks scripts/*.py) conftest.py
	$(BIN)/ruff check --fix medinfra tests $(wildcard benchmarks scripts/*.py) conftest.py

lint: setup-dev
	$(BIN)/ruff format --check medinfra tests $(wildcard benchmarks scripts/*.py) conftest.py
	$(BIN)/ruff check medinfra tests $(wildcard benchmarks scripts/*.py) conftest.py

types: setup-dev
	$(BIN)/mypy medinfra

arch: setup-dev
	$(BIN)/lint-imports

migrations: setup-dev
	MEDINFRA_VAR_DIR=$$(mktemp -d) $(BIN)/medinfra makemigrations --check --dry-run

# Static security analysis: any high-severity finding fails the check. Then the installed
# packages against the public advisories: a known vulnerability fails the check; advisory
# services that cannot be reached are reported as "NOT AUDITED" (fatal with MEDINFRA_AUDIT_STRICT=1).
security: setup-dev
	$(BIN)/bandit -q -r medinfra -x "*/tests/*,*/migrations/*" --severity-level high
	$(BIN)/python scripts/audit-dependencies

# The compiled catalogs are committed (the demo needs no gettext); they must match the sources.
messages: setup-dev
	$(BIN)/python scripts/check-messages

# The suite runs on every core (pytest-xdist, a test file per worker at a time).
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

pytest-sqlite: setup-dev
	$(PYTEST)

# The browser tests check pages in Chromium, not the database: they run once, in the SQLite pass.
pytest-postgres: setup-dev
	scripts/with-postgres $(PYTEST) -m "not browser"

clean:
	rm -rf $(VENV) var
