# Two commands for a fresh machine with Python 3.11+:  make demo   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,browser]'
	touch $(STAMP)

## Serve the built-in demo sites on loopback and crawl them into ./archive.sqlite
demo: $(STAMP)
	$(BIN)/edunews demo

## Lint and run the whole test suite (real crawls over loopback included)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

## Benchmarks (run by hand; they print their figures)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.quality

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
