# The C ABI (capi/): libpayment_sim, its generated header, the C harness, the C/C++ examples
# and the install.
#   make lib            build target/$(PROFILE)/libpayment_sim.{so,a}
#   make header         regenerate include/payment_sim.h and include/payment_sim_cdef.h
#   make header-check   fail if the committed headers are stale; compile the header as C99 and C++
#   make test-c         build and run the C tests (tests/c/: the harness, schedule, stress, report)
#   make valgrind       the harness and the examples under valgrind: 0 errors, 0 bytes lost
#   make asan           the harness under AddressSanitizer + LeakSanitizer + UBSan
#   make examples       build and run examples/c (C and C++)
#   make install PREFIX=/usr/local [DESTDIR=...]   library, header, pkg-config file
#   make install-check  install into build/capi/prefix and build an example with pkg-config
#   make capi-bench     cost of psim_sim_tick and psim_sim_run(10000) (reports, asserts nothing)

CAPI_LIB_DIR := $(abspath $(TARGET_DIR))
CAPI_SO := $(TARGET_DIR)/libpayment_sim.so
CAPI_A := $(TARGET_DIR)/libpayment_sim.a
CAPI_BUILD := build/capi
CAPI_HEADER := include/payment_sim.h
CAPI_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
CAPI_ABI := $(shell sed -n 's/^\#define PSIM_ABI_VERSION //p' $(CAPI_HEADER))
# What a static link of libpayment_sim.a needs besides it (rustc --print native-static-libs).
CAPI_NATIVE_STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

CC ?= cc
CXX ?= c++
CAPI_WARN := -Wall -Wextra -Werror -pedantic
CAPI_CFLAGS := -std=c99 $(CAPI_WARN) -g -O1 -Iinclude
CAPI_CXXFLAGS := -std=c++17 $(CAPI_WARN) -g -O1 -Iinclude
CAPI_LDLIBS := -L$(CAPI_LIB_DIR) -lpayment_sim -Wl,-rpath,$(CAPI_LIB_DIR) -pthread
CAPI_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
HARNESS_CYCLES ?= 2000
VALGRIND ?= valgrind
VALGRIND_FLAGS := --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
	--show-leak-kinds=definite,indirect,possible --error-exitcode=1

PREFIX ?= /usr/local
DESTDIR ?=
CAPI_INSTALL_LIB := $(DESTDIR)$(PREFIX)/lib
CAPI_INSTALL_INCLUDE := $(DESTDIR)$(PREFIX)/include
CAPI_CHECK_PREFIX := $(abspath $(CAPI_BUILD)/prefix)

CAPI_EXAMPLES := $(CAPI_BUILD)/minimal $(CAPI_BUILD)/gridlock_ring $(CAPI_BUILD)/raii_wrapper
# Each example with its arguments, run from the repository root.
CAPI_EXAMPLE_RUNS := "$(CAPI_BUILD)/minimal examples/c/minimal.json" \
	"$(CAPI_BUILD)/gridlock_ring examples/c/gridlock_ring.json" \
	"$(CAPI_BUILD)/raii_wrapper examples/c/minimal.json"

TEST_TARGETS += header-check asan valgrind examples install-check

.PHONY: lib header header-check test-c valgrind asan examples install install-check capi-bench

# The library comes from the same workspace build as everything else (one feature set, so no
# rebuilds); the soname carries the ABI version, hence the .so.N link for in-tree programs.
lib:
	$(CARGO) build --workspace --lib $(CARGO_PROFILE_FLAG)
	ln -sf libpayment_sim.so $(TARGET_DIR)/libpayment_sim.so.$(CAPI_ABI)

header:
	PSIM_BLESS_HEADER=1 $(CARGO) test --workspace $(CARGO_PROFILE_FLAG) --test header -- --nocapture

header-check: | $(CAPI_BUILD)
	$(CARGO) test --workspace $(CARGO_PROFILE_FLAG) --test header
	printf '#include "payment_sim.h"\nint main(void) { return psim_abi_version() == PSIM_ABI_VERSION ? 0 : 1; }\n' \
		> $(CAPI_BUILD)/header_check.c
	$(CC) $(CAPI_CFLAGS) -fsyntax-only $(CAPI_BUILD)/header_check.c
	$(CXX) -std=c++11 $(CAPI_WARN) -Iinclude -fsyntax-only -x c++ $(CAPI_BUILD)/header_check.c
	@echo "header-check: include/payment_sim.h is current and compiles as C99 and C++11"

$(CAPI_BUILD):
	mkdir -p $@

# The C tests: the harness (several files) and the schedule's and stress tester's tests, each
# a binary linking the shared framework (tests/c/check.c).
TEST_C_COMMON := tests/c/check.c tests/c/check.h $(CAPI_HEADER)
HARNESS_SRC := tests/c/harness.c tests/c/harness_documents.c tests/c/harness_threads.c
TEST_C_SOURCES = $(filter %.c,$^)

$(CAPI_BUILD)/harness: $(HARNESS_SRC) tests/c/harness.h $(TEST_C_COMMON) lib | $(CAPI_BUILD)
	$(CC) $(CAPI_CFLAGS) $(TEST_C_SOURCES) -o $@ $(CAPI_LDLIBS)

$(CAPI_BUILD)/harness-asan: $(HARNESS_SRC) tests/c/harness.h $(TEST_C_COMMON) lib | $(CAPI_BUILD)
	$(CC) $(CAPI_CFLAGS) $(CAPI_SANITIZE) $(TEST_C_SOURCES) -o $@ $(CAPI_LDLIBS)

$(CAPI_BUILD)/%_test: tests/c/%.c $(TEST_C_COMMON) lib | $(CAPI_BUILD)
	$(CC) $(CAPI_CFLAGS) $(TEST_C_SOURCES) -o $@ $(CAPI_LDLIBS)

$(CAPI_BUILD)/%_test-asan: tests/c/%.c $(TEST_C_COMMON) lib | $(CAPI_BUILD)
	$(CC) $(CAPI_CFLAGS) $(CAPI_SANITIZE) $(TEST_C_SOURCES) -o $@ $(CAPI_LDLIBS)

$(CAPI_BUILD)/%: examples/c/%.c $(CAPI_HEADER) lib | $(CAPI_BUILD)
	$(CC) $(CAPI_CFLAGS) $< -o $@ $(CAPI_LDLIBS)

$(CAPI_BUILD)/%: examples/c/%.cpp $(CAPI_HEADER) lib | $(CAPI_BUILD)
	$(CXX) $(CAPI_CXXFLAGS) $< -o $@ $(CAPI_LDLIBS)

test-c: $(CAPI_BUILD)/harness $(CAPI_BUILD)/schedule_test $(CAPI_BUILD)/stress_test $(CAPI_BUILD)/report_test $(CAPI_BUILD)/experiment_test $(CAPI_BUILD)/host_policy_test
	$(CAPI_BUILD)/harness $(HARNESS_CYCLES)
	$(CAPI_BUILD)/schedule_test
	$(CAPI_BUILD)/stress_test
	$(CAPI_BUILD)/report_test
	$(CAPI_BUILD)/experiment_test
	$(CAPI_BUILD)/host_policy_test

valgrind: $(CAPI_BUILD)/harness $(CAPI_BUILD)/schedule_test $(CAPI_BUILD)/stress_test $(CAPI_BUILD)/report_test $(CAPI_BUILD)/experiment_test $(CAPI_BUILD)/host_policy_test $(CAPI_EXAMPLES)
	@command -v $(VALGRIND) >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 1; }
	RUST_BACKTRACE=0 $(VALGRIND) $(VALGRIND_FLAGS) $(CAPI_BUILD)/harness $(HARNESS_CYCLES)
	RUST_BACKTRACE=0 $(VALGRIND) $(VALGRIND_FLAGS) $(CAPI_BUILD)/schedule_test
	RUST_BACKTRACE=0 $(VALGRIND) $(VALGRIND_FLAGS) $(CAPI_BUILD)/stress_test
	RUST_BACKTRACE=0 $(VALGRIND) $(VALGRIND_FLAGS) $(CAPI_BUILD)/report_test
	RUST_BACKTRACE=0 $(VALGRIND) $(VALGRIND_FLAGS) $(CAPI_BUILD)/experiment_test
	RUST_BACKTRACE=0 $(VALGRIND) $(VALGRIND_FLAGS) $(CAPI_BUILD)/host_policy_test
	for run in $(CAPI_EXAMPLE_RUNS); do \
		RUST_BACKTRACE=0 $(VALGRIND) $(VALGRIND_FLAGS) --quiet $$run > /dev/null; \
	done
	@echo "valgrind: harness and examples clean (0 errors, 0 bytes lost)"

asan: $(CAPI_BUILD)/harness-asan $(CAPI_BUILD)/schedule_test-asan $(CAPI_BUILD)/stress_test-asan $(CAPI_BUILD)/report_test-asan $(CAPI_BUILD)/experiment_test-asan $(CAPI_BUILD)/host_policy_test-asan
	RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 $(CAPI_BUILD)/harness-asan $(HARNESS_CYCLES)
	RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 $(CAPI_BUILD)/schedule_test-asan
	RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 $(CAPI_BUILD)/stress_test-asan
	RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 $(CAPI_BUILD)/report_test-asan
	RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 $(CAPI_BUILD)/experiment_test-asan
	RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1 $(CAPI_BUILD)/host_policy_test-asan

examples: $(CAPI_EXAMPLES)
	for run in $(CAPI_EXAMPLE_RUNS); do echo "+ $$run"; $$run; done

install: lib
	install -d $(CAPI_INSTALL_LIB)/pkgconfig $(CAPI_INSTALL_INCLUDE)
	install -m 0755 $(CAPI_SO) $(CAPI_INSTALL_LIB)/libpayment_sim.so.$(CAPI_ABI)
	ln -sf libpayment_sim.so.$(CAPI_ABI) $(CAPI_INSTALL_LIB)/libpayment_sim.so
	install -m 0644 $(CAPI_A) $(CAPI_INSTALL_LIB)/libpayment_sim.a
	install -m 0644 $(CAPI_HEADER) $(CAPI_INSTALL_INCLUDE)/payment_sim.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(CAPI_VERSION)|' \
		-e 's|@URL@|$(shell sed -n 's/^repository = "\(.*\)"/\1/p' Cargo.toml | head -n 1)|' \
		-e 's|@NATIVE_STATIC_LIBS@|$(CAPI_NATIVE_STATIC_LIBS)|' \
		capi/payment_sim.pc.in > $(CAPI_INSTALL_LIB)/pkgconfig/payment_sim.pc
	@echo "installed libpayment_sim $(CAPI_VERSION) (ABI $(CAPI_ABI)) into $(DESTDIR)$(PREFIX)"

# Install into a scratch prefix, then build the minimal example against the installed copy
# only, dynamically through pkg-config and statically from libpayment_sim.a.
install-check: | $(CAPI_BUILD)
	rm -rf $(CAPI_CHECK_PREFIX)
	$(MAKE) --no-print-directory install PREFIX=$(CAPI_CHECK_PREFIX) DESTDIR=
	export PKG_CONFIG_PATH=$(CAPI_CHECK_PREFIX)/lib/pkgconfig; \
	libdir=$$(pkg-config --variable=libdir payment_sim); \
	$(CC) -std=c99 $(CAPI_WARN) examples/c/minimal.c $$(pkg-config --cflags --libs payment_sim) \
		-Wl,-rpath,$$libdir -o $(CAPI_BUILD)/minimal-installed; \
	$(CC) -std=c99 $(CAPI_WARN) examples/c/minimal.c $$(pkg-config --cflags payment_sim) \
		$$libdir/libpayment_sim.a $$(pkg-config --static --libs-only-l payment_sim | sed 's/-lpayment_sim //') \
		-o $(CAPI_BUILD)/minimal-static; \
	ldd $(CAPI_BUILD)/minimal-installed | grep "$$libdir/libpayment_sim.so.$(CAPI_ABI)" > /dev/null; \
	if ldd $(CAPI_BUILD)/minimal-static | grep libpayment_sim; then \
		echo "minimal-static still needs the shared library"; exit 1; fi
	$(CAPI_BUILD)/minimal-installed examples/c/minimal.json > /dev/null
	$(CAPI_BUILD)/minimal-static examples/c/minimal.json > /dev/null
	@echo "install-check: built and ran examples/c/minimal.c against the installed library (shared via pkg-config, and static)"

capi-bench: lib | $(CAPI_BUILD)
	$(CC) -std=c99 $(CAPI_WARN) -O2 -Iinclude tests/c/bench.c -o $(CAPI_BUILD)/bench $(CAPI_LDLIBS)
	$(CAPI_BUILD)/bench
