// SPDX-License-Identifier: GPL-2.0
/*
 * Count the grace periods that the in-kernel irqchip's initialisation and
 * the routing updates after it wait for, on arm64 (vGIC) and riscv64 (AIA).
 * KVM_DEV_ARM_VGIC_CTRL_INIT and KVM_DEV_RISCV_AIA_CTRL_INIT install the
 * irqchip's default GSI routing with kvm_set_irq_routing(), in place of the
 * routing table every VM starts with; with the series that replacement
 * completes no grace period of kvm->irq_srcu, on the base it waits for
 * one.  Then three KVM_SET_GSI_ROUTING: one that changes a route of the
 * default routing (and drops the others), which waits for exactly one on
 * every kernel, so that a tracer that counts nothing fails; one that only
 * adds a route; one that commits the same table again.  Those two wait
 * for one each, except with the RFC (series-rfc/), under which updates
 * that only add routes or change nothing wait for none.  The function
 * tracer (or, where the kernel has none, as on riscv64, kprobe events),
 * limited to synchronize_srcu{,_expedited}() and to this process, counts
 * the calls inside each ioctl (trace markers around it).  Counts, never
 * time.  Prints TAP.
 *
 *   irqchip-count -e base|series|rfc   (the kernel's expected counts)
 *
 * Needs CONFIG_FUNCTION_TRACER (config/kvm-test.config) or
 * CONFIG_KPROBE_EVENTS (config/kvm-test-riscv64.config).
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "irqchip.h"

#define T "/sys/kernel/tracing/"

static int failures, tests;

static void result(int ok, const char *name, const char *why)
{
	tests++;
	if (!ok)
		failures++;
	printf("%sok %d %s%s%s\n", ok ? "" : "not ", tests, name,
	       why ? " # " : "", why ? why : "");
	fflush(stdout);
}

/* Tracefs files may take one word a write(): write until all is taken. */
static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	size_t left = strlen(val);
	ssize_t n;

	if (fd < 0)
		die(path);
	for (; left; val += n, left -= n) {
		n = write(fd, val, left);
		if (n <= 0) {
			if (!n)
				errno = EIO;
			die(path);
		}
	}
	close(fd);
}

/* Whether the calls are counted with kprobe events (else the function tracer). */
static int kprobes;

static void trace_setup(void)
{
	char pid[32];

	if (access(T "trace", F_OK))
		mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	kprobes = access(T "set_ftrace_filter", F_OK) != 0;
	if (kprobes && access(T "kprobe_events", F_OK)) {
		printf("Bail out! neither the function tracer nor kprobe events "
		       "(CONFIG_FUNCTION_TRACER, CONFIG_KPROBE_EVENTS)\n");
		exit(1);
	}
	write_file(T "tracing_on", "0");
	write_file(T "current_tracer", "nop");
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (kprobes) {
		write_file(T "kprobe_events",
			   "p:irqchip_count/srcu_exp synchronize_srcu_expedited\n"
			   "p:irqchip_count/srcu synchronize_srcu\n");
		write_file(T "set_event_pid", pid);
		write_file(T "trace", "");
		write_file(T "events/irqchip_count/enable", "1");
	} else {
		write_file(T "set_ftrace_filter",
			   "synchronize_srcu_expedited\nsynchronize_srcu\n");
		write_file(T "set_ftrace_pid", pid);
		write_file(T "trace", "");
		write_file(T "current_tracer", "function");
	}
	write_file(T "tracing_on", "1");
}

/* After count(): the trace is read while its kprobe events still exist. */
static void trace_teardown(void)
{
	if (kprobes) {
		write_file(T "events/irqchip_count/enable", "0");
		write_file(T "kprobe_events", "");
		write_file(T "set_event_pid", "");
	} else {
		write_file(T "current_tracer", "nop");
		write_file(T "set_ftrace_pid", "");
	}
}

/* A call of synchronize_srcu{,_expedited}() in a line of the trace. */
static int is_sync_call(const char *line)
{
	/* The function tracer's "NAME <-CALLER", a kprobe event's "(NAME+0x0/..." */
	return strstr(line, " synchronize_srcu_expedited <-") ||
	       strstr(line, " synchronize_srcu <-") ||
	       strstr(line, "(synchronize_srcu_expedited+0x0/") ||
	       strstr(line, "(synchronize_srcu+0x0/");
}

/* The trace marker "irqchip-count begin|end NAME", as count() looks for it. */
static void marker(char *buf, size_t size, const char *edge, const char *name)
{
	snprintf(buf, size, "irqchip-count %s %s\n", edge, name);
}

static void mark(const char *edge, const char *name)
{
	char buf[64];

	marker(buf, sizeof(buf), edge, name);
	write_file(T "trace_marker", buf);
}

/*
 * The synchronize_srcu{,_expedited}() calls between the markers
 * "irqchip-count begin NAME" and "irqchip-count end NAME", or -1 if the trace
 * lacks either marker.
 */
static int count(const char *name)
{
	char line[512], begin[64], end[64];
	int in = 0, n = 0, seen_end = 0;
	FILE *f = fopen(T "trace", "r");

	if (!f)
		die(T "trace");
	marker(begin, sizeof(begin), "begin", name);
	marker(end, sizeof(end), "end", name);
	while (fgets(line, sizeof(line), f)) {
		char *m = strstr(line, "irqchip-count ");

		if (m && !strcmp(m, begin)) {
			in = 1;
		} else if (m && !strcmp(m, end)) {
			seen_end = in;
			in = 0;
		} else if (in && is_sync_call(line)) {
			n++;
		}
	}
	fclose(f);
	return seen_end ? n : -1;
}

static void expect(const char *name, const char *what, int want)
{
	char buf[160], why[64];
	int n = count(name);

	snprintf(buf, sizeof(buf), "%s waited for %d grace period%s", what, want,
		 want == 1 ? "" : "s");
	snprintf(why, sizeof(why), n < 0 ? "the trace lacks its markers" :
		 "it waited for %d", n);
	result(n == want, buf, n == want ? NULL : why);
}

/* KVM_SET_GSI_ROUTING of @nr routes GSI i -> pin i + 1, between markers. */
static void set_routing(int vm, int nr, const char *name)
{
	struct {
		struct kvm_irq_routing r;
		struct kvm_irq_routing_entry e[2];
	} routing = { .r.nr = nr };
	int i;

	for (i = 0; i < nr; i++) {
		routing.e[i].gsi = i;
		routing.e[i].type = KVM_IRQ_ROUTING_IRQCHIP;
		routing.e[i].u.irqchip.irqchip = 0;
		routing.e[i].u.irqchip.pin = i + 1;
	}
	mark("begin", name);
	if (ioctl(vm, KVM_SET_GSI_ROUTING, &routing))
		die("KVM_SET_GSI_ROUTING");
	mark("end", name);
}

int main(int argc, char **argv)
{
	int kvm, vm, vcpu, chip, init_waits, add_waits;

	if (argc != 3 || strcmp(argv[1], "-e") || (strcmp(argv[2], "base") &&
	    strcmp(argv[2], "series") && strcmp(argv[2], "rfc"))) {
		fprintf(stderr, "usage: irqchip-count -e base|series|rfc\n");
		return 2;
	}
	init_waits = !strcmp(argv[2], "base");
	add_waits = strcmp(argv[2], "rfc") != 0;
	printf("TAP version 13\n1..5\n");
	trace_setup();

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		die("/dev/kvm");
	vm = irqchip_vm(kvm, 1, &vcpu, &chip);

	/* The irqchip's default routing replaces the VM's initial table. */
	mark("begin", "init");
	result(!irqchip_init(chip), IRQCHIP_INIT_IOCTL " succeeds", NULL);
	mark("end", "init");

	/* GSI 0 moves from pin 0 to pin 1, the other defaults go. */
	set_routing(vm, 1, "replace");
	/* GSI 0 as it is, GSI 1 added. */
	set_routing(vm, 2, "add");
	/* The same table again. */
	set_routing(vm, 2, "same");
	write_file(T "tracing_on", "0");

	expect("init", IRQCHIP_NAME " init (default routing in place of the initial table)",
	       init_waits);
	expect("replace", "KVM_SET_GSI_ROUTING that changes a route of the default routing", 1);
	expect("add", "KVM_SET_GSI_ROUTING that only adds a route", add_waits);
	expect("same", "KVM_SET_GSI_ROUTING of the same table again", add_waits);

	trace_teardown();
	close(chip);
	close(vcpu);
	close(vm);
	close(kvm);
	return failures ? 1 : 0;
}
