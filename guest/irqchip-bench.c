// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's arm64 and riscv64 rows: how long a VMM waits for the
 * in-kernel irqchip's initialisation (arm64's vGIC, riscv64's AIA), on an
 * idle and on a busy host.  The counterpart of the series' x86 perf test,
 * with the same options and output, so that scripts/bench-report.sh reads
 * both:
 *
 *  - vGIC_CTRL_INIT or AIA_CTRL_INIT: KVM_DEV_ARM_VGIC_CTRL_INIT (on a
 *    fresh VM with one vCPU and a GICv3) or KVM_DEV_RISCV_AIA_CTRL_INIT (one
 *    vCPU, an APLIC and an IMSIC), which installs the irqchip's default GSI
 *    routing in place of the VM's initial table (the series' path);
 *  - replace_KVM_SET_GSI_ROUTING: a KVM_SET_GSI_ROUTING of -r routes in
 *    place of that default routing (it drops the others), the control
 *    that waits for a grace period of kvm->irq_srcu on every kernel;
 *  - add_KVM_SET_GSI_ROUTING: then one that adds a route to those -r,
 *    which waits on every kernel without the RFC (series-rfc/).
 *
 * Each sample uses a fresh VM and times only the ioctl named.  "busy" adds
 * -v background VMs of -c vCPUs each, spinning in a one-instruction guest
 * loop (interrupts masked) while an irqfd fires an interrupt into each, so
 * that irq_srcu readers are active, and -H CPU hogs.  For each case it
 * prints "# RESULT load= path= n= sleeps= preempted= min_us= median_us=
 * p99_us= max_us=" (sleeps: voluntary context switches of the timing
 * thread; a grace-period wait sleeps), with -s "# SAMPLES load= path=
 * ns=...", and a TAP line.  It fails only if an ioctl fails; timing never
 * fails it.
 *
 *   irqchip-bench [-n samples] [-l none|busy|none,busy] [-v VMs] [-c vCPUs]
 *                 [-H hogs] [-r routes] [-s]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "irqchip.h"

/* The background guests' memory, INSN_SPIN at its start (irqchip.h). */
#define GUEST_MEM_SIZE	0x10000
/* The GSI of their irqfd: pin 1 in the default routing (a wired source). */
#define IRQFD_GSI	1

enum path { CTRL_INIT, REPLACE_ROUTING, ADD_ROUTE, NR_PATHS };

static const char *const path_name[NR_PATHS] = {
	[CTRL_INIT] = IRQCHIP_INIT,
	[REPLACE_ROUTING] = "replace_KVM_SET_GSI_ROUTING",
	[ADD_ROUTE] = "add_KVM_SET_GSI_ROUTING",
};

struct sample {
	unsigned long long ns;
	long sleeps;
	int preempted;
};

static unsigned int nr_samples = 100, nr_bg_vms = 2, nr_bg_vcpus = 1, nr_hogs = 4;
static unsigned int nr_routes = 32;
static int print_samples, tests;
static const char *loads = "none";
static volatile int stop_hogs;
static int kvm;
/* -r routes and the same plus one, GSI i to pin i, as a VMM's would be. */
static struct kvm_irq_routing *routing, *routing_plus_one;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void switches(long *vol, long *invol)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		die("getrusage");
	*vol = ru.ru_nvcsw;
	*invol = ru.ru_nivcsw;
}

/* One sample of @path on a fresh VM: only the ioctl named is timed. */
static void measure(enum path path, struct sample *s)
{
	long vol0, invol0, vol1, invol1;
	unsigned long long t0, t1;
	int vm, vcpu, chip, r;

	vm = irqchip_vm(kvm, 1, &vcpu, &chip);
	if (path != CTRL_INIT && irqchip_init(chip))
		die(IRQCHIP_INIT_IOCTL);
	if (path == ADD_ROUTE && ioctl(vm, KVM_SET_GSI_ROUTING, routing))
		die("KVM_SET_GSI_ROUTING");

	switches(&vol0, &invol0);
	t0 = now_ns();
	if (path == CTRL_INIT)
		r = irqchip_init(chip);
	else if (path == REPLACE_ROUTING)
		r = ioctl(vm, KVM_SET_GSI_ROUTING, routing);
	else
		r = ioctl(vm, KVM_SET_GSI_ROUTING, routing_plus_one);
	t1 = now_ns();
	switches(&vol1, &invol1);
	if (r)
		die(path_name[path]);

	s->ns = t1 - t0;
	s->sleeps = vol1 - vol0;
	s->preempted = invol1 != invol0;
	close(chip);
	close(vcpu);
	close(vm);
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *load, enum path path, struct sample *s)
{
	unsigned long long *ns = calloc(nr_samples, sizeof(*ns));
	long sleeps = 0, preempted = 0;
	unsigned int i, n = nr_samples, p99 = (n * 99 + 99) / 100 - 1;

	if (!ns)
		die("calloc");
	for (i = 0; i < n; i++) {
		ns[i] = s[i].ns;
		sleeps += s[i].sleeps;
		preempted += s[i].preempted;
	}
	qsort(ns, n, sizeof(*ns), cmp_ull);
	printf("# %-4s %-28s n=%u min=%.1fus median=%.1fus p99=%.1fus max=%.1fus sleeps=%ld\n",
	       load, path_name[path], n, ns[0] / 1e3, ns[n / 2] / 1e3,
	       ns[p99] / 1e3, ns[n - 1] / 1e3, sleeps);
	printf("# RESULT load=%s path=%s n=%u sleeps=%ld preempted=%ld min_us=%.1f median_us=%.1f p99_us=%.1f max_us=%.1f\n",
	       load, path_name[path], n, sleeps, preempted, ns[0] / 1e3,
	       ns[n / 2] / 1e3, ns[p99] / 1e3, ns[n - 1] / 1e3);
	if (print_samples) {
		printf("# SAMPLES load=%s path=%s ns=", load, path_name[path]);
		for (i = 0; i < n; i++)
			printf("%s%llu", i ? "," : "", s[i].ns);
		printf("\n");
	}
	printf("ok %d %s %s\n", ++tests, load, path_name[path]);
	fflush(stdout);
	free(ns);
}

static void *hog(void *arg)
{
	while (!stop_hogs)
		;
	return NULL;
}

static void *run_vcpu(void *arg)
{
	int vcpu = (int)(long)arg;

	/* The spin never exits by itself; run again after a signal's exit. */
	for (;;)
		if (ioctl(vcpu, KVM_RUN, 0) && errno != EINTR)
			die("KVM_RUN (background VM)");
	return NULL;
}

static void *fire_irqfds(void *arg)
{
	struct timespec gap = { .tv_nsec = 50 * 1000 };
	int *fds = arg;
	unsigned int i;
	__u64 one = 1;

	for (;;) {
		for (i = 0; i < nr_bg_vms; i++)
			if (write(fds[i], &one, sizeof(one)) != sizeof(one))
				die("eventfd write");
		nanosleep(&gap, NULL);
	}
	return NULL;
}

/*
 * A background VM: -c vCPUs spinning in INSN_SPIN with interrupts masked
 * (the state a new vCPU is in), the irqchip initialised, and an irqfd on
 * IRQFD_GSI.  Returns the irqfd's eventfd.
 */
static int background_vm(void)
{
	struct kvm_userspace_memory_region mem = {
		.guest_phys_addr = GUEST_CODE,
		.memory_size = GUEST_MEM_SIZE,
	};
	__u64 pc = GUEST_CODE;
	struct kvm_one_reg reg = { .id = PC_REG_ID, .addr = (__u64)(unsigned long)&pc };
	struct kvm_irqfd irqfd = { .gsi = IRQFD_GSI };
	int *vcpus = calloc(nr_bg_vcpus, sizeof(*vcpus));
	pthread_t thread;
	void *code;
	int vm, chip, efd;
	unsigned int i;

	if (!vcpus)
		die("calloc");
	vm = irqchip_vm(kvm, nr_bg_vcpus, vcpus, &chip);
	code = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED)
		die("mmap");
	*(__u32 *)code = INSN_SPIN;
	mem.userspace_addr = (__u64)(unsigned long)code;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION");
	for (i = 0; i < nr_bg_vcpus; i++)
		if (ioctl(vcpus[i], KVM_SET_ONE_REG, &reg))
			die("KVM_SET_ONE_REG (pc)");
	if (irqchip_init(chip))
		die(IRQCHIP_INIT_IOCTL " (background VM)");
	efd = eventfd(0, 0);
	if (efd < 0)
		die("eventfd");
	irqfd.fd = efd;
	if (ioctl(vm, KVM_IRQFD, &irqfd))
		die("KVM_IRQFD");
	for (i = 0; i < nr_bg_vcpus; i++)
		if (pthread_create(&thread, NULL, run_vcpu, (void *)(long)vcpus[i]))
			die("pthread_create");
	return efd;
}

/* The vCPUs and the irqfds run until the process exits: busy goes last. */
static pthread_t *start_load(void)
{
	pthread_t *hogs = calloc(nr_hogs, sizeof(*hogs)), thread;
	int *fds = calloc(nr_bg_vms, sizeof(*fds));
	unsigned int i;

	if (!hogs || !fds)
		die("calloc");
	for (i = 0; i < nr_bg_vms; i++)
		fds[i] = background_vm();
	if (nr_bg_vms && pthread_create(&thread, NULL, fire_irqfds, fds))
		die("pthread_create");
	stop_hogs = 0;
	for (i = 0; i < nr_hogs; i++)
		if (pthread_create(&hogs[i], NULL, hog, NULL))
			die("pthread_create");
	return hogs;
}

static void measure_all(const char *load)
{
	struct sample *s = calloc(nr_samples, sizeof(*s));
	unsigned int i;
	int p;

	if (!s)
		die("calloc");
	for (p = 0; p < NR_PATHS; p++) {
		for (i = 0; i < nr_samples; i++)
			measure(p, &s[i]);
		report(load, p, s);
	}
	free(s);
}

/* A table of @nr routes, GSI i to pin i. */
static struct kvm_irq_routing *routes(unsigned int nr)
{
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + nr * sizeof(r->entries[0]));
	unsigned int i;

	if (!r)
		die("calloc");
	r->nr = nr;
	for (i = 0; i < nr; i++) {
		r->entries[i].gsi = i;
		r->entries[i].type = KVM_IRQ_ROUTING_IRQCHIP;
		r->entries[i].u.irqchip.pin = i;
	}
	return r;
}

static void usage(const char *name, int status)
{
	printf("usage: %s [-n samples] [-l none|busy|none,busy] [-v background VMs]\n"
	       "          [-c vCPUs per VM] [-H CPU hogs] [-r routes] [-s]\n"
	       "  -l  the loads to measure under (default: none); busy adds -v VMs\n"
	       "      of -c vCPUs each, with irqfds firing, and -H CPU hogs\n"
	       "  -s  also print every sample, in nanoseconds\n", name);
	exit(status);
}

static unsigned int number(const char *arg, long min, long max, const char *name)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "irqchip-bench: bad %s '%s'\n", name, arg);
		usage("irqchip-bench", 2);
	}
	return v;
}

int main(int argc, char **argv)
{
	int none, busy, opt;
	unsigned int i;
	pthread_t *hogs;

	while ((opt = getopt(argc, argv, "n:l:v:c:H:r:sh")) != -1) {
		switch (opt) {
		case 'n': nr_samples = number(optarg, 1, 100000, "sample count"); break;
		case 'l': loads = optarg; break;
		case 'v': nr_bg_vms = number(optarg, 0, 64, "VM count"); break;
		case 'c': nr_bg_vcpus = number(optarg, 1, 64, "vCPU count"); break;
		case 'H': nr_hogs = number(optarg, 0, 1024, "hog count"); break;
		case 'r': nr_routes = number(optarg, 1, IRQCHIP_NR_PINS - 1, "route count"); break;
		case 's': print_samples = 1; break;
		case 'h': usage(argv[0], 0); break;
		default: usage(argv[0], 2);
		}
	}
	none = !strcmp(loads, "none") || !strcmp(loads, "none,busy");
	busy = !strcmp(loads, "busy") || !strcmp(loads, "none,busy");
	if (optind != argc || (!none && !busy)) {
		fprintf(stderr, "irqchip-bench: bad arguments\n");
		usage(argv[0], 2);
	}

	printf("TAP version 13\n1..%d\n", (none + busy) * NR_PATHS);
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		die("/dev/kvm");
	routing = routes(nr_routes);
	routing_plus_one = routes(nr_routes + 1);

	if (none)
		measure_all("none");
	if (busy) {
		hogs = start_load();
		measure_all("busy");
		stop_hogs = 1;
		for (i = 0; i < nr_hogs; i++)
			pthread_join(hogs[i], NULL);
	}
	return 0;
}
