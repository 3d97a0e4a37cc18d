# heritage: `make run` serves the demo on http://127.0.0.1:8000/, `make test` runs every test.
# Both create the virtualenv and install the pinned requirements the first time (and when they change).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

# Test-only tools from the npm registry (axe-core, the Nu Html Checker), pinned in tests/gates/browser/package-lock.json.
BROWSER_TOOLS := tests/gates/browser/node_modules/.installed

.PHONY: run test lint format migrations-check layering venv browser-tools clean serve mutation messages

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(BROWSER_TOOLS): tests/gates/browser/package.json tests/gates/browser/package-lock.json
	npm ci --prefix tests/gates/browser --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Without npm the tests that need these tools are skipped, and pytest says so.
browser-tools:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(BROWSER_TOOLS); \
	else echo "npm not found: tests needing axe-core or vnu.jar will be skipped"; fi

run: export DEBUG ?= 1
run: venv
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_users
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: settings from the environment (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ...; docs/operators/deployment.md).
serve: venv
	$(BIN)/python manage.py check --deploy
	$(BIN)/python manage.py collectstatic --no-input
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/gunicorn --config gunicorn.conf.py

test: venv browser-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: venv
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The translation catalogs in locale/ (az, ru, es): gather every marked string of ours into the .po files, then compile
# them. The compiled .mo files are committed, so that `make run` needs no gettext; this target needs it (Debian's
# gettext). tests/config/test_translations.py fails when a message lacks a translation or the .mo is stale.
MESSAGE_IGNORES := --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'node_modules/*' \
	--ignore 'staticfiles/*' --ignore 'static/vendor/*' --ignore 'mutants/*'
messages: venv
	DEBUG=1 $(BIN)/python manage.py makemessages --no-obsolete --add-location=file -l az -l ru -l es $(MESSAGE_IGNORES)
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

# The one-way layering, config → sitewide → meetings → monuments → heritage: import-linter's contracts in
# pyproject.toml [tool.importlinter].
layering: venv
	$(BIN)/lint-imports

# Mutation testing of the guards (not part of CI; minutes, not hours): mutmut over the files listed in pyproject.toml
# [tool.mutmut], each mutant against the selected tests that call the mutated function, then the hand-made mutants
# mutmut cannot make (bench/hand_mutants.py). At low priority: the machine is shared. Results: bench/MUTATION.md.
# PostgreSQL is needed to kill the search mutants: DATABASE_URL=postgres://postgres@127.0.0.1:5432/heritage_mutation
# The functions of those files that make up the guards (mutmut's mutant names; * matches any mutant of one).
MUTATION_SCOPE := 'heritage.admin_mixins.xǁPublishGuardFormǁ*' 'heritage.admin_mixins.xǁPublishableAdminǁ*' \
	'heritage.admin_mixins.xǁTrackedAdminǁsave_model*' \
	'heritage.transfer.files.x_csv_safe*' 'heritage.transfer.files.x_neutralise_text*' \
	'heritage.transfer.files.x_restore_text*' 'heritage.transfer.files.x_csv_cells*' \
	'heritage.transfer.files.x_staff_cells*' 'heritage.transfer.files.x_csv_lines*' \
	'heritage.transfer.exports.x_stream_csv*' 'heritage.transfer.exports.x__attachment*' \
	'monuments.geo.*' \
	'heritage.search.x_words*' 'heritage.search.x_tsquery*' 'heritage.search.x_headline_query*' \
	'heritage.search.x_search_columns*' 'heritage.transliteration.*'
mutation: venv
	nice -n 19 $(BIN)/mutmut run --max-children 1 $(MUTATION_SCOPE) || true
	$(BIN)/mutmut results
	nice -n 19 $(BIN)/python bench/hand_mutants.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache tests/gates/browser/node_modules mutants
