# Two commands on a fresh machine with only python3: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
WORKERS ?= 4

.PHONY: demo gif pictures test test-fast lint bench clean

demo: $(VENV)/.installed
	$(PY) demo.py --auto --once

# The README's picture: the original talk (two scenes and the summary), hands-free, as a GIF.
GIF_SCENES := --scene before-temporal --scene with-temporal --scene summary
gif: $(VENV)/.installed
	$(PY) demo.py --auto --once --speed 2 --idle-limit 2 $(GIF_SCENES) \
		--record-size 100x30 --font-size 14 --record docs/demo.gif

# The docs' pictures of the stage layout (the README) and the notes screen (docs/presenting.md), as SVG.
pictures: $(VENV)/.installed
	$(PY) docs/pictures.py

# Everything: lint, the fast layer, and every end-to-end test against a real Temporal
# server, spread over $(WORKERS) processes (the tests mostly wait on timers, not the CPU).
test: $(VENV)/.installed-test lint
	$(PY) -m pytest -n $(WORKERS) --dist worksteal

# The fast layer alone: no process, no server.
test-fast: $(VENV)/.installed-test
	$(PY) -m pytest tests/unit

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

bench: $(VENV)/.installed
	$(PY) bench/counters.py
	$(PY) bench/director.py
	$(PY) bench/output.py
	$(PY) bench/render.py
	$(PY) bench/serve.py

clean:
	rm -rf $(VENV) .state
