# Runner's knee evidence knowledge base. `make serve` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := evidence.db
HOST := 127.0.0.1
PORT := 8001
INPUTS := references.bib $(wildcard data/*.yml) $(wildcard data/claims data/claims/*.yml) $(wildcard data/sources/*.txt) \
	$(wildcard data/enrichment/*/*/*.json)
CODE := $(shell find ingest -type f -not -path "*/__pycache__/*")

.PHONY: serve test test-corpus lint ingest check report enrich chromium screenshots bench bench-attack clean

# The virtualenv, with exactly the pinned dependencies (requirements.txt is compiled from
# pyproject.toml by pip-compile). The stamp file makes it rebuild when the pins change.
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

$(DB): $(VENV)/.installed $(INPUTS) $(CODE)
	@$(BIN)/python -m ingest build --bib references.bib --data data --db $(DB)

## ingest: build evidence.db from references.bib and data/ (only when they changed)
ingest: $(DB)

## check: validate references.bib and data/ without writing anything
check: $(VENV)/.installed
	@$(BIN)/python -m ingest check --bib references.bib --data data

## enrich: ask Crossref and PubMed about every reference; answers are cached in data/enrichment/
##         (needs EVIDENCE_CONTACT_EMAIL; optional NCBI_API_KEY; commit the cache afterwards)
enrich: $(VENV)/.installed
	$(BIN)/python -m ingest enrich --bib references.bib --data data

## report: print evidence per treatment and the claims that have no study
report: $(DB)
	$(BIN)/python -m ingest report --db $(DB)

## serve: build, then serve the database read-only on http://127.0.0.1:8001/
serve: $(DB)
	$(BIN)/datasette serve --immutable $(DB) --metadata metadata.yml \
		--host $(HOST) --port $(PORT) \
		--setting sql_time_limit_ms 2000 --setting max_returned_rows 1000 --setting num_sql_threads 10 \
		--setting suggest_facets off

## test: lint, then run the test suite on every core (the browser tests need Chromium: installed
##       here when missing); the comparisons on every field of the real exports are left to test-corpus
test: $(VENV)/.installed chromium lint
	$(BIN)/python -m pytest -n auto

## test-corpus: the fast paths compared with the libraries on every field of the real exports (CI runs it)
test-corpus: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto -m corpus

## lint: ruff, with the settings in pyproject.toml
lint: $(VENV)/.installed
	$(BIN)/ruff check .

## chromium: install Debian's Chromium for the browser tests, if missing (needs root or sudo)
chromium:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Chromium is missing and cannot be installed without root: the browser tests will be skipped."; fi

## screenshots: regenerate the README's screenshots with the browser tests
screenshots: $(VENV)/.installed chromium
	$(BIN)/python -m pytest tests/test_browser.py
	mkdir -p docs/screenshots
	cp tests/screenshots/treatment-prp.png tests/screenshots/treatment-exercise-therapy.png \
		tests/screenshots/evidence-map.png tests/screenshots/study.png tests/screenshots/search.png \
		tests/screenshots/treatment-prp-phone.png tests/screenshots/evidence-map-phone.png docs/screenshots/

## bench: time and measure ingest and serving at 1k, 10k and 100k studies and on large real
##        exports; prints a table, writes bench/results.json and bench/README.md (takes a while at 100k)
bench: $(VENV)/.installed
	$(BIN)/python bench/bench.py $(SIZES)

## bench-attack: response times of the pages for 20 readers, alone and with 3 attackers running
##               the worst SQL known, served as make serve serves (about a minute)
bench-attack: $(VENV)/.installed
	$(BIN)/python bench/attack.py

## clean: remove the database, the virtualenv and caches
clean:
	rm -rf $(DB) $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
