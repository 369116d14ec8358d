# fangkong - build, run and test.  `make run` and `make check` are all a new
# machine needs: both install what is missing first (scripts/deps.sh).

PKGS     := libmicrohttpd jansson sqlite3 libpq libsodium gsl libzip expat freexl xlsxwriter zlib pangocairo cairo-pdf
CC       ?= cc
MODE     ?= release
BUILD    := build/$(MODE)
WERROR   := $(if $(CI),-Werror,)
CFLAGS_BASE := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter \
               -Wformat=2 -Wno-format-nonliteral -Wno-missing-field-initializers -Wno-format-truncation $(WERROR) -g -Isrc -I$(BUILD) -pthread
ifeq ($(MODE),asan)
  OPT := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
else ifeq ($(MODE),fuzz)
  # the library the libFuzzer targets link (fuzz/run.sh; CC=clang)
  OPT := -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
         -Wno-unknown-warning-option
else
  OPT := -O2
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm  # libcsv ships no .pc file
CFLAGS   := $(CFLAGS_BASE) $(OPT) $(PKG_CFLAGS)
LDFLAGS  := $(OPT) -pthread
LDLIBS    = $(PKG_LIBS)

SRC      := $(wildcard src/*/*.c src/*/*/*.c)
OBJ      := $(SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/schema.o
LIBOBJ   := $(filter-out $(BUILD)/main.o,$(OBJ))
UNIT_SRC := $(wildcard tests/unit/*/*.c tests/unit/*/*/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
VENDOR   := web/vendor/echarts.min.js

.PHONY: all deps deps-run run check test unit unit-pg api api-pg e2e asan bench fuzz fuzz-smoke clean format openapi
# The web files compressed at build time (web/FILE.gz beside web/FILE, git-
# ignored): the server sends them with Content-Encoding: gzip to clients
# that take it.
WEB_GZ   := $(addsuffix .gz,$(sort $(VENDOR) $(shell find web -type f \( -name '*.js' -o -name '*.css' \
              -o -name '*.html' -o -name '*.json' -o -name '*.svg' \) 2>/dev/null)))

all: $(BUILD)/fangkong $(VENDOR) $(WEB_GZ)

$(WEB_GZ): %.gz: %
	gzip -9 -n -c $< > $@.tmp && mv $@.tmp $@

NPROC    := $(shell nproc 2>/dev/null || echo 2)

deps:
	@sh scripts/deps.sh check

deps-run:
	@sh scripts/deps.sh run

$(BUILD)/fangkong: $(BUILD)/main.o $(LIBOBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Everything but main, for the fuzz targets (MODE=fuzz).
$(BUILD)/libfangkong.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/main.o: src/main.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/schema.c: scripts/embed-schema.sh schema $(wildcard schema/*.sql)
	@mkdir -p $(dir $@)
	sh scripts/embed-schema.sh $@

$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

web/vendor/echarts.min.js: node_modules/.fk-stamp
	@mkdir -p web/vendor
	cp node_modules/echarts/dist/echarts.min.js $@

# (a node_modules that is a link to a folder shared by several checkouts is
# left alone: reinstalling through the link would empty it for all of them)
node_modules/.fk-stamp: package.json
	@if [ -L node_modules ]; then echo "node_modules is a link: not reinstalled"; else sh scripts/deps.sh run; fi

-include $(OBJ:.o=.d)

# docs/openapi.json: the document GET /api/v1/openapi.json serves, generated
# from the route table (tests/api/openapi.test.mjs checks the copy is current).
openapi: $(BUILD)/fangkong
	$(BUILD)/fangkong routes --openapi > docs/openapi.json.tmp && mv docs/openapi.json.tmp docs/openapi.json

# ---- running ----
# Builds (in parallel), makes the demo database once, serves it with the
# request log in var/fangkong.log, and prints the logins last (scripts/run.sh).
DEMO_DB ?= var/demo.db
run: deps-run
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@DEMO_DB=$(DEMO_DB) FK_BIN=$(BUILD)/fangkong sh scripts/run.sh

# ---- tests ----
unit: $(UNIT_BIN)
	@sh scripts/run-unit.sh $(UNIT_BIN)

# The unit tests that use a database (tu_db_new) again on PostgreSQL, a
# server of their own (scripts/with-pg.sh); test_wal is about SQLite's log.
UNIT_PG_SRC := $(filter-out %/test_wal.c,$(shell grep -l tu_db_new $(UNIT_SRC) 2>/dev/null))
UNIT_PG  := $(UNIT_PG_SRC:tests/unit/%.c=$(BUILD)/tests/%)
unit-pg: $(UNIT_PG)
	@sh scripts/with-pg.sh sh scripts/run-unit.sh $(UNIT_PG)

api: all
	FK_BIN=$(CURDIR)/$(BUILD)/fangkong node --test --test-concurrency=2 tests/api/

# The API suite again on PostgreSQL: each test file's process starts a server
# of its own in a temporary folder (tests/lib/pg.mjs; postgresql-15).
api-pg: all
	FK_TEST_ENGINE=postgres FK_BIN=$(CURDIR)/$(BUILD)/fangkong node --test --test-concurrency=2 tests/api/

e2e: all
	FK_BIN=$(CURDIR)/$(BUILD)/fangkong node --test --test-concurrency=1 tests/e2e/

# (tests/lsan.supp: the font libraries' process-long caches are not leaks)
asan:
	$(MAKE) -j$(NPROC) MODE=asan all
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(MAKE) MODE=asan unit api

check: deps
	$(MAKE) -j$(NPROC) all $(UNIT_BIN)
	$(MAKE) unit api e2e
	$(MAKE) unit-pg api-pg
	$(MAKE) asan
	$(MAKE) fuzz-smoke
	@echo "make check: all suites passed"

bench: deps all
	sh bench/http.sh
	sh bench/screening.sh
	sh bench/epi.sh
	sh bench/hotline.sh
	sh bench/ledger.sh
	sh bench/mobilise.sh

# ---- fuzzing (clang's libFuzzer with ASan and UBSan; fuzz/run.sh, docs/FUZZING.md) ----
# fuzz: every target for 1,000,000 executions (FUZZ_RUNS), two at a time,
# one line each (executions, crashes, seconds); fails on any crash or
# sanitizer report.  About 20-25 minutes on the 2-core machine, most of it
# the import's million (700-1300 a second; fuzz/run.sh says why), which runs
# in one lane while the other ten share the other.
# Then the long property-based run of the whole API from its OpenAPI document
# (tests/api/fuzz-openapi.test.mjs; `make api` runs it short).
FK_API_FUZZ_RUNS ?= 40
fuzz: deps all
	FUZZ_RUNS=$${FUZZ_RUNS:-1000000} FUZZ_JOBS=$${FUZZ_JOBS:-2} sh fuzz/run.sh
	FK_API_FUZZ_RUNS=$(FK_API_FUZZ_RUNS) FK_BIN=$(CURDIR)/$(BUILD)/fangkong node --test tests/api/fuzz-openapi.test.mjs

# fuzz-smoke (part of check): each of the 12 targets for 60 s, two at a time:
# about 6 minutes of fuzzing plus a minute of building, well inside check's
# 30-minute budget.  FUZZ_SMOKE_SECONDS changes the 60.
fuzz-smoke: deps
	FUZZ_SECONDS=$${FUZZ_SMOKE_SECONDS:-60} FUZZ_JOBS=2 sh fuzz/run.sh

clean:
	rm -rf build web/vendor

format:
	clang-format -i src/*.c src/*/*.c src/*/*.h src/*/*/*.c src/*/*/*.h tests/unit/*/*.c tests/unit/*/*/*.c
