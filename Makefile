# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
GATEWAY := tests/gateway

.PHONY: run test bench check-config clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/python bot.py run

# The end-to-end tests run a real puppet-service gateway (node) on 127.0.0.1; its packages are pinned in the lock
# file. Install scripts are not needed (and would reach beyond the registry), so they are skipped.
$(GATEWAY)/node_modules/.installed: $(GATEWAY)/package.json $(GATEWAY)/package-lock.json
	npm ci --prefix $(GATEWAY) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# In four workers on the two cores (pytest-xdist; worksteal: a worker left idle takes tests from another): the
# end-to-end tests spend most of their time waiting on a gateway, so four workers keep both cores busy (729 tests: 3 min 32 s
# against 4 min 23 s with two). Every test keeps to its own temporary folder, and the end-to-end gateways to ports
# of their worker's own (tests/test_wechaty_e2e.py); the slow tests are dealt out first (tests/conftest.py).
# `.venv/bin/python -m pytest tests/test_x.py` runs one file.
test: $(VENV)/.installed $(GATEWAY)/node_modules/.installed
	$(BIN)/python -m pytest -n 4 --dist worksteal

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

check-config: $(VENV)/.installed
	$(BIN)/python bot.py check-config

clean:
	rm -rf $(VENV)
