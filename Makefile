# Zugong — 组工. `make run` serves the demo on SQLite; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TIER ?= county
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-dates bench lint format typecheck check install migrate demo clean mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py seed_demo --tier county --seed 1 --if-empty

# The demo accounts are printed by seed_demo, and only for a demo database.
run: demo
	@echo ""
	@echo "组工已启动： http://$(HOST):$(PORT)/"
	@echo ""
	ZUGONG_DEBUG=$${ZUGONG_DEBUG:-false} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest -q

# The demo and the suite on other days (year end, new year, 29 February, a later year).
test-dates: $(STAMP)
	scripts/test_dates.sh $(DATES)

bench: $(STAMP)
	$(BIN)/python bench/run.py --tier $(TIER)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy .

check: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run

# Mutation testing of the rule and scoping modules (docs/testing.md, "Mutation testing"); not in CI.
# Files and tests are set in pyproject.toml [tool.mutmut]; of selection/services.py only the
# 公示 checks and the candidate checks are run. MUTANTS=... narrows a run (mutmut name globs).
MUTATION_STAMP := $(VENV)/.installed-mutation
MUTANTS ?= core.models.* core.idnumber.* core.workdays.* cadres.retirement.* \
	alerts.rules.tenure.* selection.rules.* supervision.draw.* \
	selection.services.x_notice_set__* selection.services.x__appoint__* \
	selection.services.x_assessment_problem__* selection.services.x_exceptional_problems__* \
	selection.services.x__rank_on__* selection.services.x_last_promotion__* \
	selection.services.x__enter_notice__*

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,mutation]"
	touch $(MUTATION_STAMP)

mutation: $(MUTATION_STAMP)
	mkdir -p var
	rm -f var/mutation-db.sqlite3
	DATABASE_URL= ZUGONG_SQLITE_PATH=$(CURDIR)/var/mutation-db.sqlite3 \
		$(BIN)/python manage.py migrate --no-input -v 0
	DATABASE_URL= ZUGONG_MUTATION_DB=$(CURDIR)/var/mutation-db.sqlite3 \
		$(BIN)/mutmut run $(foreach m,$(MUTANTS),'$(m)') > var/mutation.log 2>&1 || (tail -n 40 var/mutation.log; exit 1)
	@$(BIN)/mutmut results | grep -v ': not checked' | tee var/mutation-survivors.txt || true
	@echo "Full log: var/mutation.log; survivors: var/mutation-survivors.txt; 'mutmut show NAME' shows one."

clean:
	rm -rf $(VENV) var mutants
