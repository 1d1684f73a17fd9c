# Two commands: `make lab` (work on the course) and `make test` (prove it works).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := mobile-course
# JupyterLab refuses to run as root unless told to.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test setup system-packages clean-outputs student-edition screenshots

setup: $(STAMP)

$(STAMP): requirements.txt tools/setup_env.py
	@$(PYTHON) tools/check_python.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python tools/setup_env.py --kernel $(KERNEL)
	touch $@

# The venv's bin folder goes first on PATH: nbgrader runs its `alembic` to open the gradebook.
lab: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG) \
		--MappingKernelManager.default_kernel_name=$(KERNEL)

system-packages:
	@sh tools/install_system_packages.sh

test: setup system-packages
	$(BIN)/python -m pytest

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
