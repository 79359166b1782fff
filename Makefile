# Zugong — 组工. `make run` serves the demo on SQLite; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TIER ?= county
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-dates bench lint format typecheck check install migrate demo clean

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

run: demo
	@echo ""
	@echo "组工已启动： http://$(HOST):$(PORT)/"
	@echo "演示账户（密码均为 Zugong@2026）："
	@echo "  xitong 系统管理员 · anquan 安全管理员 · shenji 审计管理员"
	@echo "  ganbu 干部科 · zuzhi 组织科 · rencai 人才办 · lianluo 单位联络员（乡镇） · lingdao 领导（只读）"
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

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy .

check: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
