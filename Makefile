# rigor — build, test and install.
#
#   make            build ./rigor (objects under build/)
#   make deps       install the Debian packages the build and the tests need
#   make check      build and run every test; ends with "N passed, N failed"
#   make asan       the same tests under AddressSanitizer + UBSan (build/asan/)
#   make demo       the main job: a real comparison on loopback, ending in a report
#   make examples   rebuild docs/examples/ from the datasets in datasets/
#   make bench      side-by-side benchmarks against the peers (slow; writes docs/)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: every module directory contributes its *.c files
# to build/librigor.a; core/main.c is the only file linked into ./rigor alone.
# Unit tests are tests/unit/MODULE/test_*.c, one executable each, linked with the library.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
PKGS    := libpcap gsl jansson openssl
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) \
           -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhttp_parser -lm -pthread
ALL_LDFLAGS := $(LDFLAGS) $(EXTRA_LDFLAGS)

MODULES := core loadgen serve capture analyze report plan
LIB_SRC := $(filter-out core/main.c,$(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/unit/*/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
DEPS    := $(LIB_OBJ:.o=.d) $(BUILD)/core/main.d $(TEST_BIN:=.d) $(FUZZ_BIN:=.d)

.PHONY: FORCE all deps check asan demo examples bench install uninstall clean tests fuzz

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

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The version is compiled into one object, rebuilt every time so it is never stale.
$(BUILD)/core/cli.o: ALL_CFLAGS += -DRIGOR_VERSION='"$(VERSION)"'
$(BUILD)/core/cli.o: FORCE
FORCE:

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/librigor.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(BUILD)/librigor.a $(LDLIBS)

# Fuzz targets build as plain replay drivers (tests/fuzz/replay.c feeds files or
# directories to LLVMFuzzerTestOneInput); with clang, FUZZ=1 builds libFuzzer binaries.
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/librigor.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/librigor.a $(LDLIBS)

tests: $(BUILD)/rigor $(TEST_BIN) $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)

check: rigor tests
	@RIGOR=$(abspath $(BUILD)/rigor) BUILD=$(abspath $(BUILD)) sh tests/run.sh

asan:
	$(MAKE) BUILD=build/asan \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    RIGOR=$(abspath build/asan/rigor) BUILD=$(abspath build/asan) RIGOR_ASAN=1 sh tests/run.sh

deps:
	@sh tools/deps.sh

demo: rigor
	@sh examples/demo.sh

examples: rigor
	@sh docs/examples/build.sh

bench: rigor
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
