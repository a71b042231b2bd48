# nettrace — every entry point a person or CI uses. `make demo` and `make test` work on a fresh
# machine with Python 3.11+ and make: the virtualenv and everything in it are created here.
SHELL := /bin/sh
PY ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SAMPLE ?= data/samples/000-zerotier-loopback-default.tar.gz

.PHONY: help install test demo samples bench fuzz lab catalog docs clean

help:
	@echo "make demo     render the postmortem of the bundled seed-000 sample and print its path"
	@echo "make test     run the test suite (creates .venv on first use)"
	@echo "make samples  rebuild data/samples/ by running the capture script on the fake Mac (CASES='healthy-*': only those)"
	@echo "make bench    speed and memory benchmarks (ratios), writes build/bench.json"
	@echo "make fuzz     a long property-based fuzz run of every parser and the loader"
	@echo "make lab      open JupyterLab on notebooks/"
	@echo "make catalog  re-embed nettrace/data/catalog.tsv into the capture script"
	@echo "make docs     regenerate docs/parsers.md from the parser schemas"

$(STAMP): pyproject.toml
	@test -n "$(PY)" || { echo "error: Python 3.11+ not found; install it and run make again" >&2; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,fleet]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/nettrace report $(SAMPLE) -o build/demo --force

samples: $(STAMP)
	$(BIN)/python -m tests.fakemac.make_samples $(CASES)

bench: $(STAMP)
	$(BIN)/python -m tests.bench

fuzz: $(STAMP)
	NETTRACE_FUZZ_EXAMPLES=200000 $(BIN)/python -m pytest tests/test_fuzz.py -q

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

catalog: $(STAMP)
	$(BIN)/python -m nettrace.capture --sync

docs: $(STAMP)
	$(BIN)/python -m nettrace.parsers.docs > docs/parsers.md

clean:
	rm -rf build .pytest_cache .hypothesis
