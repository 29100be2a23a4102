# Parcours: the two commands a new user types are `make run` and `make test`.
# Both install what is missing (as root with apt-get; otherwise they print the command).

SWIFT ?= swift
PACKAGES = libyaml-dev pkg-config graphviz postgresql
# The OpenID provider of the browser tests (scripts/test-oidc-provider.sh): LemonLDAP::NG's
# portal as a FastCGI server behind nginx; with --no-install-recommends these Perl modules
# must be named too.
OIDC_PACKAGES = lemonldap-ng lemonldap-ng-fastcgi-server nginx openssl curl \
    libemail-sender-perl libmime-tools-perl libgd-securityimage-perl libimage-magick-perl \
    libstring-random-perl libio-string-perl libconvert-base32-perl libdigest-hmac-perl \
    libcookie-baker-xs-perl libhttp-parser-xs-perl libipc-run-perl libio-socket-timeout-perl \
    libunicode-string-perl liblwp-protocol-https-perl libapache-session-browseable-perl
# pgbench comes with Debian's postgresql; wrk is the HTTP load generator of make bench only.
BENCH_PACKAGES = $(PACKAGES) wrk
WORKFLOW = .build/debug/workflow

.PHONY: run test test-browser chaos build deps validate graphs bench clean

## run: build, start the private PostgreSQL (unless DATABASE_URL is set), apply the
## migrations, publish workflows/, add example cases to an empty database, draw the
## workflows to .build/graphs/*.svg, and serve the pages, the API and the worker on
## http://127.0.0.1:$(PORT) until Ctrl-C
PORT ?= 8080
run: deps build graphs
	@if [ -z "$$DATABASE_URL" ]; then $(WORKFLOW) db start; fi
	$(WORKFLOW) migrate
	$(WORKFLOW) publish workflows/
	@scripts/seed-examples.sh
	@echo
	@if [ -z "$$DATABASE_URL" ]; then echo "The private PostgreSQL keeps running after Ctrl-C; stop it with: $(WORKFLOW) db stop"; fi
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in with an agent's token. Get one in another terminal:"
	@echo "    $(WORKFLOW) agents add anne --agency armees --roles gestionnaire-rh                        (a pension-office agent)"
	@echo "    $(WORKFLOW) agents add claude --agency armees --roles coordinateur-retraite --supervisor   (coordination cell, supervisor)"
	@echo "The API is under http://127.0.0.1:$(PORT)/api/v1 (contract: /api/v1/openapi.yaml; README: API tour)."
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
	    scripts/check-api.sh; \
	    scripts/check-webhooks.sh; \
	    scripts/check-requests.sh

## test-browser: the web pages in headless Chromium (scripts/check-browser.sh) on a
## throwaway PostgreSQL, with sign-in through a real OpenID provider (LemonLDAP::NG on
## loopback); screenshots of each page in .build/browser/
test-browser: deps
	@scripts/ensure-packages.sh chromium graphviz $(OIDC_PACKAGES)
	$(SWIFT) build
	@scripts/test-postgres.sh start >/dev/null
	@set -e; trap 'scripts/test-postgres.sh stop' EXIT; \
	    export DATABASE_URL="$$(scripts/test-postgres.sh url)"; \
	    scripts/check-browser.sh

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
