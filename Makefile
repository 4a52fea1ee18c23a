# Chamber: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
ONLY   ?=
ROWS   ?=

.PHONY: install run test test-fast lint format bench messages clean

install: $(VENV)/.installed node_modules/.installed messages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed
	$(BIN)/chamber compilemo

# Served the way production is: debug off (Chinese error pages, never a debug page),
# a secret key generated once into var/, static files collected and served by
# whitenoise. The key file also keeps the demo's encrypted fields readable.
run: export CHAMBER_SECRET_KEY_FILE = $(CURDIR)/var/secret_key
run: install
	@mkdir -p var
	$(BIN)/chamber rekey --init
	$(BIN)/chamber migrate --noinput -v0
	$(BIN)/chamber collectstatic --noinput -v0
	$(BIN)/chamber demo --if-empty
	@echo ""
	@echo "  Chamber is at http://127.0.0.1:$(PORT)/"
	@echo "  Demo sign-ins (password chamber-demo):"
	@echo "    district  federation staff, whole district"
	@echo "    xixiang   secretary of the Xixiang street chamber"
	@echo "    leader    leader, read-only"
	@echo "    admin     administrator"
	@echo "  Members' portal (http://127.0.0.1:$(PORT)/portal/login/), demo member sign-in:"
	@$(BIN)/chamber demo_member
	@echo ""
	@echo "  Web, background worker and scheduler run together; Ctrl-C stops all three."
	$(BIN)/chamber serve --port $(PORT)

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not e2e"

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench $(if $(ONLY),--only $(ONLY)) $(if $(ROWS),--rows $(ROWS)) $(if $(MEMBERS),--members $(MEMBERS))

clean:
	rm -rf $(VENV) node_modules var
