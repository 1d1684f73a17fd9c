# Two commands: `make lab` (work on the course) and `make test` (prove it works).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := mobile-course
# JupyterLab refuses to run as root unless told to.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab gradebook test setup system-packages clean-outputs student-edition screenshots hub hub-packages

setup: $(STAMP)

$(STAMP): requirements.txt tools/setup_env.py
	@$(PYTHON) tools/check_python.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python tools/setup_env.py --kernel $(KERNEL)
	touch $@

# Every assignment in the gradebook, so that the formgrader's Autograde works on a fresh clone.
gradebook: setup
	$(BIN)/python tools/gradebook.py

# The venv's bin folder goes first on PATH: nbgrader runs its `alembic` to open the gradebook.
lab: setup gradebook
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG) \
		--MappingKernelManager.default_kernel_name=$(KERNEL)

system-packages:
	@sh tools/install_system_packages.sh

# Two pytest workers (pytest-xdist): tests/conftest.py keeps tests that share a fixture on one.
test: setup system-packages hub-packages
	$(BIN)/python -m pytest -n 2 --dist loadscope

# Strip outputs from every committed notebook (they are committed clean).
clean-outputs: setup
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb solutions/*/*.ipynb

# What students get: lessons, released exercises, the student-side library (see tools/student_edition.py).
student-edition: setup
	$(BIN)/python tools/student_edition.py dist/student

# The README's screenshots, taken anew from the current code by the browser tests that show them.
screenshots: setup system-packages
	README_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_browser_metrics_slider.py \
		tests/browser/test_browser_quiz.py

# The class hub's proxy (configurable-http-proxy, pinned in deploy/package-lock.json) in deploy/node_modules.
HUB_STAMP := deploy/node_modules/.installed
hub-packages: $(HUB_STAMP)

$(HUB_STAMP): deploy/package.json deploy/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd deploy && npm ci --no-audit --no-fund && touch node_modules/.installed; \
	else echo "NOTE: npm is missing: the class hub test will be skipped (make system-packages installs it as root)."; fi

# A trial class hub on this machine, as root: accounts, environments, exchange (see deploy/README.md).
hub: setup hub-packages
	$(BIN)/python -m deploy.trial
