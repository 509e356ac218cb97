// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD library that guest/vmm-bringup loads into a real VMM (QEMU) to
 * see each irq routing update it makes, without changing the kernel under
 * test.
 *
 * For every ioctl that installs or replaces a VM's irq routing table,
 * KVM_CREATE_IRQCHIP (default routes), KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP)
 * and KVM_SET_GSI_ROUTING, one line is appended to $VMM_SHIM_LOG:
 *
 *   <ioctl> seq=<n> rc=<0|-errno> nr=<routes> class=<class> us=<wall time>
 *   sleeps=<n> gsis=<list>
 *
 * and the ioctl is bracketed in the kernel's trace buffer by two markers,
 * "vmm-shim begin <seq>" and "vmm-shim end <seq>" (written to
 * $VMM_SHIM_TRACE_MARKER, if set), so that guest/vmm-bringup can tell which
 * grace periods the function tracer saw this thread wait for inside it.
 *
 * sleeps is how many times the calling thread blocked in the ioctl: its
 * voluntary context switches, which the kernel counts (getrusage() with
 * RUSAGE_THREAD).  Waiting for an SRCU grace period blocks, but so may
 * other things; the trace says which waits were grace periods.
 *
 * class compares a KVM_SET_GSI_ROUTING table with the one before it, per
 * GSI and in order, as series-rfc does in the kernel (but stricter: whole
 * entries are compared, so "adds" or "same" here is never a change there):
 *   first    the VM's first table (the one it replaces is the initial empty
 *            one, or the irqchip's default routes: see "ioctl" before it)
 *   same     every GSI has exactly the routes it had
 *   adds     as "same", plus routes for GSIs that had none
 *   modifies a GSI that had routes has different ones (none lost)
 *   removes  a GSI that had routes has none now
 * and gsis names the GSIs that make it "modifies" or "removes" (the first
 * MAX_NAMED of them, comma-separated; "-" for the other classes), so that
 * an update that waits can be traced to the VMM code that changed those
 * routes (on x86 QEMU: GSIs 0-23 are the IOAPIC's pins, later ones MSIs).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#define MAX_GSI 4096
#define MAX_NAMED 8

static int (*real_ioctl)(int fd, unsigned long req, ...);
static int log_fd = -1;
static int marker_fd = -1;
static unsigned int seq;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The previous KVM_SET_GSI_ROUTING table (NULL: none yet). */
static struct kvm_irq_routing_entry *prev;
static unsigned int prev_nr;

__attribute__((constructor)) static void shim_init(void)
{
	const char *path = getenv("VMM_SHIM_LOG");
	const char *marker = getenv("VMM_SHIM_TRACE_MARKER");

	real_ioctl = dlsym(RTLD_NEXT, "ioctl");
	if (path)
		log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (marker)
		marker_fd = open(marker, O_WRONLY | O_CLOEXEC);
}

static void mark(const char *what, unsigned int n)
{
	char line[48];
	int len;

	if (marker_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "vmm-shim %s %u\n", what, n);
	/* A lost marker shows as an update that the trace does not cover. */
	(void)!write(marker_fd, line, len);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long thread_sleeps(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -1;
	return ru.ru_nvcsw;
}

static int entry_eq(const struct kvm_irq_routing_entry *a,
		    const struct kvm_irq_routing_entry *b)
{
	return a->gsi == b->gsi && a->type == b->type && a->flags == b->flags &&
	       !memcmp(&a->u, &b->u, sizeof(a->u));
}

/* The routes of @gsi in @t, in order: the n-th one, or NULL. */
static const struct kvm_irq_routing_entry *
nth_route(const struct kvm_irq_routing_entry *t, unsigned int nr,
	  unsigned int gsi, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (t[i].gsi == gsi && n-- == 0)
			return &t[i];
	return NULL;
}

/* The GSIs that classify() found changed or removed, for the log line. */
static char named[MAX_NAMED * 6 + 2];
static unsigned int nnamed;

static void name_gsi(unsigned int gsi)
{
	size_t len = strlen(named);

	if (nnamed++ < MAX_NAMED)
		snprintf(named + len, sizeof(named) - len, "%s%u", len ? "," : "", gsi);
}

static const char *classify(const struct kvm_irq_routing_entry *t,
			    unsigned int nr)
{
	static unsigned char seen[MAX_GSI];
	int added = 0, modified = 0, removed = 0;
	unsigned int i, n, gsi;

	if (!prev)
		return "first";
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < prev_nr; i++) {
		gsi = prev[i].gsi;
		if (gsi >= MAX_GSI || seen[gsi])
			continue;
		seen[gsi] = 1;
		if (!nth_route(t, nr, gsi, 0)) {
			removed = 1;
			name_gsi(gsi);
			continue;
		}
		for (n = 0; ; n++) {
			const struct kvm_irq_routing_entry *a = nth_route(prev, prev_nr, gsi, n);
			const struct kvm_irq_routing_entry *b = nth_route(t, nr, gsi, n);

			if (!a && !b)
				break;
			if (!a || !b || !entry_eq(a, b)) {
				modified = 1;
				name_gsi(gsi);
				break;
			}
		}
	}
	for (i = 0; i < nr; i++)
		if (t[i].gsi < MAX_GSI && !seen[t[i].gsi])
			added = 1;
	if (removed)
		return "removes";
	if (modified)
		return "modifies";
	return added ? "adds" : "same";
}

static void remember(const struct kvm_irq_routing *r)
{
	size_t size = r->nr * sizeof(r->entries[0]);

	free(prev);
	prev = malloc(size ? size : 1);
	if (prev)
		memcpy(prev, r->entries, size);
	prev_nr = prev ? r->nr : 0;
}

static int timed(const char *what, int fd, unsigned long req, void *arg,
		 const struct kvm_irq_routing *r)
{
	const char *class = "-";
	long long t0, t1;
	long s0, s1;
	char line[224];
	int rc, err, len;

	pthread_mutex_lock(&lock);
	/* No GSI named yet for this ioctl (classify() names them). */
	named[0] = 0;
	nnamed = 0;
	if (r)
		class = classify(r->entries, r->nr);
	seq++;
	mark("begin", seq);
	s0 = thread_sleeps();
	t0 = now_ns();
	rc = real_ioctl(fd, req, arg);
	err = errno;
	t1 = now_ns();
	s1 = thread_sleeps();
	mark("end", seq);
	if (r && !rc)
		remember(r);
	if (log_fd >= 0) {
		len = snprintf(line, sizeof(line), "%s seq=%u rc=%d nr=%u class=%s us=%lld sleeps=%ld gsis=%s\n",
			       what, seq, rc ? -err : 0, r ? r->nr : 0, class,
			       (t1 - t0) / 1000, s1 - s0, named[0] ? named : "-");
		/* A lost line shows as a count that does not add up. */
		(void)!write(log_fd, line, len);
	}
	pthread_mutex_unlock(&lock);
	errno = err;
	return rc;
}

int ioctl(int fd, unsigned long req, ...)
{
	struct kvm_enable_cap *cap;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	switch (req) {
	case KVM_CREATE_IRQCHIP:
		return timed("KVM_CREATE_IRQCHIP", fd, req, arg, NULL);
	case KVM_ENABLE_CAP:
		cap = arg;
		if (cap && cap->cap == KVM_CAP_SPLIT_IRQCHIP)
			return timed("KVM_CAP_SPLIT_IRQCHIP", fd, req, arg, NULL);
		break;
	case KVM_SET_GSI_ROUTING:
		return timed("KVM_SET_GSI_ROUTING", fd, req, arg, arg);
	}
	return real_ioctl(fd, req, arg);
}
