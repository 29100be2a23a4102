# Parcours: the two commands a new user types are `make run` and `make test`.
# Both install what is missing (as root with apt-get; otherwise they print the command).

SWIFT ?= swift
PACKAGES = libyaml-dev pkg-config graphviz postgresql
# pgbench comes with Debian's postgresql; wrk is the HTTP load generator of make bench only.
BENCH_PACKAGES = $(PACKAGES) wrk
WORKFLOW = .build/debug/workflow

.PHONY: run test chaos build deps validate graphs bench clean

## run: build, start the private PostgreSQL (unless DATABASE_URL is set), apply the
## migrations, publish workflows/, draw them to .build/graphs/*.svg, and serve the API
## with the worker on http://127.0.0.1:$(PORT) until Ctrl-C
PORT ?= 8080
run: deps build graphs
	@if [ -z "$$DATABASE_URL" ]; then $(WORKFLOW) db start; fi
	$(WORKFLOW) migrate
	$(WORKFLOW) publish workflows/
	@echo
	@if [ -z "$$DATABASE_URL" ]; then echo "The private PostgreSQL keeps running after Ctrl-C; stop it with: $(WORKFLOW) db stop"; fi
	@echo "Serving http://127.0.0.1:$(PORT)/api/v1 (contract: http://127.0.0.1:$(PORT)/api/v1/openapi.yaml) with the worker."
	@echo "Get a token in another terminal:  $(WORKFLOW) agents add anne --agency armees --roles gestionnaire-rh"
	@echo "then:  curl -H \"Authorization: Bearer TOKEN\" http://127.0.0.1:$(PORT)/api/v1/workflows   (README: API tour)"
	$(WORKFLOW) serve --port $(PORT) --workflows workflows/

## test: every unit test and database test on a throwaway PostgreSQL, then the command
## line end to end on the examples and fixtures
test: deps
	$(SWIFT) build --build-tests
	@scripts/test-postgres.sh start >/dev/null
	@set -e; trap 'scripts/test-postgres.sh stop' EXIT; \
	    export DATABASE_URL="$$(scripts/test-postgres.sh url)"; \
	    $(SWIFT) test --skip-build; \
	    scripts/check-examples.sh; \
	    scripts/check-cli.sh; \
	    scripts/check-worker.sh; \
	    scripts/check-api.sh

## chaos: the server and two workers under load while a worker is killed, PostgreSQL
## restarted and listening connections dropped; then SQL checks (CHAOS_SECONDS, default 60)
CHAOS_SECONDS ?= 60
chaos: deps
	$(SWIFT) build
	@scripts/test-postgres.sh start >/dev/null
	@set -e; trap 'scripts/test-postgres.sh stop' EXIT; \
	    export DATABASE_URL="$$(scripts/test-postgres.sh url)"; \
	    scripts/chaos.sh $(CHAOS_SECONDS)

build: deps
	$(SWIFT) build

deps:
	@scripts/ensure-packages.sh $(PACKAGES)

validate: build
	$(WORKFLOW) validate workflows/

graphs: build
	@mkdir -p .build/graphs
	@for f in workflows/*.yaml; do \
	    n=$$(basename $$f .yaml); \
	    $(WORKFLOW) graph $$f | dot -Tsvg > .build/graphs/$$n.svg && echo "drew .build/graphs/$$n.svg"; \
	done

## bench: release build, then the worker, the API, timer wake-up, supervision reports and
## validation, each beside its reference measured in the same run on a throwaway PostgreSQL;
## a table and .build/bench/results.json (asserts nothing; README: Benchmarks)
bench:
	@scripts/ensure-packages.sh $(BENCH_PACKAGES)
	benchmarks/bench.sh

clean:
	rm -rf .build
