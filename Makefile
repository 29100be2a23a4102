# Parcours: the two commands a new user types are `make run` and `make test`.
# Both install what is missing (as root with apt-get; otherwise they print the command).

SWIFT ?= swift
PACKAGES_BUILD = libyaml-dev pkg-config
PACKAGES_RUN = $(PACKAGES_BUILD) graphviz

.PHONY: run test build deps deps-run validate graphs bench clean

## run: build, validate the example workflows and draw them to .build/graphs/*.svg
run: deps-run build
	.build/debug/workflow validate workflows/
	@mkdir -p .build/graphs
	@for f in workflows/*.yaml; do \
	    n=$$(basename $$f .yaml); \
	    .build/debug/workflow graph $$f | dot -Tsvg > .build/graphs/$$n.svg && echo "drew .build/graphs/$$n.svg"; \
	done

## test: every unit test, then the command line end to end on the examples and fixtures
test: deps-run
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	scripts/check-examples.sh

build: deps
	$(SWIFT) build

deps:
	@scripts/ensure-packages.sh $(PACKAGES_BUILD)

deps-run:
	@scripts/ensure-packages.sh $(PACKAGES_RUN)

## bench: validation of a generated 2,000-state workflow against libyaml alone (asserts nothing)
bench: deps
	benchmarks/validate.sh

validate: build
	.build/debug/workflow validate workflows/

clean:
	rm -rf .build
