/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What guest/irqchip-count.c and guest/irqchip-bench.c share: a VM with
 * vCPUs and the in-kernel irqchip whose initialisation installs the
 * architecture's default GSI routing (arm64: a GICv3, riscv64: an AIA, at
 * the addresses QEMU's virt machine uses), the code of a guest that spins,
 * on raw ioctls (no library call of the KVM selftests, so that one binary
 * runs on any kernel), and the TAP "Bail out!" of a setup that failed.
 */
#ifndef GUEST_IRQCHIP_H
#define GUEST_IRQCHIP_H

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* From any thread: _exit(), as exit() must not run in two at once. */
static inline void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	fflush(stdout);
	_exit(1);
}

/* KVM_{SET,GET}_DEVICE_ATTR of @group/@attr to or from *@val. */
static inline int device_attr(int dev, unsigned long req, __u32 group, __u64 attr,
			      void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (__u64)(unsigned long)val,
	};

	return ioctl(dev, req, &a);
}

/* KVM_SET_DEVICE_ATTR of @group/@attr from *@val, or die naming @what. */
static inline void set_attr(int dev, __u32 group, __u64 attr, void *val, const char *what)
{
	if (device_attr(dev, KVM_SET_DEVICE_ATTR, group, attr, val))
		die(what);
}

static inline int create_vm(int kvm)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		die("KVM_CREATE_VM");
	return vm;
}

static inline int create_device(int vm, __u32 type, const char *name)
{
	struct kvm_create_device dev = { .type = type };

	if (ioctl(vm, KVM_CREATE_DEVICE, &dev))
		die(name);
	return dev.fd;
}

#if defined(__aarch64__)

/* The step that installs the default routing, as make bench names it. */
#define IRQCHIP_INIT		"vGIC_CTRL_INIT"
#define IRQCHIP_INIT_IOCTL	"KVM_DEV_ARM_VGIC_CTRL_INIT"
#define IRQCHIP_NAME		"vGIC"
/* The pins a route can name: the SPIs of a vGIC whose VMM left their number. */
#define IRQCHIP_NR_PINS		(256 - 32)
/* The spinning guest's code, "b .", at the start of its memory. */
#define GUEST_CODE		0x40000000ULL
#define INSN_SPIN		0x14000000U
#define PC_REG_ID		(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
				 KVM_REG_ARM_CORE_REG(regs.pc))

/* Where QEMU's virt machine puts them; any free IPA would do. */
#define DIST_BASE	0x08000000ULL
#define REDIST_BASE	0x080a0000ULL

/*
 * A new VM with @nr_vcpus vCPUs (fds in @vcpus) and a GICv3 device (fd in
 * *@chip) whose distributor and redistributors are placed but which is
 * not initialised yet: KVM_DEV_ARM_VGIC_CTRL_INIT, irqchip_init(), is the
 * step that installs the vGIC's default routing.  Returns the VM's fd.
 */
static inline int irqchip_vm(int kvm, int nr_vcpus, int *vcpus, int *chip)
{
	__u64 dist = DIST_BASE, redist = REDIST_BASE;
	struct kvm_vcpu_init init;
	int vm = create_vm(kvm), i;

	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	for (i = 0; i < nr_vcpus; i++) {
		vcpus[i] = ioctl(vm, KVM_CREATE_VCPU, i);
		if (vcpus[i] < 0 || ioctl(vcpus[i], KVM_ARM_VCPU_INIT, &init))
			die("KVM_CREATE_VCPU, KVM_ARM_VCPU_INIT");
	}
	*chip = create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3, "KVM_CREATE_DEVICE (GICv3)");
	set_attr(*chip, KVM_DEV_ARM_VGIC_GRP_ADDR,
		 KVM_VGIC_V3_ADDR_TYPE_DIST, &dist, "the GICv3 distributor's address");
	set_attr(*chip, KVM_DEV_ARM_VGIC_GRP_ADDR,
		 KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist, "the GICv3 redistributors' address");
	return vm;
}

/* KVM_DEV_ARM_VGIC_CTRL_INIT: 0, or -1 with errno. */
static inline int irqchip_init(int chip)
{
	return device_attr(chip, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
			   KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

#elif defined(__riscv)

#define IRQCHIP_INIT		"AIA_CTRL_INIT"
#define IRQCHIP_INIT_IOCTL	"KVM_DEV_RISCV_AIA_CTRL_INIT"
#define IRQCHIP_NAME		"AIA"
/* The APLIC's wired sources (QEMU's virt machine has as many) */
#define AIA_NR_SOURCES		96
/* The default routing's pins: 0 to the number of sources */
#define IRQCHIP_NR_PINS		(AIA_NR_SOURCES + 1)
/* The spinning guest's code, "j .", at the start of its memory. */
#define GUEST_CODE		0x80000000ULL
#define INSN_SPIN		0x0000006fU
#define PC_REG_ID		(KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE | \
				 KVM_REG_RISCV_CORE_REG(regs.pc))

/* Where QEMU's virt machine puts the S-mode APLIC and IMSICs. */
#define APLIC_BASE	0x0d000000ULL
#define IMSIC_BASE	0x28000000ULL
#define IMSIC_SIZE	0x1000ULL

/*
 * A new VM with @nr_vcpus vCPUs (fds in @vcpus) and an AIA device (fd in
 * *@chip): an APLIC of AIA_NR_SOURCES sources and an IMSIC per vCPU,
 * placed, but not initialised yet: KVM_DEV_RISCV_AIA_CTRL_INIT,
 * irqchip_init(), is the step that installs the AIA's default routing.
 * Returns the VM's fd.
 */
static inline int irqchip_vm(int kvm, int nr_vcpus, int *vcpus, int *chip)
{
	__u64 aplic = APLIC_BASE, imsic;
	__u32 srcs = AIA_NR_SOURCES, hart_bits = 0;
	int vm = create_vm(kvm), i;

	for (i = 0; i < nr_vcpus; i++) {
		vcpus[i] = ioctl(vm, KVM_CREATE_VCPU, i);
		if (vcpus[i] < 0)
			die("KVM_CREATE_VCPU");
	}
	while ((1 << hart_bits) < nr_vcpus)
		hart_bits++;
	*chip = create_device(vm, KVM_DEV_TYPE_RISCV_AIA, "KVM_CREATE_DEVICE (AIA)");
	set_attr(*chip, KVM_DEV_RISCV_AIA_GRP_CONFIG,
		 KVM_DEV_RISCV_AIA_CONFIG_SRCS, &srcs, "the AIA's number of sources");
	set_attr(*chip, KVM_DEV_RISCV_AIA_GRP_CONFIG,
		 KVM_DEV_RISCV_AIA_CONFIG_HART_BITS, &hart_bits, "the AIA's hart index bits");
	set_attr(*chip, KVM_DEV_RISCV_AIA_GRP_ADDR,
		 KVM_DEV_RISCV_AIA_ADDR_APLIC, &aplic, "the APLIC's address");
	for (i = 0; i < nr_vcpus; i++) {
		imsic = IMSIC_BASE + i * IMSIC_SIZE;
		set_attr(*chip, KVM_DEV_RISCV_AIA_GRP_ADDR,
			 KVM_DEV_RISCV_AIA_ADDR_IMSIC(i), &imsic, "an IMSIC's address");
	}
	return vm;
}

/* KVM_DEV_RISCV_AIA_CTRL_INIT: 0, or -1 with errno. */
static inline int irqchip_init(int chip)
{
	return device_attr(chip, KVM_SET_DEVICE_ATTR, KVM_DEV_RISCV_AIA_GRP_CTRL,
			   KVM_DEV_RISCV_AIA_CTRL_INIT, NULL);
}

#else
#error "guest/irqchip.h: arm64 and riscv64 only"
#endif

#endif
