# Every target creates .venv if missing and installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint check-example clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m compileall -q engine api > /dev/null
	touch $(STAMP)

# The HTTP service on the embedded SQLite store with demo clients and a token per role
# (http://127.0.0.1:8000/docs); the CLI's job on the example household stays `make check-example`.
run: $(STAMP)
	$(BIN)/lifeevents rules validate
	$(BIN)/lifeevents serve --demo

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/lifeevents rules validate
	$(BIN)/lifeevents rules test
	$(BIN)/lifeevents events test

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_speed.py
	$(BIN)/python benchmarks/bench_eligibility.py
	$(BIN)/python benchmarks/bench_events.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_api.py
	$(BIN)/python benchmarks/bench_scenarios.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_equity.py
	$(BIN)/python benchmarks/bench_instructions.py

lint: $(STAMP)
	$(BIN)/ruff check engine api tests benchmarks
	$(BIN)/ruff format --check engine api tests benchmarks
	$(BIN)/mypy
	$(BIN)/mypy benchmarks/*.py

check-example: $(STAMP)
	$(BIN)/lifeevents check examples/household.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
