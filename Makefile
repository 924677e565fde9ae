# Every target builds or refreshes .venv from nothing but python3 (3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
FUZZ_SECONDS ?= 60

.PHONY: run test e2e lint typecheck bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per extra: reinstall only when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$*]"
	touch $@

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

run: $(VENV)/.installed-base
	$(BIN)/python -m asyncio_adapter examples.seed_app:app --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

# A real nginx (Debian's package, installed when missing) in front of the
# server, and wrk for the load burst: tests/e2e_nginx/.
e2e: $(VENV)/.installed-test
	@(command -v nginx || test -x /usr/sbin/nginx) >/dev/null \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx) \
		|| echo "nginx is missing and could not be installed: apt-get install nginx"
	@command -v wrk >/dev/null \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) \
		|| echo "wrk is missing and could not be installed: apt-get install wrk"
	E2E_NGINX=1 $(BIN)/pytest --no-cov tests/e2e_nginx

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/parser.py
	$(BIN)/python bench/router.py
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) \
		|| echo "wrk is missing and could not be installed: apt-get install wrk"
	$(BIN)/python bench/server.py

fuzz: $(VENV)/.installed-fuzz $(VENV)/.installed-test
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
