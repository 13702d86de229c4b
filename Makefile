# eventhub: `make run` serves the demo on SQLite, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast install install-test check-python clean messages bench

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "eventhub needs Python 3.11 or newer")'

$(BIN)/python: | check-python
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python venv module missing; installing python3-venv"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -m pip install -q --upgrade pip setuptools  # the venv's bundled setuptools is old (known vulnerabilities)

# What the service needs; the test tools (pytest, playwright, linters) only for `make test`.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $(STAMP)

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
	@touch $(TEST_STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

# HOST and PORT are also the address in links, feeds and e-mails, unless EVENTHUB_BASE_URL is set
# (`eventhub serve` does the same).
run: install
	$(BIN)/eventhub demo
	$(BIN)/eventhub serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m tools.install_test_deps
	$(BIN)/python -m pytest

test-fast: install-test
	$(BIN)/python -m pytest -m "not browser"

clean:
	rm -rf $(VENV) data .pytest_cache

# Interface catalogues: extract the Russian source strings, add them to every catalogue
# (ru, en, ky; a new language is initialised), fill ru, list what translators still owe.
# No compile step: eventhub/i18n.py compiles the .po files in memory at start-up.
TRANSLATIONS := eventhub/translations
LANGS        := ru en ky
messages: install
	@mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ --sort-output --no-location --no-wrap --project=eventhub -o $(TRANSLATIONS)/messages.pot .
	@for lang in $(LANGS); do \
	  [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ] || \
	    $(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang --no-wrap; \
	done
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -N --no-wrap
	$(BIN)/python -m tools.messages || true

# The benchmark report (bench/report.py): one table, SQLite and PostgreSQL (where 127.0.0.1:5432
# answers, database test_bench), 1 and 2 workers, 1k and 100k events; wrk on loopback, < 10 min.
bench: install-test
	$(BIN)/python -m bench
