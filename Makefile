# ZapStream. `make dev` serves on PORT; `make test` runs everything.
# Settings come from the environment, then from .env (make env-setup).

# ---- Configuration ---------------------------------------------------------

# .env supplies what the environment does not: plain KEY=value lines.
ifneq (,$(wildcard .env))
ENV_KEYS := $(shell sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' .env)
$(foreach k,$(ENV_KEYS),$(if $(filter environment command,$(firstword $(origin $(k)))),,$(eval $(k) := $(shell sed -n 's/^[[:space:]]*$(k)=//p' .env | tail -n 1))))
export $(ENV_KEYS)
endif

# The database path made absolute: the responders lighttpd starts do not
# share make's working directory.
ifeq ($(DATABASE_PATH)$(DATABASE_URL),)
DATABASE_PATH := ./data/events.db
endif
ifneq ($(DATABASE_PATH),)
DATABASE_PATH := $(abspath $(DATABASE_PATH))
export DATABASE_PATH
endif

# A relative WEBHOOK_SOURCES_FILE made absolute, for the same reason.
ifneq ($(WEBHOOK_SOURCES_FILE),)
WEBHOOK_SOURCES_FILE := $(abspath $(WEBHOOK_SOURCES_FILE))
export WEBHOOK_SOURCES_FILE
endif

PORT              ?= 8000
BIND              ?= 127.0.0.1
MAX_PAYLOAD_BYTES ?= 524288
ZS_PROCS          ?= 2
export PORT

# Recipes use bash (PIPESTATUS in fuzz).
SHELL := /bin/bash

# The builds that make starts itself (make dev, make test, ...) run one job
# per CPU, unless make was given its own -j.
JOBS     ?= $(shell nproc 2>/dev/null || echo 1)
PARALLEL  = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))

# ---- Build -----------------------------------------------------------------

CC      ?= cc
O       ?= build
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -pthread -Wall -Wextra -Werror -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
# libpq (PostgreSQL's client) lives in its own include directory.
CFLAGS  += -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
LDLIBS  += -pthread -lfcgi -lsqlite3 -lpq -lcrypto -lm
ifeq ($(SAN),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# fcgi/ is layered (docs/design.md): programs/ holds one file per binary,
# named after it; everything else goes into one static library, from which
# the linker takes only the objects a program uses.
CFLAGS  += -Ifcgi -MMD -MP
PROGS   = zs-events zs-inbox zs-lease zs-stream zs-stats zs-health zs-hooks \
	  zs-metrics zs-notfound zs-admin
LIB_SRC = $(wildcard fcgi/*/*.c fcgi/*/*/*.c)
LIB_SRC := $(filter-out fcgi/programs/%,$(LIB_SRC))
LIB_O   = $(LIB_SRC:fcgi/%.c=$(O)/obj/%.o)
LIB     = $(O)/libzs.a
BINS    = $(PROGS:%=$(O)/bin/%)
TESTBIN = $(O)/bin/zs-unit

# make dev: what building and running on SQLite needs (libpq-dev too: the
# programs are linked with the PostgreSQL client whichever store they use).
DEB_PACKAGES = gcc make libc6-dev pkg-config libfcgi-dev libsqlite3-dev \
	       libssl-dev openssl lighttpd sqlite3 curl jq libpq-dev

# make test (make test-tools) adds bats, valgrind, a PostgreSQL server for
# the throwaway databases of the PostgreSQL runs, and Prometheus, which
# reads GET /metrics in metrics.bats.
TEST_PACKAGES = bats valgrind postgresql-15 prometheus

# The browser tests drive Debian's Chromium.
BROWSER_PACKAGES = chromium fonts-dejavu-core

# make dev-apache, make dev-cgi and the API tests against Apache: Apache
# (mod_proxy_fcgi, mod_cgid), and spawn-fcgi and multiwatch, which start
# and watch the responders for mod_proxy_fcgi.
APACHE_PACKAGES = apache2 spawn-fcgi multiwatch

.PHONY: all build ready deps vendor env-setup db-init db-reset db-copy-to-postgres dev quickstart test \
	test-tools test-unit test-api test-crash test-contention fuzz fuzz-deps fuzz-long lint status health-check clean bench \
	coverage dev-apache dev-cgi install uninstall

all: build

# Keep object files between builds (they are intermediate to make).
.SECONDARY:

build: $(BINS) $(TESTBIN)

$(O)/obj/%.o: fcgi/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# Made afresh: ar would keep the members of sources that are gone.
$(LIB): $(LIB_O)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/bin/zs-%: $(O)/obj/programs/zs-%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TESTBIN): $(wildcard tests/unit/*.c) tests/unit/zs_unit.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -Itests/unit $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(LDLIBS)

# Header dependencies, written by the compiler (-MMD).
-include $(LIB_O:.o=.d) $(PROGS:%=$(O)/obj/programs/%.d)

# The packages first, then the build and the web vendor files: under
# make -j a target's prerequisites are made at once, and nothing compiles
# before its headers are installed.
ready: deps
	@$(MAKE) --no-print-directory $(PARALLEL) build vendor

# Installs the Debian packages that are missing (needs root or sudo).
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; \
	fi

# Third-party web code, from npm (package-lock.json pins it), copied with
# its licence into www/vendor/, which is not committed.
VENDOR_STAMP = www/vendor/.stamp

vendor: $(VENDOR_STAMP)

$(VENDOR_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory \
		DEB_PACKAGES="nodejs npm" deps
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf www/vendor
	mkdir -p www/vendor/uplot www/vendor/swagger-ui
	cp node_modules/uplot/dist/uPlot.esm.js \
	   node_modules/uplot/dist/uPlot.min.css \
	   node_modules/uplot/LICENSE www/vendor/uplot/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   node_modules/swagger-ui-dist/swagger-ui.css \
	   node_modules/swagger-ui-dist/LICENSE www/vendor/swagger-ui/
	touch $@

env-setup:
	@if [ -f .env ]; then echo ".env exists; leaving it alone"; \
	else cp .env.example .env && echo "created .env from .env.example"; fi

# ---- Database --------------------------------------------------------------

# Without API_KEYS the database is made all the same, with a warning (a
# first-time user sets the keys after): the servers refuse every request
# until they are set. A publicly known key still stops it.
db-init: $(O)/bin/zs-admin
	@if [ "$(STORAGE_BACKEND)" != postgres ]; then \
		mkdir -p "$$(dirname "$(DATABASE_PATH)")"; fi
	@$(O)/bin/zs-admin check || { rc=$$?; \
		[ "$$rc" = 2 ] && [ -z "$$API_KEYS" ] || exit "$$rc"; \
		echo "warning: the database is made, but the server will refuse every request until API_KEYS is set (make dev accepts the development key dev_key_123)"; }
	$(O)/bin/zs-admin migrate sql

# With STORAGE_BACKEND=postgres: zs-admin migrate applies sql/postgres/.
# Copies the SQLite inbox (DATABASE_PATH) into PostgreSQL (DATABASE_URL)
# without loss; running it again copies only what is new. See docs/deployment.md.
db-copy-to-postgres: $(O)/bin/zs-admin
	@STORAGE_BACKEND=postgres $(O)/bin/zs-admin check
	@STORAGE_BACKEND=postgres $(O)/bin/zs-admin migrate sql
	STORAGE_BACKEND=postgres $(O)/bin/zs-admin copy-to-postgres

db-reset: $(O)/bin/zs-admin
	@if [ "$(STORAGE_BACKEND)" = postgres ]; then \
		echo "db-reset removes a SQLite file; with PostgreSQL, drop and create the database yourself"; \
		exit 1; fi
	@db="$(DATABASE_PATH)"; \
	rm -f "$$db" "$$db-wal" "$$db-shm" "$$db-ratelimit" "$$db-authfail" "$$db-slots" "$$db-metrics"; \
	echo "removed $$db"
	@$(MAKE) --no-print-directory db-init

# ---- Run -------------------------------------------------------------------

RUN_DIR ?= $(CURDIR)/$(O)/run

# The dev targets run in development mode: without API_KEYS the public
# development key is accepted. Everything else fails closed without keys.
dev dev-apache dev-cgi db-reset: export DEV_MODE := 1

# A development rate limit that a load loop and the dashboard's polling,
# which share the key's budget, do not reach; RATE_LIMIT_PER_MINUTE in the
# environment or .env wins.
dev dev-apache dev-cgi: export RATE_LIMIT_PER_MINUTE ?= 6000

# lighttpd in the foreground on PORT; Ctrl-C stops it and its responders.
dev: ready
	@mkdir -p "$$(dirname "$(DATABASE_PATH)")"
	@$(MAKE) --no-print-directory db-init
	@mkdir -p $(RUN_DIR)
	@# The dashboard pre-fills the development key, and never another.
	@case ",$${API_KEYS:-dev_key_123=tenant_dev}," in \
	*,dev_key_123=*) echo '{"key": "dev_key_123"}' >www/dev-key.json ;; \
	*) rm -f www/dev-key.json ;; esac
	@echo "ZapStream on http://$(BIND):$(PORT)/ with database $$($(O)/bin/zs-admin label) (Ctrl-C stops it)"
	@ZS_ROOT=$(CURDIR) ZS_BIN=$(CURDIR)/$(O)/bin ZS_RUN=$(RUN_DIR) \
	ZS_BIND=$(BIND) ZS_PROCS=$(ZS_PROCS) \
	ZS_MAX_REQUEST_KB=$$(( $(MAX_PAYLOAD_BYTES) / 1024 + 64 )) \
		lighttpd -D -f lighttpd.conf

# Apache with mod_proxy_fcgi in the foreground on PORT, the responders
# started and watched by deploy/apache/zs-responders. Needs root (Apache
# runs its workers as ZS_APACHE_USER, www-data by default).
dev-apache: ready
	@$(MAKE) --no-print-directory DEB_PACKAGES="$(APACHE_PACKAGES)" deps
	@$(MAKE) --no-print-directory db-init
	@mkdir -p $(RUN_DIR)
	@echo "ZapStream (Apache, FastCGI) on http://$(BIND):$(PORT)/ with database $$($(O)/bin/zs-admin label) (Ctrl-C stops it)"
	@ZS_ROOT=$(CURDIR) ZS_BIN=$(CURDIR)/$(O)/bin ZS_RUN=$(RUN_DIR) \
	ZS_BIND=$(BIND) ZS_PROCS=$(ZS_PROCS) \
	ZS_MAX_REQUEST_KB=$$(( $(MAX_PAYLOAD_BYTES) / 1024 + 64 )) \
		deploy/apache/run fcgi

# Apache with mod_cgid in the foreground on PORT, serving the shared-host
# layout (deploy/cgi: .htaccess, cgi-bin/) from $(RUN_DIR)/site: a process
# per request, run as ZS_APACHE_USER, which is given the database's
# directory (as on a real host).
dev-cgi: ready
	@$(MAKE) --no-print-directory DEB_PACKAGES="$(APACHE_PACKAGES)" deps
	@$(MAKE) --no-print-directory db-init
	@mkdir -p $(RUN_DIR)
	@u=$${ZS_APACHE_USER:-www-data}; d=$$(dirname "$(DATABASE_PATH)"); \
	echo "giving $$d to $$u: the CGI programs run as $$u"; \
	chown -R "$$u:" "$$d" && chmod 700 "$$d"
	@echo "ZapStream (Apache, CGI) on http://$(BIND):$(PORT)/ with database $$($(O)/bin/zs-admin label) (Ctrl-C stops it)"
	@ZS_ROOT=$(CURDIR) ZS_BIN=$(CURDIR)/$(O)/bin ZS_RUN=$(RUN_DIR) \
	ZS_BIND=$(BIND) ZS_PROCS=$(ZS_PROCS) \
	ZS_MAX_REQUEST_KB=$$(( $(MAX_PAYLOAD_BYTES) / 1024 + 64 )) \
		deploy/apache/run cgi

# One step after another, even under make -j. QUICKSTART_TESTS is the
# test target it ends with (tests/fresh.bats runs it with test-unit, not
# with the whole suite it belongs to).
QUICKSTART_TESTS ?= test
quickstart:
	@$(MAKE) --no-print-directory env-setup
	@$(MAKE) --no-print-directory ready
	@DEV_MODE=1 $(MAKE) --no-print-directory db-init
	@$(MAKE) --no-print-directory $(QUICKSTART_TESTS)
	@echo "Ready: run 'make dev' and open http://$(BIND):$(PORT)/"

# Per tenant: pending, leased, dead, acknowledged and the oldest pending
# age, from the query GET /metrics uses (zs-admin status).
status: $(O)/bin/zs-admin
	@if [ "$(STORAGE_BACKEND)" = postgres ]; then \
		$(O)/bin/zs-admin check; \
	else echo "database: $(DATABASE_PATH)"; fi; \
	db="$(DATABASE_PATH)"; \
	if [ "$(STORAGE_BACKEND)" != postgres ] && [ ! -f "$$db" ]; then \
		echo "no database yet: run make db-init"; \
	else $(O)/bin/zs-admin status; fi; \
	if curl -fsS "http://$(BIND):$(PORT)/health" >/dev/null 2>&1; then \
		echo "server: up on http://$(BIND):$(PORT)/"; \
	else echo "server: not answering on http://$(BIND):$(PORT)/"; fi

# The webhook sources and the URLs to give the providers (PUBLIC_URL, if
# set, is the origin they reach this server at).
hooks: $(O)/bin/zs-admin
	@PUBLIC_URL=$${PUBLIC_URL:-http://$(BIND):$(PORT)} $(O)/bin/zs-admin hooks

health-check:
	@curl -fsS "http://$(BIND):$(PORT)/health" && echo || \
		{ echo "health check failed on http://$(BIND):$(PORT)/health"; exit 1; }

# ---- Quality ---------------------------------------------------------------

# Everything: unit tests, API tests against lighttpd, then the API tests
# again against an ASan+UBSan build. Ends with "N passed, N failed".
test: ready
	@$(MAKE) --no-print-directory test-tools
	@$(MAKE) --no-print-directory $(PARALLEL) O=$(O)/asan SAN=1 build
	@tests/run-all "$(CURDIR)/$(O)/bin" "$(CURDIR)/$(O)/asan/bin"

# What the tests need beyond make dev: TEST_PACKAGES, Apache (the Apache
# runs) and Chromium (the browser tests).
test-tools:
	@$(MAKE) --no-print-directory DEB_PACKAGES="$(TEST_PACKAGES)" deps
	@command -v chromium >/dev/null || $(MAKE) --no-print-directory \
		DEB_PACKAGES="$(BROWSER_PACKAGES)" deps
	@$(MAKE) --no-print-directory DEB_PACKAGES="$(APACHE_PACKAGES)" deps

# SIGKILL responders and restart lighttpd while clients post and ack;
# CRASH_SECONDS long (about one kill every two or three seconds).
CRASH_SECONDS ?= 300
test-crash: ready
	@tests/crash-test "$(CURDIR)/$(O)/bin" $(CRASH_SECONDS)

# 8 writers, 8 readers and 4 ackers for CONTENTION_SECONDS: no 5xx but 503.
CONTENTION_SECONDS ?= 60
test-contention: ready
	@tests/contention-test "$(CURDIR)/$(O)/bin" $(CONTENTION_SECONDS)

# libFuzzer (clang, ASan+UBSan) on every parse boundary (tests/fuzz/run):
# make fuzz runs each target FUZZ_SECONDS over its seeds in
# tests/fuzz/corpus and the saved crashes in tests/fuzz/crashes, keeping
# new inputs in $(O)/fuzz; make fuzz-long runs each FUZZ_LONG_SECONDS (an
# hour) and merges what reaches new coverage into tests/fuzz/corpus, and
# any crash into tests/fuzz/crashes, to be committed. FUZZ_JOBS targets
# run at once (the CPUs).
FUZZ_SECONDS ?= 60
FUZZ_LONG_SECONDS ?= 3600
FUZZ_TARGETS  = json query http config sig fields event
FUZZ_SRC      = boundary/zs_auth util/zs_buf parse/zs_body parse/zs_config \
		parse/zs_cursor parse/zs_event_body \
		parse/zs_details parse/zs_event parse/zs_fields util/zs_file \
		parse/zs_http parse/zs_json util/zs_log parse/zs_query parse/zs_search \
		util/zs_random webhooks/zs_sig webhooks/zs_source parse/zs_text \
		util/zs_seal util/zs_time util/zs_ulid
fuzz-deps:
	@command -v clang >/dev/null || $(MAKE) --no-print-directory \
		DEB_PACKAGES="clang libclang-rt-14-dev" deps
fuzz: fuzz-deps
	@O=$(O) FUZZ_SRC="$(FUZZ_SRC)" tests/fuzz/run $(FUZZ_SECONDS) 0 \
		$(FUZZ_TARGETS)
fuzz-long: fuzz-deps
	@O=$(O) FUZZ_SRC="$(FUZZ_SRC)" tests/fuzz/run $(FUZZ_LONG_SECONDS) 1 \
		$(FUZZ_TARGETS)

test-unit: build
	@$(MAKE) --no-print-directory DEB_PACKAGES=bats deps
	@ZS_BIN=$(CURDIR)/$(O)/bin bats tests/unit.bats

test-api: build
	@$(MAKE) --no-print-directory DEB_PACKAGES=bats deps
	@ZS_BIN=$(CURDIR)/$(O)/bin bats tests/api

lint:
	@command -v cppcheck >/dev/null || $(MAKE) --no-print-directory \
		DEB_PACKAGES=cppcheck deps
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem -Ifcgi fcgi tests/unit

# json-c only for bench/json_parse.c, which measures it against our parser.
bench: ready
	@$(MAKE) --no-print-directory DEB_PACKAGES="wrk libjson-c-dev" deps
	@bench/run "$(CURDIR)/$(O)/bin"

coverage:
	@command -v gcovr >/dev/null || $(MAKE) --no-print-directory \
		DEB_PACKAGES=gcovr deps
	@rm -rf $(O)/cov
	@$(MAKE) --no-print-directory $(PARALLEL) O=$(O)/cov CFLAGS="-O0 -g --coverage" \
		LDFLAGS=--coverage build
	@tests/run-all "$(CURDIR)/$(O)/cov/bin" || true
	gcovr --root . --object-directory $(O)/cov/obj --filter fcgi/ \
		--txt $(O)/coverage.txt --html-details $(O)/coverage.html
	@cat $(O)/coverage.txt; echo "report: $(O)/coverage.html"

# ---- Install ---------------------------------------------------------------

# make install PREFIX=/usr/local DESTDIR=: zs-admin in BINDIR, the
# responders in LIBEXECDIR, www/, sql/ and the sample configurations in
# SHAREDIR, the systemd unit (lighttpd and the responders) in UNITDIR, and
# a settings file in SYSCONFDIR (kept if it exists). See docs/deployment.md.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/zapstream
SHAREDIR   ?= $(PREFIX)/share/zapstream
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc/zapstream
RESPONDERS  = $(filter-out zs-admin,$(PROGS))

install: build vendor
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(SHAREDIR)/sql/migrations $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SHAREDIR)/sql/postgres \
		$(DESTDIR)$(SHAREDIR)/deploy/apache $(DESTDIR)$(SHAREDIR)/deploy/cgi \
		$(DESTDIR)$(SHAREDIR)/deploy/nginx
	install -m 755 $(O)/bin/zs-admin $(DESTDIR)$(BINDIR)/
	install -m 755 $(RESPONDERS:%=$(O)/bin/%) $(DESTDIR)$(LIBEXECDIR)/
	rm -rf $(DESTDIR)$(SHAREDIR)/www
	cp -R www $(DESTDIR)$(SHAREDIR)/www
	rm -f $(DESTDIR)$(SHAREDIR)/www/dev-key.json
	install -m 644 sql/schema.sql $(DESTDIR)$(SHAREDIR)/sql/
	install -m 644 sql/migrations/*.sql $(DESTDIR)$(SHAREDIR)/sql/migrations/
	install -m 644 sql/postgres/*.sql $(DESTDIR)$(SHAREDIR)/sql/postgres/
	install -m 644 lighttpd.conf $(DESTDIR)$(SHAREDIR)/
	install -m 644 deploy/apache/zapstream.conf deploy/apache/httpd.conf \
		$(DESTDIR)$(SHAREDIR)/deploy/apache/
	install -m 755 deploy/apache/zs-responders deploy/apache/run \
		$(DESTDIR)$(SHAREDIR)/deploy/apache/
	install -m 644 deploy/cgi/htaccess deploy/cgi/cgi-bin.htaccess \
		$(DESTDIR)$(SHAREDIR)/deploy/cgi/
	install -m 644 deploy/nginx/zapstream.conf $(DESTDIR)$(SHAREDIR)/deploy/nginx/
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
		-e 's|@SHAREDIR@|$(SHAREDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		deploy/systemd/zapstream.service >$(DESTDIR)$(UNITDIR)/zapstream.service
	chmod 644 $(DESTDIR)$(UNITDIR)/zapstream.service
	install -d -m 755 $(DESTDIR)$(SYSCONFDIR)
	@if [ -f $(DESTDIR)$(SYSCONFDIR)/zapstream.env ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/zapstream.env"; \
	else install -m 600 deploy/systemd/zapstream.env \
		$(DESTDIR)$(SYSCONFDIR)/zapstream.env; fi

# Removes what install put in place, except the settings and the database.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/zs-admin $(DESTDIR)$(UNITDIR)/zapstream.service
	rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SHAREDIR)
	@echo "kept $(DESTDIR)$(SYSCONFDIR) and the database (/var/lib/zapstream)"

clean:
	rm -rf $(O)
