# Wij-Werken workbook. `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
export WW_HOME ?= $(CURDIR)/var
OUT ?= out

.PHONY: install demo test lab dashboard chromium lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	$(BIN)/python -c "import deduce; deduce.Deduce()"  # builds deduce's lookup cache once (about a minute)
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests (Playwright drives it; no browser is downloaded) and
# Debian's nginx, which tests/test_proxy.py runs in front of a server as docs/nginx.conf says;
# Debian's LibreOffice without a desktop, which writes the report as .odt and PDF/A-2b.
chromium:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -x /usr/bin/soffice ] || missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing > /dev/null; \
	  else echo "the tests need Debian's$$missing: sudo apt-get install$$missing" >&2; exit 1; fi; \
	fi

demo: install
	$(BIN)/ww batch data/*/ --out $(OUT) --jobs 2

# Two workers for everything but the crowded live sessions (several browsers and kernels at once),
# which then run alone: on two cores beside other browser tests they measure the machine.
# Whole files go to the workers in the order tests/conftest.py gives them: the longest first.
# The crowd tests are all in the file named (tests/conftest.py refuses one elsewhere).
test: install chromium
	WW_HOME=$$(mktemp -d) $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --nbval-lax -m "not crowd" tests notebooks
	WW_HOME=$$(mktemp -d) $(BIN)/python -m pytest -m crowd tests/test_live_session.py

lint: install
	$(BIN)/ruff check wwlib tests benchmarks
	$(BIN)/ruff format --check wwlib tests benchmarks

bench: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_transcripts.py
	$(BIN)/python benchmarks/bench_qdpx.py
	$(BIN)/python benchmarks/national.py
	$(BIN)/python benchmarks/bench_national_parquet.py
	$(BIN)/python benchmarks/bench_sync.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_suggest.py
	$(BIN)/python benchmarks/bench_hostile.py
	$(BIN)/python benchmarks/bench_privacy.py
	$(BIN)/python benchmarks/live_session.py
	$(BIN)/python benchmarks/accessibility.py

lab: install
	$(BIN)/jupyter lab notebooks

dashboard: install
	$(BIN)/ww dashboard

clean:
	rm -rf $(OUT) var .pytest_cache
