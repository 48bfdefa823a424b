"""The two guests under test, as QEMU command lines that differ only in the kernel.

kiln's own QEMU command comes from `kiln run -D` (its dry run), so the
comparison always uses whatever machine options kiln uses today. The Linux
command is that same list with `-kernel IMAGE -append JSON` swapped for
Debian's bzImage, an initramfs and a Linux command line: same machine
(microvm, whose ACPI tables let Linux's virtio_mmio module find the
devices), accelerator, CPU model, memory, vCPUs and devices.
"""

import os
import shlex
import subprocess

GREETING = "Hello, World"


def host_tsc_khz():
    """The host's TSC rate in kHz, for Linux's tsc_early_khz=.

    Under TCG the guest's TSC is the host's, but microvm has no PC speaker
    gate, HPET or ACPI PM timer to calibrate it against: Linux then marks
    the TSC unstable and hangs waiting for a usable clock. Telling it the
    rate is a kernel parameter only, so QEMU's options stay identical.
    """
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz"):
                return int(float(line.split(":")[1]) * 1000)
    raise RuntimeError("no 'cpu MHz' in /proc/cpuinfo")


class Refused(Exception):
    """`kiln run` refused the options (its message), so no QEMU command."""


class Kiln:
    name = "kiln"

    def __init__(self, build_dir):
        self.kiln = os.path.join(build_dir, "bin", "kiln")
        self.kernel = os.path.join(build_dir, "share", "kiln", "kernel", "hw_virtio.elf")

    def bake(self, program, image):
        subprocess.run([self.kiln, "bake", "hw_virtio", image, program],
                       check=True, stdout=subprocess.DEVNULL)
        return image

    def argv(self, image, args, memory_mb, status_path, run_options=()):
        """kiln's QEMU command for IMAGE, from its dry run.

        A dry run names a status file in a directory that only a real
        `kiln run` creates, so it is pointed at STATUS_PATH instead. The
        boot configuration carries the time of the dry run: ask for a new
        command line for every run.
        """
        run = subprocess.run(
            [self.kiln, "run", "-D", "tcg", "-i", "-M", str(memory_mb), *run_options,
             "--", image, *args],
            capture_output=True, text=True)
        if run.returncode != 0:
            # e.g. an image that cannot fit in -M: kiln run refuses it
            # before QEMU starts (a memory probe counts that as a failure).
            raise Refused((run.stderr.strip() or run.stdout.strip() or "status %d" % run.returncode)
                          .splitlines()[-1])
        out = run.stdout
        argv = shlex.split(out.strip())
        for i, opt in enumerate(argv):
            if opt.startswith("file,id=kilnstatus,path="):
                argv[i] = "file,id=kilnstatus,path=" + status_path.replace(",", ",,")
        return argv

    def image_bytes(self, image):
        return os.path.getsize(image)

    def loaded_kib(self):
        """The kernel's memory image (text+data+bss), from binutils' size."""
        out = subprocess.run(["size", self.kernel], capture_output=True, text=True)
        try:
            return "%.0f KiB" % (int(out.stdout.splitlines()[1].split()[3]) / 1024)
        except (IndexError, ValueError):
            return "unknown"


class LinuxVm:
    name = "linux"

    def __init__(self, vm_dir, pack_script):
        self.dir = vm_dir
        self.pack_script = pack_script
        self.vmlinuz = os.path.join(vm_dir, "vmlinuz")
        with open(os.path.join(vm_dir, "kernel-release")) as f:
            self.release = f.read().strip()
        self.tsc_khz = host_tsc_khz()

    def pack(self, programs, initramfs, tree=None):
        """The base initramfs plus PROGRAMS in /bin and, if given, the whole
        TREE at / (a package's staging tree, as kiln bakes it)."""
        extra = ["--tree", tree] if tree else []
        subprocess.run(["sh", self.pack_script, self.dir, initramfs, *extra, *programs], check=True)
        return initramfs

    def cmdline(self, args, net=None, mounts=()):
        # quiet: kiln prints no boot log either, and a serial console under
        # TCG makes every kernel message cost real time. reboot=t: a triple
        # fault, which -no-reboot turns into QEMU exiting at once.
        words = ["console=ttyS0", "quiet", "reboot=t", "panic=-1",
                 "tsc_early_khz=%d" % self.tsc_khz]
        if net:
            words.append("bench.net=" + net)
        # (DEVICE, DIR) or (DEVICE, DIR, FSTYPE); the init's default is ext2.
        words += ["bench.mount=" + ":".join(m) for m in mounts]
        return " ".join(words + ["--", *args])

    def argv(self, kiln_argv, initramfs, args, net=None, mounts=()):
        """kiln_argv with the kernel, initramfs and command line replaced."""
        return self.swap_kernel(kiln_argv, self.vmlinuz, ["-initrd", initramfs],
                                self.cmdline(args, net, mounts))

    @staticmethod
    def swap_kernel(argv, kernel, extra=(), append=""):
        """argv with -kernel KERNEL (followed by EXTRA) and -append APPEND."""
        out = []
        i = 0
        while i < len(argv):
            opt = argv[i]
            if opt == "-kernel":
                out += ["-kernel", kernel, *extra]
                i += 2
            elif opt == "-append":
                out += ["-append", append]
                i += 2
            else:
                out.append(opt)
                i += 1
        return out

    def image_bytes(self, initramfs):
        return os.path.getsize(self.vmlinuz) + os.path.getsize(initramfs)
