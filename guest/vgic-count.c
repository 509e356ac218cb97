// SPDX-License-Identifier: GPL-2.0
/*
 * Count the grace periods that arm64's vGIC initialisation waits for.
 * KVM_DEV_ARM_VGIC_CTRL_INIT installs the vGIC's default GSI routing with
 * kvm_set_irq_routing(), in place of the routing table every VM starts
 * with; with the series that replacement completes no grace period of
 * kvm->irq_srcu, on the base it waits for one.  The function tracer,
 * limited to synchronize_srcu{,_expedited}() and to this process, counts
 * the calls inside each ioctl (trace markers around it).  To show that it
 * sees a wait when there is one, the default routing is then replaced with
 * KVM_SET_GSI_ROUTING, which must wait for exactly one.  Counts, never
 * time.  Prints TAP.
 *
 *   vgic-count -e series|base   (what CTRL_INIT must wait for: 0 or 1)
 *
 * Needs CONFIG_FUNCTION_TRACER (config/kvm-test.config).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#define T "/sys/kernel/tracing/"

/* Where QEMU's virt machine puts them; any free IPA would do. */
#define DIST_BASE	0x08000000ULL
#define REDIST_BASE	0x080a0000ULL

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

static void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
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

static void trace_setup(void)
{
	char pid[32];

	if (access(T "trace", F_OK))
		mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	if (access(T "set_ftrace_filter", F_OK)) {
		printf("Bail out! no function tracer (CONFIG_FUNCTION_TRACER)\n");
		exit(1);
	}
	write_file(T "tracing_on", "0");
	write_file(T "current_tracer", "nop");
	write_file(T "set_ftrace_filter", "synchronize_srcu_expedited\nsynchronize_srcu\n");
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	write_file(T "set_ftrace_pid", pid);
	write_file(T "trace", "");
	write_file(T "current_tracer", "function");
	write_file(T "tracing_on", "1");
}

/* The trace marker "vgic-count begin|end NAME", as count() looks for it. */
static void marker(char *buf, size_t size, const char *edge, const char *name)
{
	snprintf(buf, size, "vgic-count %s %s\n", edge, name);
}

static void mark(const char *edge, const char *name)
{
	char buf[64];

	marker(buf, sizeof(buf), edge, name);
	write_file(T "trace_marker", buf);
}

/*
 * The synchronize_srcu{,_expedited}() calls between the markers
 * "vgic-count begin NAME" and "vgic-count end NAME", or -1 if the trace
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
		char *m = strstr(line, "vgic-count ");

		if (m && !strcmp(m, begin)) {
			in = 1;
		} else if (m && !strcmp(m, end)) {
			seen_end = in;
			in = 0;
		} else if (in && (strstr(line, " synchronize_srcu_expedited <-") ||
				  strstr(line, " synchronize_srcu <-"))) {
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

int main(int argc, char **argv)
{
	struct kvm_vcpu_init init;
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	__u64 dist = DIST_BASE, redist = REDIST_BASE;
	struct kvm_device_attr attr = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR };
	struct {
		struct kvm_irq_routing r;
		struct kvm_irq_routing_entry e[1];
	} routing = { .r.nr = 1 };
	int kvm, vm, vcpu, init_waits;

	if (argc != 3 || strcmp(argv[1], "-e") ||
	    (strcmp(argv[2], "series") && strcmp(argv[2], "base"))) {
		fprintf(stderr, "usage: vgic-count -e series|base\n");
		return 2;
	}
	init_waits = !strcmp(argv[2], "base");
	printf("TAP version 13\n1..3\n");
	trace_setup();

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		die("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		die("vCPU 0");
	if (ioctl(vm, KVM_CREATE_DEVICE, &dev))
		die("KVM_CREATE_DEVICE (GICv3)");
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_DIST;
	attr.addr = (__u64)(unsigned long)&dist;
	if (ioctl(dev.fd, KVM_SET_DEVICE_ATTR, &attr))
		die("distributor address");
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	attr.addr = (__u64)(unsigned long)&redist;
	if (ioctl(dev.fd, KVM_SET_DEVICE_ATTR, &attr))
		die("redistributor address");

	/* The vGIC's default routing replaces the VM's initial table. */
	attr = (struct kvm_device_attr){ .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
					 .attr = KVM_DEV_ARM_VGIC_CTRL_INIT };
	mark("begin", "init");
	result(!ioctl(dev.fd, KVM_SET_DEVICE_ATTR, &attr),
	       "KVM_DEV_ARM_VGIC_CTRL_INIT succeeds", NULL);
	mark("end", "init");

	/* A VMM's own routing replaces the default one: one grace period. */
	routing.e[0].gsi = 0;
	routing.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	routing.e[0].u.irqchip.irqchip = 0;
	routing.e[0].u.irqchip.pin = 1;
	mark("begin", "replace");
	if (ioctl(vm, KVM_SET_GSI_ROUTING, &routing))
		die("KVM_SET_GSI_ROUTING");
	mark("end", "replace");
	write_file(T "tracing_on", "0");

	expect("init", "vGIC init (default routing in place of the initial table)", init_waits);
	expect("replace", "KVM_SET_GSI_ROUTING in place of the vGIC's default routing", 1);

	write_file(T "current_tracer", "nop");
	write_file(T "set_ftrace_pid", "");
	close(vcpu);
	close(vm);
	close(kvm);
	return failures ? 1 : 0;
}
