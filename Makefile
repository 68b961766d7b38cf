# The workbook's commands. `make help` lists them.
SHELL := /bin/bash
PY := .venv/bin/python
BUILD := build
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: help setup setup-site site test-site course test test-crate test-runner test-notebooks test-browser test-portability bench-kernel lab notebooks student grade check-answers clean

# OpenBLAS kernels the test run's notebooks take in turn (see tools/run_notebooks.py): kernels other
# than the machine's own (Sandybridge: no fused multiply-add, different bits in every product), so
# that a check that holds only on one processor's rounding fails here.
CORETYPES_IN_TURN ?= Zen,SkylakeX,Haswell,Sandybridge,native

help:
	@echo "make site       the course website from the committed notebooks, in seconds: $(BUILD)/site/html/index.html"
	@echo "make course     set up, then execute every notebook into $(BUILD)/course and build the website from them ($(BUILD)/course/site/html/index.html)"
	@echo "make test       set up, then cargo test, the runner's own tests, every notebook headless, the browser tests (JupyterLab, the website offline)"
	@echo "make test-portability  set up, then cargo test and every notebook under each OpenBLAS kernel (native, Haswell, SkylakeX, Zen, Sandybridge)"
	@echo "make lab        open the workbook in JupyterLab on the course kernel"
	@echo "make bench-kernel  latency of the course kernel against stock evcxr_jupyter (needs it installed; COURSE=1 also runs every notebook on both)"
	@echo "make student    (teachers) the student edition: $(BUILD)/student/ and $(BUILD)/student.zip, solutions replaced by todo!()"
	@echo "make grade SUBMISSIONS=dir  (teachers) grade one folder per student: $(BUILD)/grades/gradebook.csv and feedback/<student>.md"
	@echo "make check-answers NOTEBOOK=path  (students) which exercises of a notebook pass, before handing it in"
	@echo "make notebooks  (maintainers) refresh the outputs committed in notebooks/ (refuses if they have local edits; FORCE=1 overrides)"

setup:
	@bash tools/setup.sh

setup-site:
	@bash tools/setup.sh site

# The website from the notebooks as committed (executed, with their outputs): nothing is run again.
site: setup-site
	$(PY) tools/build_site.py --notebooks notebooks --out $(BUILD)/site

# A notebook that fails is left out of the website (the runner writes only those that passed); the
# website is built from the others all the same, and the command still fails.
course: setup
	@status=0; $(PY) tools/run_notebooks.py --out $(BUILD)/course --keep-going || status=$$?; \
	$(PY) tools/build_site.py --notebooks $(BUILD)/course --out $(BUILD)/course/site && exit $$status

test: setup test-crate test-runner test-notebooks test-browser site test-site

test-crate:
	cargo test --all-features
	cargo test --release --locked --manifest-path kernel/Cargo.toml

test-runner:
	$(PY) -m pytest -q tests/python

test-notebooks:
	$(PY) tools/run_notebooks.py --out $(BUILD)/test --html --keep-going --coretypes $(CORETYPES_IN_TURN)

test-browser:
	$(PY) tests/browser/serve_and_check.py $(BUILD)/test

# The website in headless Chromium with the network off; screenshots in $(BUILD)/site/screenshots.
test-site: setup-site
	$(PY) tests/browser/check_site.py $(BUILD)/site

test-portability: setup
	bash tools/test_portability.sh

bench-kernel: setup
	$(PY) tools/benchmark/kernel_latency.py $(if $(COURSE),--course)

lab: setup
	.venv/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

notebooks: setup
	@if [ -z "$(FORCE)" ] && ! git diff --quiet -- notebooks/; then \
	  echo "notebooks/ has local edits (git diff notebooks/): refusing to overwrite them. Commit or stash them, or run with FORCE=1." >&2; exit 1; fi
	$(PY) tools/run_notebooks.py --inplace

student: setup
	$(PY) tools/editions.py student --out $(BUILD)/student

grade: setup
	@if [ -z "$(SUBMISSIONS)" ]; then echo "say where the submissions are: make grade SUBMISSIONS=folder (one folder per student)" >&2; exit 1; fi
	$(PY) tools/editions.py grade "$(SUBMISSIONS)" --out $(BUILD)/grades $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(MEMORY_MB),--memory-mb $(MEMORY_MB))

check-answers: setup
	@if [ -z "$(NOTEBOOK)" ]; then echo "say which notebook: make check-answers NOTEBOOK=path/to/notebook.ipynb" >&2; exit 1; fi
	$(PY) tools/editions.py check "$(NOTEBOOK)"

clean:
	rm -rf $(BUILD)
