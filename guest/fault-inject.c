// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection on a new VM's interrupt setup, for the debug kernel
 * (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS).  For n = 1, 2, ...
 * make the n-th slab allocation of this thread fail (/proc/thread-self/
 * fail-nth) while it runs one of the sequences below, until a run of the
 * sequence no longer reaches an n-th allocation.  Every ioctl must then
 * succeed or fail with ENOMEM, and the same sequence must work right after
 * without injection.  Prints TAP; kmemleak and KASAN on the console do the
 * rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define NR_ROUTES 8

static int kvm_fd, failures;

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	close(fd);
}

/*
 * /proc/thread-self/fail-nth, opened once: opening it again while a failure
 * is armed would spend the countdown on the open's own allocations (and fail
 * the open itself when the count runs out there).
 */
static int fail_nth_fd = -1;

static void set_fail_nth(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(fail_nth_fd, buf, len, 0) != len) {
		printf("Bail out! cannot write fail-nth: %s\n", strerror(errno));
		exit(1);
	}
}

/* Non-zero while the armed failure has not been injected yet. */
static int fail_nth_left(void)
{
	char buf[16] = "";

	if (pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) < 0) {
		printf("Bail out! cannot read fail-nth: %s\n", strerror(errno));
		exit(1);
	}
	return atoi(buf);
}

static struct {
	struct kvm_irq_routing r;
	struct kvm_irq_routing_entry e[NR_ROUTES];
} routing;

/* Returns 0 or the errno of the first failing step; -1 for a bad errno. */
static int run(const char *seq, const char **step)
{
	struct kvm_enable_cap split = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args[0] = 24 };
	int vm, r = 0;

	*step = "KVM_CREATE_VM";
	vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		return errno;
	if (!strcmp(seq, "split")) {
		*step = "KVM_CAP_SPLIT_IRQCHIP";
		r = ioctl(vm, KVM_ENABLE_CAP, &split);
		if (!r) {
			*step = "first KVM_SET_GSI_ROUTING";
			r = ioctl(vm, KVM_SET_GSI_ROUTING, &routing);
		}
		if (!r) {
			*step = "second KVM_SET_GSI_ROUTING";
			r = ioctl(vm, KVM_SET_GSI_ROUTING, &routing);
		}
	} else {
		*step = "KVM_CREATE_IRQCHIP";
		r = ioctl(vm, KVM_CREATE_IRQCHIP, 0);
	}
	r = r ? errno : 0;
	close(vm);
	return r;
}

static void sweep(int test, const char *seq)
{
	const char *step;
	int n, r, points = 0, bad = 0;

	for (n = 1; n < 100000; n++) {
		set_fail_nth(n);
		r = run(seq, &step);
		if (fail_nth_left() > 0) {	/* never reached the n-th allocation */
			set_fail_nth(0);
			if (r) {
				printf("# %s: %s failed with errno %d without injection\n", seq, step, r);
				bad++;
			}
			break;
		}
		set_fail_nth(0);
		points++;
		if (r && r != ENOMEM) {
			printf("# %s: allocation %d: %s failed with errno %d (%s), not ENOMEM\n",
			       seq, n, step, r, strerror(r));
			bad++;
		}
		r = run(seq, &step);
		if (r) {
			printf("# %s: after allocation %d failed, %s failed again: errno %d\n",
			       seq, n, step, r);
			bad++;
		}
	}
	printf("# %s: %d allocations failed in turn\n", seq, points);
	printf("%sok %d %s: each failed allocation gives ENOMEM or success, and the next try works\n",
	       bad ? "not " : "", test, seq);
	failures += !!bad;
}

int main(void)
{
	int i;

	printf("TAP version 13\n1..2\n");
	kvm_fd = open("/dev/kvm", O_RDWR);
	if (kvm_fd < 0 || access("/sys/kernel/debug/failslab", F_OK)) {
		printf("1..0 # SKIP needs /dev/kvm and failslab\n");
		return 4;
	}
	/* GFP_KERNEL allocations may sleep; fail them too, and do it quietly. */
	write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N");
	write_file("/sys/kernel/debug/failslab/verbose", "0");
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fail_nth_fd < 0) {
		printf("Bail out! cannot open /proc/thread-self/fail-nth: %s\n", strerror(errno));
		return 1;
	}

	routing.r.nr = NR_ROUTES;
	for (i = 0; i < NR_ROUTES; i++) {
		routing.e[i].gsi = i;
		routing.e[i].type = KVM_IRQ_ROUTING_MSI;
		routing.e[i].u.msi.address_lo = 0xfee00000;
		routing.e[i].u.msi.data = 0x40 + i;
	}
	sweep(1, "split");
	sweep(2, "irqchip");
	return failures ? 1 : 0;
}
