#include "help.h"

#include "pkg.h"

namespace kiln::cli {

namespace {

constexpr std::string_view kMain = R"(usage: kiln COMMAND [ARGS...]

kiln turns an ordinary x86_64 Linux program into a unikernel image and runs
it as a virtual machine.

Commands:
  bake      embed programs into a kernel image (kiln bake CONFIG OUT IN...)
  run       boot an image under QEMU (kiln run qemu -i hello.img)
  ps        list the guests started in the background
  logs      print (or follow) the console output of a background guest
  stop      stop a guest gracefully, as docker stop does (Rumprun's rumpstop)
  systemd-unit
            write a systemd service that runs a guest (kiln systemd-unit qemu -- web.img)
  pkg       build Debian's applications into images (kiln pkg list)
  help      show the usage of a command (kiln help run)

Options:
  -h, --help     show this help
  --version      print the kiln version

Environment:
  KILN_KERNEL_DIR   where the unbaked kernels are
                    (default: <dir of kiln>/../share/kiln/kernel)
  KILN_QEMU         the QEMU binary (default: qemu-system-x86_64 from PATH)
  KILN_ACCEL        tcg or kvm: force the accelerator of 'kiln run qemu'
  XDG_RUNTIME_DIR   where the guests' run directories go (default /tmp)
  XDG_CACHE_HOME    where the KVM probe verdict is cached (default ~/.cache)

Exit status: 0 on success, 1 when the work failed, 2 on a usage error;
'kiln run -i' exits with the guest program's own status (125 if the guest
stopped without reporting one).

Typical workflow:
  x86_64-kiln-linux-gcc -o hello hello.c
  kiln bake hw_virtio hello.img hello
  kiln run qemu -i hello.img
)";

constexpr std::string_view kBake = R"(usage: kiln bake list
       kiln bake describe CONFIG
       kiln bake [OPTIONS] TARGET OUT IN [IN...]

Embeds the x86_64 Linux program IN into the kernel of TARGET and writes the
bootable image OUT (mode 0755, written atomically). IN becomes /bin/<name>
of the guest's root file system (one inside a --rootfs tree stays where the
tree has it, and /bin/<name> links to it); a dynamic program brings its interpreter
and the libraries it needs, at the paths the interpreter looks for them.
Up to 16 programs (with different names) go into one image: 'kiln run -r'
runs them in order, in the background or in pipelines.

TARGET is a configuration (see 'kiln bake list'), or a platform (hw, and its
launcher names qemu, kvm, tcg), which picks the platform's default
configuration unless --config names one.

Subcommands:
  list               list the configurations, one line each
  describe CONFIG    show the platform, kernel file and components of CONFIG

Options:
  --file HOST[:GUEST]  put the file HOST into the image at GUEST (an absolute
                     path; default /<name of HOST>; a GUEST ending in / is a
                     directory for it); repeatable
  --rootfs DIR       put the whole tree under DIR into the image's root:
                     directories (empty ones too), files and symlinks, with
                     their modes and times; repeatable
  --print-files      after baking, list the files of the image's payload
                     (mode, size, path)
  --config CONFIG    the configuration to use when TARGET is a platform
  -h, --help         show this help

Trees are added first, then files, then the program and its libraries. Two
sources for one guest path are an error, unless they hold the same bytes.
A dynamic program's interpreter and libraries come from the --rootfs trees
when they hold them (looked up as the guest's loader will: RPATH, RUNPATH,
/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib64, /usr/lib64, /lib,
/usr/lib, symlinks followed inside the tree), else from the host.
Files owned by you are owned by root in the guest; other owners are kept.
Device nodes, FIFOs and sockets under DIR are left out (with a warning).

Environment:
  KILN_KERNEL_DIR    where the unbaked kernels are (hw_virtio.elf, ...)
  SOURCE_DATE_EPOCH  the file times recorded in the image (reproducible builds)

Examples:
  kiln bake hw_virtio hello.img hello
  kiln bake --rootfs www --file nginx.conf:/etc/nginx/ hw_virtio web.img nginx
  kiln bake hw_virtio tools.img /bin/busybox loader
)";

constexpr std::string_view kRun = R"(usage: kiln run [-h] [-D] PLATFORM [GUEST OPTIONS] [--] IMAGE [ARGS...]

Boots the baked IMAGE under QEMU (microvm machine). ARGS become the
program's arguments (argv[1...]); argv[0] is the program's name.

Launcher options (before PLATFORM):
  -h, --help        show this help
  -D, --dry-run     print the QEMU command line instead of running it

Platforms:
  qemu   QEMU with the best accelerator that works: KVM if a probe boot
         proves a guest really runs under it on this machine, else TCG.
         The probe result is cached in $XDG_CACHE_HOME/kiln (~/.cache/kiln).
         KILN_ACCEL=tcg or KILN_ACCEL=kvm overrides the choice.
  kvm    QEMU with KVM (-cpu host); fails if KVM cannot run a guest here
  tcg    QEMU with software emulation (-cpu max), never KVM (kiln extension)

Guest options (after PLATFORM, before IMAGE):
  -M MB             guest memory in MiB (default 64)
  -e VAR=VAL        set an environment variable of the program; repeatable
  -N NAME           name the instance (for ps, logs, stop) and set the guest
                    hostname to NAME (default name: kiln-<launcher pid>)
  -i                interactive: QEMU in the foreground, console on stdout,
                    kiln exits with the program's exit status; Ctrl-C and
                    SIGTERM stop the guest gracefully (SIGTERM to the program,
                    killed after 10 s), a second Ctrl-C kills it. Without -i
                    the guest starts in the background and kiln prints its
                    handle, qemu:PID
  -d                destroy the guest when it halts (always the case under
                    QEMU; accepted for Rumprun compatibility)
  -p                create the guest paused (QEMU -S)
  -D PORT           start a gdb server on TCP PORT, guest paused at its first
                    instruction (QEMU -gdb tcp::PORT -S)
  -g ARGS           extra QEMU arguments, split like a shell would; repeatable
  -v                verbose: the kernel prints boot messages
  --syslog HOST[:PORT]
                    send the program's syslog(3) messages (/dev/log) to the
                    syslog server HOST over UDP (port 514 by default), as
                    RFC 5424 with the instance's name as HOSTNAME; without
                    it they go to the console, one line each. HOST is a name
                    (resolved here), an IPv4 address or [IPv6]; the guest
                    needs a network interface that reaches it
  --log-size SIZE   a background guest's console.log is rotated at SIZE
                    (default 4M, at least 4K; K, M, G): console.log.1 keeps
                    the one before, so the newest SIZE to 2*SIZE bytes stay
  -h                show this help

Several programs in one image (Rumprun's "rc"; repeatable, in order):
  -r 'PROGRAM [ARGS...] [&|]'
                    run PROGRAM (a name the image was baked with, or a path
                    in the image) with ARGS, split like a shell would. Without
                    a mode the next one starts when it has exited; with & it
                    runs in the background; with | its stdout is piped to the
                    next one's stdin. The guest ends when every program has
                    exited, with the last one's status; a program that fails
                    is named on the console. Not with ARGS after IMAGE.
                    Without -r, every program of the image runs in turn with
                    ARGS.

Block devices (repeatable; /dev/vda, /dev/vdb... in order):
  -b HOSTPATH[,MOUNTPOINT][,ro]
                    attach the image HOSTPATH as a virtio-blk device and mount
                    it on MOUNTPOINT; the file system (ext2 or ISO 9660) is
                    detected. Read-only with ,ro, and always for an ISO.
                    Without MOUNTPOINT the device stays unmounted (raw)

Networking (repeatable; interfaces eth0, eth1... in -I order):
  -I TAG,tap,ifname=NAME[,vhost=on|off][,mac=MAC]
                    an interface on the host's tap device NAME (set up by
                    you; kiln runs no scripts)
  -I TAG,user[,hostfwd=tcp:[ADDR]:PORT-[ADDR]:PORT...][,mac=MAC][,OPT=VAL...]
                    an interface on QEMU's user-mode network (no privileges
                    needed; 10.0.2.0/24, DHCP server at 10.0.2.2). OPT is one
                    of QEMU's -netdev user options (net, host, dns, restrict,
                    ipv6-net, guestfwd, ...)
  -W TAG,inet,dhcp | TAG,inet,static,ADDR/MASK[,GW]
     TAG,inet6,auto | TAG,inet6,static,ADDR/PREFIX[,GW]
                    configure the interface TAG (one inet and one inet6 each).
                    Without -W, a user interface uses DHCP and a tap one
                    comes up without an address
  -n NETSPEC        deprecated (Rumprun): a new user-mode interface
                    configured with -W's NETSPEC; not with -I
  -p [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]
                    forward a host port to the guest over the first user-mode
                    interface (one is made if there is none). -p followed by
                    anything else still means "paused"

MACs are 52:54:00 plus three bytes hashed from the instance name and the
interface's index: the same for the same -N, different for every unnamed run.

The boot configuration (docs/internals.md) is passed to the kernel as JSON:
"args", "env", "hostname", "verbose", "time" (the launch time), "net",
"blk", "rc" and "syslog".

Files of an instance are in ${XDG_RUNTIME_DIR:-/tmp}/kiln-UID/NAME:
pid, image, cmd (the QEMU command), console.log (and console.log.1),
console.times (when each part of it arrived), qemu.log, status, and
control.sock (mode 0600), the channel 'kiln stop' talks to the kernel on.

Exit status: with -i, the program's exit status (125 if the guest stopped
without reporting one, e.g. a triple fault or a killed QEMU); without -i, 0
once the guest is started. 2 on a usage error, 1 if the launch failed.

Examples:
  kiln run qemu -i hello.img
  kiln run kvm -M 128 -e TZ=UTC -N web -i -- server.img -p 8080
  kiln run qemu -i -I net0,tap,ifname=tap0 -W net0,inet,static,10.0.120.120/24 -- nc.img -l -p 3333
  kiln run qemu -i -p 8080:80 -b data.iso,/data -b state.ext2,/var/lib/app web.img
  kiln run -D tcg -D 1234 -i hello.img      (print the command; gdb on :1234)
  kiln run tcg -i -r 'busybox sh -c "ls /etc" |' -r 'busybox wc -l' tools.img
)";

constexpr std::string_view kPs = R"(usage: kiln ps [-h]

Lists the guests started by 'kiln run' (in the background or with -i):
NAME, HANDLE (qemu:PID), STATE, UPTIME and IMAGE. STATE is running, or how
the guest ended: exited N (the program's status), crashed (SIGSEGV) (a
fault signal: SEGV, BUS, ILL, FPE, ABRT, TRAP, SYS), killed (SIGTERM) (any
other signal), out of memory, or kernel panic; 'kiln logs NAME' has the
report. Entries whose QEMU died without a status are removed.

Options:
  -h, --help     show this help
)";

constexpr std::string_view kLogs = R"(usage: kiln logs [-h] [-f] [-t] NAME|HANDLE

Prints the console output of the background guest NAME (or HANDLE,
qemu:PID), running or ended, from console.log.1 and console.log; QEMU's own
messages (qemu.log) follow on stderr if there are any.

Options:
  -f, --follow      keep printing what the guest writes until it has ended
  -t, --timestamps  begin each line with the host time it arrived, in UTC
                    (2026-12-07T23:36:47.123456Z)
  -h, --help        show this help
)";

constexpr std::string_view kSystemdUnit = R"(usage: kiln systemd-unit [-h] [-t SECONDS] PLATFORM [GUEST OPTIONS] [--] IMAGE [ARGS...]

Writes to stdout a systemd service that runs the guest as 'kiln run' would
with these words, in the foreground (-i: its console goes to the journal)
and named after the unit: install it as NAME.service and the guest is NAME
(the unit's %p) for kiln ps, logs and stop. Relative paths keep their
meaning: the unit's WorkingDirectory is the current directory.

The unit stops the guest with 'kiln stop -t SECONDS %p' (TimeoutStopSec is
5 seconds more), sends SIGTERM to kiln run alone (KillMode=mixed), counts
status 143 (ended by the stop's SIGTERM) as success and restarts the guest
whenever it ends otherwise (Restart=always). See docs/deployment.md.

Options:
  -t SECONDS     kiln stop's grace period (default 10)
  -h, --help     show this help

Example:
  kiln systemd-unit qemu -M 128 -I net0,tap,ifname=tap0 -- web.img > /etc/systemd/system/web.service
  systemctl daemon-reload && systemctl enable --now web
)";

constexpr std::string_view kStop = R"(usage: kiln stop [-h] [-t SECONDS] NAME|HANDLE...

Stops guests started by 'kiln run' gracefully, as docker stop does
(Rumprun's rumpstop): the guest's kernel sends its program SIGTERM (with
several programs, each in turn, the last started first), and the guest
halts once it has exited, its disks synced, with its exit status. When the
grace period is over the kernel is asked to kill it (SIGKILL, then the
same exit, status 137), and kiln says so; QEMU is killed only if the guest
has not halted 5 s later. A guest that halted keeps its run directory, so
'kiln ps' shows its status, until the next 'kiln stop' removes it; a guest
that cannot be asked (an image from before the control channel) has its
QEMU stopped, its disks not synced.

Options:
  -t SECONDS     grace period before the kill (default 10)
  -h, --help     show this help
)";

constexpr std::string_view kHelp = R"(usage: kiln help [COMMAND]

Shows the usage of COMMAND (bake, run, ps, logs, stop, systemd-unit, pkg), or
of kiln itself.
)";

}  // namespace

std::string_view main_help() { return kMain; }

std::string_view command_help(std::string_view command) {
  if (command == "bake") return kBake;
  if (command == "run") return kRun;
  if (command == "ps") return kPs;
  if (command == "logs") return kLogs;
  if (command == "stop") return kStop;
  if (command == "systemd-unit") return kSystemdUnit;
  if (command == "help") return kHelp;
  if (command == "pkg") return pkg_help();
  return {};
}

}  // namespace kiln::cli
