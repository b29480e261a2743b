# The two commands of the README:
#   make demo   set up, then the live dashboard on the built-in virtual ball
#   make test   set up (system packages included), then every check and test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test setup system-packages lint typecheck imports pytest firmware-test hardware-check bench clean

demo: setup
	$(BIN)/spineball dash --virtual

test: system-packages setup lint typecheck imports firmware-test pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "spineball needs Python 3.11 or newer ($(PYTHON) is older)" >&2; exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

system-packages:
	@scripts/system-packages.sh

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: setup
	$(BIN)/mypy --strict src

imports: setup
	$(BIN)/lint-imports

pytest: setup
	$(BIN)/pytest $(PYTEST_ARGS)

# Firmware core: host tests under ASan/UBSan, RV32IMC cross-compile + QEMU run.
firmware-test: system-packages
	@scripts/firmware-test.sh

bench: setup
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache build dist
