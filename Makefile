# Two entry points, both idempotent: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint browser schema serve db release clean replica-demo load-faults bench \
	fuzz consumer

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list or the lock changes.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The data is the committed seed release (fixtures/release, published from fixtures/seed.json):
# loaded after its checksums are verified, and offered for download at /api/v1/releases/.
db: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_dataset fixtures/release
	$(BIN)/python manage.py register_release fixtures/release
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0

# Set up everything, load the seed dataset and serve on 127.0.0.1:8000.
run: db
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production-like, locally: Granian with config/granian.py and config.settings.production over
# plain HTTP on 127.0.0.1:8000 (no HTTPS redirect, no HSTS, a throwaway SECRET_KEY unless one
# is set). Use it to try exports, throttling and gzip as deployed; `make run` is for developing.
serve: db
	DJANGO_SETTINGS_MODULE=config.settings.production SECURE_SSL_REDIRECT=false \
	SECURE_HSTS_SECONDS=0 \
	SECRET_KEY="$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	$(BIN)/python -m config.granian

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --no-input
	$(BIN)/lint-imports

# Debian's Chromium, which the browser test (tests/browser) drives with Playwright: Playwright
# never downloads a browser here. Installed once, as root with apt (as in CI); anywhere else
# this fails and says why, rather than skip the test.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "make browser: $(CHROMIUM) is missing; install Debian's chromium (apt-get install chromium) as root" >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian's chromium (once)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	}

# Set up everything and run the whole suite: lint, migrations check, schema check, tests.
test: lint browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Regenerate the committed OpenAPI schema after an API change.
schema: install
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file openapi.yaml

# Deployment proofs, as root with PostgreSQL 15 on 5432 and Redis on 6379 (README, "Running in
# production"): a real hot standby read by the app, and a load test with PostgreSQL stopped.
replica-demo: install
	deploy/replica-demo.sh

load-faults: install
	$(BIN)/python bench/load_faults.py

# Publish the public data as an open-data release: make release VERSION=2026.12.0
release: install
	@test -n "$(VERSION)" || { echo "make release VERSION=<new version>" >&2; exit 1; }
	$(BIN)/python manage.py publish_release $(VERSION)

# The read API's benchmark beside Datasette (bench/README.md): builds the synthetic data of
# each database in BENCH_DBS if it is missing (bench databases only), then writes
# bench/RESULTS.md. Needs Debian's wrk. PostgreSQL (tradediplomacy_bench on 127.0.0.1):
# make bench BENCH_DBS="sqlite postgresql". Options of the run: BENCH_ARGS="--seconds 4".
BENCH_DBS ?= sqlite
BENCH_ROWS ?= 1000000
bench: install
	@command -v wrk >/dev/null || { echo "make bench: wrk is missing; install it: apt-get install wrk" >&2; exit 1; }
	for db in $(BENCH_DBS); do $(BIN)/python -m bench data --db $$db --rows $(BENCH_ROWS) || exit 1; done
	$(BIN)/python -m bench run $(if $(word 2,$(BENCH_DBS)),,--only $(BENCH_DBS)) $(BENCH_ARGS)

# The long Schemathesis run (tools/fuzz.py; README, "Fuzzing and a consumer's script"): its
# CLI, every check and phase, anonymously and as a curator, against gunicorn over the seed
# release; non-zero on any failure. Not in `make test` (tests/api/test_schemathesis.py is the
# CI gate). FUZZ_DATABASE_URL is RESET (dropped and created again): a throwaway database.
# make fuzz FUZZ_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fuzz FUZZ_ARGS="--max-examples 25"
FUZZ_DATABASE_URL ?= sqlite:////tmp/tradediplomacy-fuzz.sqlite3
fuzz: install
	DATABASE_URL=$(FUZZ_DATABASE_URL) $(BIN)/python -m tools.fuzz $(FUZZ_ARGS)

# A consumer's script (docs/examples/consumer.py) with the client generated from openapi.yaml,
# run against the seed release on both databases (both RESET): their outputs must be equal.
CONSUMER_DATABASES ?= sqlite:////tmp/tradediplomacy-consumer.sqlite3 \
	postgres://postgres@127.0.0.1:5432/tradediplomacy_consumer
consumer: install
	$(BIN)/python -m tools.consumer_check $(CONSUMER_DATABASES)

clean:
	rm -rf $(VENV) staticfiles media db.sqlite3 db.sqlite3-wal db.sqlite3-shm
