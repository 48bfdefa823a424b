// The QEMU command line of a kiln guest (tools/kiln/qemu.h), word for word:
// the microvm machine, the accelerator, memory, console, the control
// channel, the exit protocol's devices, -b disks and -I/-W/-p interfaces,
// gdb and pause, -g extras.
// The interfaces come from a real NetPlan, so their MACs and options are
// the ones `kiln run` would pass.
#include "qemu.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kiln::cli {
namespace {

using Words = std::vector<std::string>;

// The MACs kiln derives for instance "web", interfaces 0 and 2 (see the
// net_config test).
constexpr const char* kWeb0 = "52:54:00:bc:d7:2c";
constexpr const char* kWeb2 = "52:54:00:77:89:b7";

QemuLaunch minimal() {
  QemuLaunch l;
  l.qemu = "qemu-system-x86_64";
  l.console_path = "/run/kiln/web/console.log";
  l.status_path = "/run/kiln/web/status";
  l.control_path = "/run/kiln/web/control.sock";
  l.image = "/images/x.img";
  l.append = "{}";
  return l;
}

// What every guest has before its devices...
const Words kMachine = {
    "qemu-system-x86_64", "-M", "microvm,x-option-roms=off,rtc=on", "-global", "virtio-mmio.force-legacy=false",
};
const Words kBoard = {"-smp", "1", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"};
// A background guest's console: the FIFOs console.log.in/.out, which the
// launcher's console keeper reads (tools/kiln/console_keeper.h).
const Words kPipeConsole = {"-chardev", "pipe,id=con,path=/run/kiln/web/console.log", "-serial", "chardev:con"};
// ...and after them: the control channel, a virtio-console port the
// kernel finds by name, on microvm's slot 0 (the one -device fills last),
// behind the socket QEMU listens on...
const Words kControl = {
    "-device", "virtio-serial-device,id=kilnctl,bus=virtio-mmio-bus.0,max_ports=2",
    "-chardev", "socket,id=kilnctlsock,path=/run/kiln/web/control.sock,server=on,wait=off",
    "-device", "virtserialport,bus=kilnctl.0,nr=1,chardev=kilnctlsock,name=org.kiln.control.0",
};
// ...the exit protocol on the ports the kernel writes (include/kiln/image.h),
// then the image.
const Words kExitProtocol = {
    "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    "-chardev", "file,id=kilnstatus,path=/run/kiln/web/status",
    "-device", "isa-debugcon,iobase=0x402,chardev=kilnstatus",
};
const Words kImage = {"-kernel", "/images/x.img", "-append", "{}"};

Words concat(std::initializer_list<Words> parts) {
  Words out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(KilnQemu, MinimalTcgGuest) {
  EXPECT_EQ(qemu_argv(minimal()), concat({kMachine, {"-accel", "tcg", "-cpu", "max", "-m", "64"}, kBoard,
                                          kPipeConsole, kControl, kExitProtocol, kImage}));
}

TEST(KilnQemu, KvmMemoryAndTheBinary) {
  QemuLaunch l = minimal();
  l.qemu = "/opt/qemu/bin/qemu-system-x86_64";
  l.accel = Accel::Kvm;
  l.memory_mb = 1048576;
  Words machine = kMachine;
  machine[0] = l.qemu;
  EXPECT_EQ(qemu_argv(l), concat({machine, {"-accel", "kvm", "-cpu", "host", "-m", "1048576"}, kBoard,
                                  kPipeConsole, kControl, kExitProtocol, kImage}));
  EXPECT_STREQ(accel_name(Accel::Kvm), "kvm");
  EXPECT_STREQ(accel_name(Accel::Tcg), "tcg");
}

TEST(KilnQemu, InteractiveGdbPausedAndExtras) {
  QemuLaunch l = minimal();
  l.console_stdio = true;
  l.gdb_port = 1234;
  l.extra = {"-device", "virtio-rng-device", "-name", "a b"};
  const Words cpu = {"-accel", "tcg", "-cpu", "max", "-m", "64"};
  const Words stdio = {"-chardev", "stdio,id=con,signal=on", "-serial", "chardev:con"};
  // gdb waits for its debugger: paused without -p.
  EXPECT_EQ(qemu_argv(l), concat({kMachine, cpu, kBoard, stdio, kControl, kExitProtocol, kImage,
                                  {"-gdb", "tcp::1234", "-S", "-device", "virtio-rng-device", "-name", "a b"}}));
  l = minimal();
  l.paused = true;
  EXPECT_EQ(qemu_argv(l), concat({kMachine, cpu, kBoard, kPipeConsole, kControl, kExitProtocol, kImage, {"-S"}}));
  l.gdb_port = 1;
  EXPECT_EQ(qemu_argv(l), concat({kMachine, cpu, kBoard, kPipeConsole, kControl, kExitProtocol, kImage,
                                  {"-gdb", "tcp::1", "-S"}}));
}

// The KVM probe's guest, and one whose devices fill every slot, have none.
TEST(KilnQemu, NoControlChannelWithoutItsSocket) {
  QemuLaunch l = minimal();
  l.control_path.clear();
  EXPECT_EQ(qemu_argv(l), concat({kMachine, {"-accel", "tcg", "-cpu", "max", "-m", "64"}, kBoard,
                                  kPipeConsole, kExitProtocol, kImage}));
}

TEST(KilnQemu, CommasInPathsAreDoubled) {
  QemuLaunch l = minimal();
  l.console_path = "/run/a,b/console.log";
  l.status_path = "/run/a,b/status";
  l.control_path = "/run/a,b/control.sock";
  l.disks = {{.file = "/images/we,ird.img", .dev = "vda", .serial = "kiln-vda", .mountpoint = "", .fstype = "raw"}};
  Words argv = qemu_argv(l);
  auto after = [&](const std::string& flag, size_t nth) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      if (argv[i] == flag && nth-- == 0) return argv[i + 1];
    return std::string("(no ") + flag + ")";
  };
  EXPECT_EQ(after("-chardev", 0), "pipe,id=con,path=/run/a,,b/console.log");
  EXPECT_EQ(after("-chardev", 1), "socket,id=kilnctlsock,path=/run/a,,b/control.sock,server=on,wait=off");
  EXPECT_EQ(after("-chardev", 2), "file,id=kilnstatus,path=/run/a,,b/status");
  EXPECT_EQ(after("-drive", 0), "if=none,id=kilnblk0,file=/images/we,,ird.img,format=raw");
}

TEST(KilnQemu, DisksAndInterfaces) {
  // kiln run -M 128 -N web -b data.iso,/data -b state.ext2,/var/lib/app
  //   -I net0,tap,ifname=tap0 -W net0,inet,static,10.0.120.120/24,10.0.120.1
  //   -I up,user,mac=... -p 8080:80 -I nat,user -W nat,inet,static,192.168.7.9/24,192.168.7.1
  NetPlan net;
  net.add_interface("net0,tap,ifname=tap0");
  net.add_address("net0,inet,static,10.0.120.120/24,10.0.120.1");
  net.add_interface("up,user,mac=52:54:00:AB:cd:01");
  net.add_port_forward("8080:80");
  net.add_interface("nat,user");
  net.add_address("nat,inet,static,192.168.7.9/24,192.168.7.1");
  net.finish("web");

  QemuLaunch l = minimal();
  l.memory_mb = 128;
  l.nics = net.interfaces();
  l.disks = {
      {.file = "/images/data.iso", .dev = "vda", .serial = "kiln-vda", .mountpoint = "/data", .fstype = "iso9660",
       .read_only = true},
      {.file = "/images/state.ext2", .dev = "vdb", .serial = "kiln-vdb", .mountpoint = "/var/lib/app",
       .fstype = "ext2"},
  };
  EXPECT_EQ(qemu_argv(l),
            concat({kMachine, {"-accel", "tcg", "-cpu", "max", "-m", "128"}, kBoard, kPipeConsole,
                    {
                        "-drive", "if=none,id=kilnblk0,file=/images/data.iso,format=raw,readonly=on",
                        "-device", "virtio-blk-device,drive=kilnblk0,serial=kiln-vda",
                        "-drive", "if=none,id=kilnblk1,file=/images/state.ext2,format=raw",
                        "-device", "virtio-blk-device,drive=kilnblk1,serial=kiln-vdb",
                        // kiln sets up no host side for a tap; mac= goes to the device.
                        "-netdev", "tap,id=net0,ifname=tap0,script=no,downscript=no",
                        "-device", std::string("virtio-net-device,netdev=net0,mac=") + kWeb0,
                        "-netdev", "user,id=up,hostfwd=tcp::8080-:80",
                        "-device", "virtio-net-device,netdev=up,mac=52:54:00:ab:cd:01",
                        "-netdev", "user,id=nat,net=192.168.7.0/24,host=192.168.7.1",
                        "-device", std::string("virtio-net-device,netdev=nat,mac=") + kWeb2,
                    },
                    kControl, kExitProtocol, kImage}));
}

}  // namespace
}  // namespace kiln::cli
