# Lustro: `make demo` sets everything up and runs the demo; `make test` runs all tests.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PO := $(wildcard survey/translations/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000
AXE := .cache/axe-core/package/axe.min.js

.PHONY: demo test setup test-setup system-deps translations lint format serve clean

demo: setup
	$(BIN)/survey init
	$(BIN)/survey demo --host $(HOST) --port $(PORT)

test: test-setup
	$(BIN)/pytest -q

setup: system-deps $(STAMP) translations

# Production serving: gunicorn on 127.0.0.1 (put a TLS proxy in front; see README).
serve: setup
	$(BIN)/survey init
	$(BIN)/survey serve --prod --host $(HOST) --port $(PORT)

test-setup: setup $(AXE)
	@.ci/system-deps.sh --test

# axe-core (accessibility rules) for the browser tests, from the npm registry.
$(AXE):
	mkdir -p $(dir $(AXE))..
	cd $(dir $(AXE)).. && npm pack --silent axe-core@4 >/dev/null && tar xzf axe-core-*.tgz && rm axe-core-*.tgz

system-deps:
	@.ci/system-deps.sh

$(BIN)/python:
	python3 -m venv $(VENV)

# constraints.txt: the exact versions tested, inside pyproject's ranges.
$(STAMP): pyproject.toml setup.py constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $@

translations: $(MO)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(MO) .cache
