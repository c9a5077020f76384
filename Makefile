# rigor — build, test and install.
#
#   make            build ./rigor (objects under build/)
#   make deps       install the Debian packages the build and the tests need
#   make check      build and run every test; ends with "N passed, N failed"
#   make asan       the same tests under AddressSanitizer + UBSan (build/asan/)
#   make demo       the main job: a real comparison on loopback, ending in a report
#   make examples   rebuild docs/examples/ from the datasets in datasets/
#   make bench      side-by-side benchmarks against the peers (slow; writes docs/)
#   make fuzz       the fuzz targets as replay drivers; FUZZ=1 CC=clang: libFuzzer binaries
#   make fuzz-run   FUZZ=1 CC=clang, then FUZZ_TIME seconds of libFuzzer on every target
#   make install    PREFIX=/usr/local DESTDIR=
#
# Packages: before compiling anything, every goal runs tools/deps.sh with what it needs
# (build; demo adds gnuplot; check/asan the test tools; bench the peers; FUZZ=1 clang): as
# root it installs what is missing, as anyone else it stops with the exact apt-get line.
# So `make check` and `make demo` each work as the first command after a clone on Debian.
# NO_DEPS=1 skips the check (another distribution: install the equivalents yourself).
#
# Sources are found by wildcard: every module directory contributes its *.c files
# to build/librigor.a; core/main.c is the only file linked into ./rigor alone.
# Unit tests are tests/unit/MODULE/test_*.c, one executable each, linked with the library.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc

# FUZZ=1: libFuzzer binaries, with the library instrumented for coverage and built with
# ASan + UBSan, in a build directory of their own (the replay drivers stay in build/).
# libFuzzer comes with clang: CC defaults to clang then, and another compiler is refused.
ifeq ($(FUZZ),1)
ifeq ($(origin CC),default)
CC      := clang
endif
BUILD   := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
EXTRA_CFLAGS += -fsanitize=fuzzer-no-link $(FUZZ_SAN) -O1
EXTRA_LDFLAGS += $(FUZZ_SAN)
FUZZ_MAIN := -fsanitize=fuzzer
else
FUZZ_MAIN := tests/fuzz/replay.c
endif
FUZZ_TIME ?= 60
PKGS    := libpcap gsl jansson zlib expat openssl liburing
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)

# Which tools/deps.sh profiles the goals on the command line need (the build always).
DEPS_FOR_check := test
DEPS_FOR_asan := test
DEPS_FOR_tests := test
DEPS_FOR_demo := demo
DEPS_FOR_examples := demo
DEPS_FOR_bench := bench
DEPS_FOR_fuzz := $(if $(filter 1,$(FUZZ)),fuzz)
DEPS_FOR_fuzz-run := fuzz
DEPS_PROFILES := build $(sort $(foreach g,$(MAKECMDGOALS),$(DEPS_FOR_$(g))))

# pkg-config runs once, when the first compile command is expanded, which is after
# need-deps has installed the packages: a := here would run it when the Makefile is read,
# before the .pc files exist on a fresh machine.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null))$(PKG_LIBS)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -I. $(PKG_CFLAGS)
LDLIBS  = $(PKG_LIBS) -lcsv -lhttp_parser -lm -pthread
ALL_LDFLAGS := $(LDFLAGS) $(EXTRA_LDFLAGS)

MODULES := core loadgen serve capture analyze report import plan
LIB_SRC := $(filter-out core/main.c,$(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/unit/*/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
DEPS    := $(LIB_OBJ:.o=.d) $(BUILD)/core/main.d $(TEST_BIN:=.d) $(FUZZ_BIN:=.d)

.PHONY: FORCE all deps need-deps check asan demo examples bench install uninstall clean tests \
        fuzz fuzz-cc fuzz-run

all: rigor

# ./rigor is a copy of the default build so the README's commands work from the root
# (copied then renamed, so a running ./rigor does not make the build fail).
rigor: $(BUILD)/rigor
	@cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/rigor: $(BUILD)/core/main.o $(BUILD)/librigor.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/librigor.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# V=1 shows the full compiler command lines.
Q := $(if $(V),,@)

# Every compile waits for need-deps (order-only: it never makes an object out of date).
need-deps:
	@$(if $(filter 1,$(NO_DEPS)),:,sh tools/deps.sh -q $(DEPS_PROFILES:%=--%))

$(BUILD)/%.o: %.c | need-deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The version is compiled into one object, rebuilt every time so it is never stale.
$(BUILD)/core/cli.o: ALL_CFLAGS += -DRIGOR_VERSION='"$(VERSION)"'
$(BUILD)/core/cli.o: FORCE
FORCE:

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/librigor.a | need-deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(BUILD)/librigor.a $(LDLIBS)

# Fuzz targets build as plain replay drivers (tests/fuzz/replay.c feeds files or
# directories to LLVMFuzzerTestOneInput), which `make check` runs over the corpus; with
# FUZZ=1 (clang) the same sources link with libFuzzer's main instead.
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/librigor.a | fuzz-cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(FUZZ_MAIN) $(BUILD)/librigor.a $(LDLIBS)

tests: $(BUILD)/rigor $(TEST_BIN) $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
ifeq ($(FUZZ),1)
	@echo "fuzz: libFuzzer binaries in $(BUILD)/fuzz/ (ASan + UBSan); run one with:"
	@echo "  mkdir -p $(BUILD)/corpus/fuzz_dataset && $(BUILD)/fuzz/fuzz_dataset -max_total_time=60 $(BUILD)/corpus/fuzz_dataset tests/fuzz/corpus/fuzz_dataset"
	@echo "or all of them, FUZZ_TIME seconds each: make fuzz-run"
endif

fuzz-cc:
	@$(if $(filter 1,$(FUZZ)),$(CC) --version 2>/dev/null | grep -q clang || \
	    { echo "make: FUZZ=1 needs clang (libFuzzer): make fuzz FUZZ=1 CC=clang" >&2; exit 2; })

# One command for a fuzzing session: every target for FUZZ_TIME seconds, new inputs in
# build/fuzz/corpus/NAME/ (the committed corpus is read, never written), crashes in
# build/fuzz/crashes/. Fails at the first target that finds a crash.
fuzz-run:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz
	@sh tests/fuzz/fuzz-run.sh build/fuzz $(FUZZ_TIME)

check: need-deps rigor tests
	@RIGOR=$(abspath $(BUILD)/rigor) BUILD=$(abspath $(BUILD)) sh tests/run.sh

asan: need-deps
	$(MAKE) BUILD=build/asan \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    RIGOR=$(abspath build/asan/rigor) BUILD=$(abspath build/asan) RIGOR_ASAN=1 sh tests/run.sh

deps:
	@sh tools/deps.sh

demo: need-deps rigor
	@sh examples/demo.sh

examples: need-deps rigor
	@sh docs/examples/build.sh

bench: need-deps rigor
	@for b in bench/*.sh; do echo "== $$b"; sh $$b || exit 1; done

install: rigor
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/doc/rigor
	install -m 755 rigor $(DESTDIR)$(PREFIX)/bin/rigor
	install -m 644 docs/rigor.1 $(DESTDIR)$(PREFIX)/share/man/man1/rigor.1
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/rigor/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/rigor $(DESTDIR)$(PREFIX)/share/man/man1/rigor.1
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/rigor

clean:
	rm -rf build rigor

-include $(DEPS)
