# Two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# One pytest worker more than there are cores: a good part of the suite waits (the kill loops'
# sleeps, tmux, Pilot pauses), and the extra worker fills that idle core time.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install leaves our sources uncompiled, and where PYTHONDONTWRITEBYTECODE is set
# every start would compile them again: compile them once, as a wheel install does.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q annotations tui >/dev/null
	touch $(STAMP)

# pytest rewrites each test module's asserts on import (about 10 s of CPU for this suite) and
# keeps the result beside it, unless PYTHONDONTWRITEBYTECODE is set: then every worker of every
# run rewrites them all again. The test runs keep it (PYTEST_ENV), and the install rewrites them
# once, before the workers start.
PYTEST_ENV := PYTHONDONTWRITEBYTECODE=
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q annotations tui >/dev/null
	$(PYTEST_ENV) $(BIN)/python -m pytest -q --collect-only tests >/dev/null
	touch $(STAMP) $(TEST_STAMP)

run: $(STAMP)
	@$(BIN)/python -m compileall -q annotations tui >/dev/null
	$(BIN)/saywho

test: $(TEST_STAMP)
	@command -v tmux >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq tmux) || echo "tmux unavailable: the e2e test will be skipped"
	$(BIN)/ruff check annotations tui tests bench
	$(PYTEST_ENV) $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal tests

bench: $(STAMP)
	$(BIN)/python bench/store.py
	$(BIN)/python bench/detect.py
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/stance.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/tui.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check annotations tui tests bench

clean:
	rm -rf $(VENV) build *.egg-info
