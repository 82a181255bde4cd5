# The R package (bindings/r): built against libpayment_sim installed through its pkg-config
# file (as a user would), into a project-local R library; then its tests and R CMD check.
#   make test-r      library → build/r/prefix; package → build/r-lib; testthat; R CMD check
#   make r-install   only the two installs
#   make valgrind-r  the glue's tests (not the 1,000 cycles) inside R under valgrind: 0 errors,
#                    0 bytes definitely lost (≈ 3 min; not in make test)
#   make bench-r     ticks/s of the seed workload through sim_tick() and sim_run() (reports only)
# R itself comes from Debian (r-base-core, r-cran-jsonlite, r-cran-testthat): .ci/run installs it.

R_BUILD := build/r
R_LIB := $(abspath build/r-lib)
R_PREFIX := $(abspath $(R_BUILD)/prefix)
# pkg-config finds the installed library; the tests find the scenarios and the CLI here.
R_ENV := PKG_CONFIG_PATH=$(R_PREFIX)/lib/pkgconfig R_LIBS=$(R_LIB) PAYMENT_SIM_HOME=$(CURDIR) \
	PSIM_CLI=$(CURDIR)/$(CLI_BIN) PSIM_REQUIRE_NATIVE=1
# No HTML validator (tidy) on a minimal R install: skip that check rather than note it. CRAN is
# not reachable: R CMD check's dependency step reads an empty local repository instead.
R_CHECK_ENV := _R_CHECK_RD_VALIDATE_RD2HTML_=false _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false \
	R_PROFILE_USER=$(abspath $(R_BUILD))/check-profile.R

.PHONY: r-install test-r valgrind-r bench-r

r-install: lib
	@command -v R >/dev/null || { echo "R is not installed (apt-get install --no-install-recommends r-base-core r-cran-jsonlite r-cran-testthat)"; exit 1; }
	rm -rf $(R_PREFIX)
	$(MAKE) --no-print-directory install PREFIX=$(R_PREFIX) DESTDIR=
	mkdir -p $(R_LIB)
	$(R_ENV) R CMD INSTALL --preclean --no-multiarch --library=$(R_LIB) bindings/r
	bindings/r/cleanup

# The suite runs twice: directly (readable output, a closing count) and inside R CMD check
# (on the built tarball, as CRAN-style checks do), which must end with no ERROR or WARNING.
test-r: cli-build r-install
	cd bindings/r && $(R_ENV) Rscript tools/run_tests.R
	rm -rf $(R_BUILD)/check && mkdir -p $(R_BUILD)/check $(R_BUILD)/repo/src/contrib
	: > $(R_BUILD)/repo/src/contrib/PACKAGES
	echo 'options(repos = c(local = "file://$(abspath $(R_BUILD))/repo"))' > $(R_BUILD)/check-profile.R
	cd $(R_BUILD)/check && R CMD build --no-build-vignettes $(CURDIR)/bindings/r
	cd $(R_BUILD)/check && $(R_ENV) $(R_CHECK_ENV) R CMD check --no-manual paymentsim_*.tar.gz
	@if grep -E "^Status: .*(ERROR|WARNING)" $(R_BUILD)/check/paymentsim.Rcheck/00check.log; then \
		echo "R CMD check: errors or warnings (see $(R_BUILD)/check/paymentsim.Rcheck/00check.log)"; exit 1; fi
	@echo "test-r: tests passed; R CMD check --no-manual: no errors, no warnings"

valgrind-r: cli-build r-install
	cd bindings/r && $(R_ENV) R -d "$(VALGRIND) --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite" \
		--vanilla --no-echo -f tools/run_tests.R --args "creation|ticks|state|errors|gridlock|schedule|indicators|stress"

bench-r: r-install
	$(R_ENV) Rscript bindings/r/tools/bench_ticks.R

TEST_TARGETS += test-r
