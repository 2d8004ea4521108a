# Two commands on a fresh machine: `make demo` (the main job on embedded defaults) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Tests and the demo keep all state inside the repository unless the caller chose a home.
export MLFLOW_DISABLE_TELEMETRY := true
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export DO_NOT_TRACK := 1

.PHONY: install system-deps demo test bench clean

install: $(STAMP) system-deps

# Debian packages the tests need, installed when missing (nothing is started here):
# redis-server for `sedetect stream`; chromium and its driver for the console's browser test.
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing$$missing (apt)"; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): requirements.txt constraints.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: any other torch spec pulls several GB of CUDA packages.
	$(PY) -m pip install --quiet -c constraints.txt torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	SEDETECT_HOME=$${SEDETECT_HOME:-$(CURDIR)/.sedetect-home} $(VENV)/bin/sedetect demo -o verdicts.parquet

test: install
	$(VENV)/bin/lint-imports --no-cache   # layers and no import cycles (.importlinter)
	$(PY) -m pytest -q tests

bench: $(STAMP)
	$(PY) bench/score_throughput.py

clean:
	rm -rf $(VENV) .sedetect-home verdicts.parquet demo-out *.egg-info
