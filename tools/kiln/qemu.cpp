#include "qemu.h"

#include <cstdio>

#include "control/protocol.h"
#include "kiln/image.h"

namespace kiln::cli {

const char* accel_name(Accel accel) { return accel == Accel::Kvm ? "kvm" : "tcg"; }

std::string qemu_binary() {
  if (auto q = getenv_view("KILN_QEMU"); !q.empty()) return std::string(q);
  return "qemu-system-x86_64";
}

namespace {

std::string hex(unsigned value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", value);
  return buf;
}

// QEMU's option parser treats ',' as a separator inside -chardev values;
// a literal comma in a path is written twice.
std::string qemu_escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

}  // namespace

std::vector<std::string> qemu_argv(const QemuLaunch& l) {
  std::vector<std::string> argv = {
      l.qemu,
      // microvm: no PCI, no firmware tables to wade through, no option ROMs;
      // the RTC gives the kernel a wall clock when "time" is absent.
      "-M", "microvm,x-option-roms=off,rtc=on",
      // virtio 1.x devices (version 2 registers), not the legacy interface.
      "-global", "virtio-mmio.force-legacy=false",
      "-accel", accel_name(l.accel),
      "-cpu", l.accel == Accel::Kvm ? "host" : "max",
      "-m", std::to_string(l.memory_mb),
      "-smp", "1",
      "-nodefaults", "-no-user-config",
      "-display", "none",
      "-no-reboot",
  };
  if (l.console_stdio) {
    argv.insert(argv.end(), {"-chardev", "stdio,id=con,signal=on"});
  } else {
    // QEMU opens the FIFOs console.log.in and console.log.out; the
    // launcher's console keeper (console_keeper.h) reads the latter.
    argv.insert(argv.end(), {"-chardev", "pipe,id=con,path=" + qemu_escape(l.console_path.string())});
  }
  argv.insert(argv.end(), {"-serial", "chardev:con"});
  // Disks: the serial tells the kernel which is vda, vdb... (microvm fills
  // its virtio-mmio slots from the top, so their order says nothing).
  for (size_t i = 0; i < l.disks.size(); i++) {
    const BlockDevice& d = l.disks[i];
    std::string id = "kilnblk" + std::to_string(i);
    std::string drive = "if=none,id=" + id + ",file=" + qemu_escape(d.file.string()) + ",format=raw";
    if (d.read_only) drive += ",readonly=on";
    argv.insert(argv.end(), {"-drive", drive, "-device", "virtio-blk-device,drive=" + id + ",serial=" + d.serial});
  }
  // Network interfaces: the MAC tells the kernel which is eth0, eth1...
  for (const NetInterface& n : l.nics) {
    std::string netdev = n.type + ",id=" + n.tag;
    for (const auto& opt : n.options)
      if (!opt.starts_with("mac=")) netdev += "," + opt;
    // kiln configures no host side: the tap device is the user's to set up.
    if (n.type == "tap") netdev += ",script=no,downscript=no";
    argv.insert(argv.end(), {"-netdev", netdev, "-device", "virtio-net-device,netdev=" + n.tag + ",mac=" + n.mac});
  }

  // The control channel: a virtio-console port the kernel finds by its
  // name, behind a unix socket that QEMU listens on. Its device takes
  // microvm's slot 0, the one -device fills last, and has the ports used
  // and the legacy port 0 only: QEMU makes two queues for each.
  if (!l.control_path.empty())
    argv.insert(argv.end(),
                {"-device", "virtio-serial-device,id=kilnctl,bus=virtio-mmio-bus.0,max_ports=2",
                 "-chardev", "socket,id=kilnctlsock,path=" + qemu_escape(l.control_path.string()) + ",server=on,wait=off",
                 "-device", std::string("virtserialport,bus=kilnctl.0,nr=1,chardev=kilnctlsock,name=") + control::kPortName});

  // The exit protocol: "exit N\n" on the debugcon port into the status file,
  // then N on isa-debug-exit, which ends QEMU at once.
  argv.insert(argv.end(),
              {"-device", "isa-debug-exit,iobase=" + hex(image::kDebugExitPort) + ",iosize=4",
               "-chardev", "file,id=kilnstatus,path=" + qemu_escape(l.status_path.string()),
               "-device", "isa-debugcon,iobase=" + hex(image::kStatusPort) + ",chardev=kilnstatus"});
  argv.insert(argv.end(), {"-kernel", l.image.string(), "-append", l.append});
  if (l.gdb_port) argv.insert(argv.end(), {"-gdb", "tcp::" + std::to_string(l.gdb_port)});
  if (l.paused || l.gdb_port) argv.push_back("-S");
  argv.insert(argv.end(), l.extra.begin(), l.extra.end());
  return argv;
}

}  // namespace kiln::cli
