/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What guest/vgic-count.c and guest/vgic-bench.c share: a VM with vCPUs
 * and a GICv3 at the addresses QEMU's virt machine uses, on raw ioctls
 * (no library call of the KVM selftests, so one binary runs on any
 * kernel), and the TAP "Bail out!" of a setup that failed.
 */
#ifndef GUEST_VGIC_H
#define GUEST_VGIC_H

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Where QEMU's virt machine puts them; any free IPA would do. */
#define DIST_BASE	0x08000000ULL
#define REDIST_BASE	0x080a0000ULL

/* From any thread: _exit(), as exit() must not run in two at once. */
static inline void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	fflush(stdout);
	_exit(1);
}

/*
 * A new VM with @nr_vcpus vCPUs (fds in @vcpus) and a GICv3 device (fd in
 * *@gic) whose distributor and redistributors are placed but which is not
 * initialised yet: KVM_DEV_ARM_VGIC_CTRL_INIT, vgic_ctrl_init(), is the
 * step that installs the vGIC's default routing.  Returns the VM's fd.
 */
static inline int vgic_vm(int kvm, int nr_vcpus, int *vcpus, int *gic)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct kvm_device_attr attr = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR };
	__u64 dist = DIST_BASE, redist = REDIST_BASE;
	struct kvm_vcpu_init init;
	int vm, i;

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	for (i = 0; i < nr_vcpus; i++) {
		vcpus[i] = ioctl(vm, KVM_CREATE_VCPU, i);
		if (vcpus[i] < 0 || ioctl(vcpus[i], KVM_ARM_VCPU_INIT, &init))
			die("KVM_CREATE_VCPU, KVM_ARM_VCPU_INIT");
	}
	if (ioctl(vm, KVM_CREATE_DEVICE, &dev))
		die("KVM_CREATE_DEVICE (GICv3)");
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_DIST;
	attr.addr = (__u64)(unsigned long)&dist;
	if (ioctl(dev.fd, KVM_SET_DEVICE_ATTR, &attr))
		die("the GICv3 distributor's address");
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	attr.addr = (__u64)(unsigned long)&redist;
	if (ioctl(dev.fd, KVM_SET_DEVICE_ATTR, &attr))
		die("the GICv3 redistributors' address");
	*gic = dev.fd;
	return vm;
}

/* KVM_DEV_ARM_VGIC_CTRL_INIT: 0, or -1 with errno. */
static inline int vgic_ctrl_init(int gic)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL,
		.attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};

	return ioctl(gic, KVM_SET_DEVICE_ATTR, &attr);
}

#endif
