# Latitude. `make run` serves the demo; `make test` runs every test. Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test install lint bench messages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

messages: install
	@if [ -z "$$(find . -name '*.po' -not -path './.venv/*' -not -path './node_modules/*' | head -n1)" ]; then true; \
	elif command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules; \
	else echo "gettext (msgfmt) not installed: pages will be in English. apt-get install gettext"; fi

# The demo's key (the settings refuse to start without SECRET_KEY unless DEBUG=1).
run: export SECRET_KEY ?= django-insecure-latitude-make-run-demo-key
run: install messages
	./bin/release
	$(PY) manage.py seed_demo
	PORT=$(PORT) ./bin/serve

test: export SECRET_KEY ?= latitude-test-suite-key-not-secret
test: install messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf var
