# SPDX-License-Identifier: GPL-2.0
# Entry points.  Each target is one script in scripts/; the scripts can also
# be run on their own.  SERIES_DIR=<dir> picks another series (default series/).

S := scripts
# make test and make bench run every series (SERIES="..." or SERIES_DIR=<dir>
# picks; see SERIES_ALL in scripts/lib.sh), but make test leaves a series
# whose harness.conf says SERIES_FULL_ONLY=1 to make test-full; the other
# targets work on SERIES_DIR, default series/.  With TEST_ARCH=arm64 in the
# environment, make kernel, selftests, initramfs, boot and summary work on arm64.

.PHONY: help test test-full bench bench-report debug-test debug-test-base mutants fetch tree kernel selftests initramfs boot summary devtree export clean

help:
	@echo "make bench      the main job: base vs patched irq setup latency, table and plot, per series"
	@echo "make bench-report  the tables, CSVs and plots of make bench again, from its saved logs"
	@echo "make test       for each series: fetch, apply, check, build, boot, run KUnit + selftests; one TAP summary"
	@echo "make test-full  make test, plus series-6.1/, riscv64, the RFC on arm64, every debug kernel and the mutants (what CI leaves out)"
	@echo "make debug-test the same tests on a KASAN/lockdep/kmemleak kernel"
	@echo "make debug-test-base  the same on the pristine base, for comparison"
	@echo "make mutants    show that the tests fail on deliberately broken kernels (<series>/mutants.*)"
	@echo "make fetch      fetch and unpack the pinned base (series/base.conf)"
	@echo "make tree       apply the series to a fresh test tree"
	@echo "make kernel     build the test kernel"
	@echo "make selftests  build the KVM selftests"
	@echo "make initramfs  pack the guest's initramfs"
	@echo "make boot       boot the guest and run the tests (console log in the cache)"
	@echo "make summary    TAP summary of the last boot's console log"
	@echo "make devtree    a tree with the series applied for you to work in"
	@echo "make export     write the devtree's commits back to series/"
	@echo "make clean      remove SERIES_DIR's work directory (builds, logs; keeps the bases, ccache, results)"

test:
	$(S)/test.sh

test-full:
	TEST_FULL=1 $(S)/test.sh

bench:
	set -e; for s in $$($(S)/where.sh SERIES_ALL); do SERIES_DIR=$$s $(S)/bench.sh; done

bench-report:
	set -e; for s in $$($(S)/where.sh SERIES_ALL); do SERIES_DIR=$$s $(S)/bench-report.sh; done

debug-test:
	$(S)/debug-test.sh

debug-test-base:
	$(S)/debug-test.sh --base

mutants:
	$(S)/check-mutants.sh

fetch:
	$(S)/fetch-base.sh

tree: fetch
	$(S)/apply-series.sh

kernel: tree
	$(S)/build-kernel.sh

selftests: tree
	$(S)/build-selftests.sh

initramfs: selftests
	$(S)/make-initramfs.sh

boot: kernel initramfs
	$(S)/run-guest.sh

summary:
	$(S)/summarize.sh "$$($(S)/where.sh WORK)/logs/console$$($(S)/where.sh ARCH_SUFFIX).log"

devtree: fetch
	$(S)/apply-series.sh --dev $(DIR)

export:
	$(S)/export-series.sh $(DIR)

clean:
	rm -rf "$$($(S)/where.sh WORK)"
