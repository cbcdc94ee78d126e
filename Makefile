# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# Data to Insight's CIN census validator (the DfE's rules as local authorities keep them;
# MIT) in a venv of its own: it pins its own pandas and rich. The conformance test runs it.
CINV      := .venv-cinvalidator
CINV_REQ  := tests/conformance/validator-requirements.txt
CINV_STAMP = $(CINV)/.installed-$(shell cat $(CINV_REQ) | cksum | cut -d' ' -f1)

.PHONY: run test lint bench demo clean cinvalidator

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

$(CINV_STAMP): $(CINV_REQ)
	test -x $(CINV)/bin/python || $(PYTHON) -m venv $(CINV)
	$(CINV)/bin/python -m pip install --quiet --upgrade pip
	$(CINV)/bin/python -m pip install --quiet -r $(CINV_REQ)
	rm -f $(CINV)/.installed-*
	touch $@

cinvalidator: $(CINV_STAMP)

run: $(STAMP)
	$(BIN)/cintui

# Two test workers a core (4 on CI's 2 cores): a pilot test spends ~40% of its time asleep
# in Textual's idle waits (20 ms at a time), which the worker beside it fills. Measured on
# 2 cores: the whole suite 653 s on two workers, 517 s on four; the screen tests alone
# 151 s on two, 114 s on three, 96 s on four, 92 s on six.
TEST_WORKERS ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) * 2 )))

# Bytecode is written for the run even where the environment says not to
# (PYTHONDONTWRITEBYTECODE, set on some machines): the suite starts hundreds of Python
# processes (the CLI as a user runs it, killed writers, laptops syncing), and without the
# .pyc files each compiles cintui's ~200 modules again, and each test worker rewrites every
# test module's asserts again. Measured on 2 cores, the command-line and store tests from a
# clean checkout: 137 s without, 112 s with (-18%; 230 → 196 CPU-seconds). The files go in
# the checkout's __pycache__ folders, which git ignores.
test: $(STAMP) $(CINV_STAMP)
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

demo: $(STAMP)
	$(BIN)/cintui demo

clean:
	rm -rf $(VENV) $(CINV) build dist *.egg-info .pytest_cache
