# Two commands on a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install -q --disable-pip-version-check

.PHONY: install install-test install-bench run test check docs lint bench bench-quality bench-scale bench-load bench-editorial clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip setuptools wheel

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PIP) -e '.[bench,postgres]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-bench: $(VENV)/.installed-bench

run: install
	$(VENV)/bin/kurzum serve --demo

test: install-test
	@# Browser tests need Debian's Chromium (Playwright's download does not work offline); skip otherwise.
	@[ -x /usr/bin/chromium ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }; }; } || \
	  echo "Chromium missing: browser tests will be skipped"
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# The README's settings table and CLI reference, generated from Settings and the CLI.
docs: install
	$(PY) -m kurzum.cli.docs

check: install-test
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# Each part also runs alone: quality/speed takes minutes, scale and load much longer.
bench: bench-quality bench-editorial bench-scale bench-load

bench-quality: install-bench
	$(PY) benchmarks/bench_quality_speed.py

bench-scale: install-bench
	$(PY) benchmarks/bench_scale.py

bench-load: install-bench
	$(PY) benchmarks/bench_load.py

# Editorial acceptance (issue 11): the bullet dump holds dev text, so it goes next to ../shared, not
# into the repository; labels live in benchmarks/editorial/labels.jsonl (see GUIDELINES.md there).
EDITORIAL_DUMPS ?= ../labels
bench-editorial: install
	$(PY) benchmarks/editorial/make_lead3.py --out $(EDITORIAL_DUMPS)/lead3_bullets.jsonl
	$(PY) benchmarks/editorial/acceptance.py $(EDITORIAL_DUMPS)/lead3_bullets.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
