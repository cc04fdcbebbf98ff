# Two commands on a fresh machine with Python 3.11+ and make:
#   make gallery   set up .venv and render the gallery into gallery/
#   make test      set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt

.PHONY: all gallery test test-fast bench venv clean docs

all: gallery

# The venv, with actviz's bytecode compiled up front: pip compiles what it installs, but this is an
# editable install of the source tree, so the first `actviz --help` would otherwise compile it.
$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test,expr]'
	$(BIN)/python -m compileall -q actviz
	touch $(STAMP)

venv: $(STAMP)

gallery: $(STAMP)
	$(BIN)/actviz render gallery/gallery.toml

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The suite without the slow marks: quicker, and run in another order and grouping than
# `make test`, so that a test leaning on what another one left behind shows up.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# Regenerate the command reference (docs/reference.md) from the Click definitions (a test checks it is current).
docs: $(STAMP)
	$(BIN)/python -m actviz.cli.reference --write docs/reference.md

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
