"""The comparisons bench/run makes. Each takes the Context and adds raw
numbers to ctx.results; a run that fails is reported, never turned into a
number."""

import os
import shutil
import subprocess

import netbench
from guests import GREETING, Refused
from timed_run import phases, timed_run

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Guest memory for every benchmark but the memory search: room for Linux's
# initramfs and page cache, and the same for kiln.
MEMORY_MB = 256


class BenchError(Exception):
    pass


def _check(run, guest, what):
    if not run.ok:
        why = "timed out" if run.timed_out else "status %s" % run.status
        raise BenchError("%s: %s failed (%s); console tail:\n%s" % (guest, what, why, run.tail()))


def _alternate(ctx, runs_for_guest, guests=("kiln", "linux")):
    """Warm-up runs then measured runs, the guests taking turns.

    runs_for_guest(guest) returns a function doing one run and returning
    {metric: value}; warm-up values are kept in the CSV, marked as such.
    """
    doers = {g: runs_for_guest(g) for g in guests}
    for i in range(ctx.warmups + ctx.reps):
        warm = i < ctx.warmups
        for guest in guests:
            for metric, value in doers[guest]().items():
                ctx.results.add(metric, guest, i, value, warmup=warm)
        ctx.log("  run %d/%d%s done" % (i + 1, ctx.warmups + ctx.reps, " (warm-up)" if warm else ""))


def _argv_makers(ctx, name, args=(), memory_mb=MEMORY_MB, run_options=(), mounts=()):
    """{guest: function returning a fresh QEMU command} for program NAME
    with ARGS: kiln's from its dry run each time (the boot configuration
    holds the time), Linux's from the same options with its kernel, the
    same program from its initramfs and MOUNTS ((device, dir) pairs, kiln's
    -b mount points) in place of kiln's."""
    image, initramfs = ctx.kiln_image(name), ctx.linux_initramfs(name)

    def kiln():
        return ctx.kiln.argv(image, list(args), memory_mb, ctx.status_path, run_options)

    def linux():
        return ctx.linux.argv(_kiln_argv_for_linux(ctx, image, list(args), memory_mb, run_options),
                              initramfs, ["/bin/" + name, *args], mounts=mounts)

    return {"kiln": kiln, "linux": linux}


def _kiln_argv_for_linux(ctx, image, args, memory_mb, run_options):
    """kiln's QEMU command as the base of Linux's, with -m MEMORY_MB. kiln
    run refuses an -M its image does not fit in, so the command is taken at
    the usual size and only -m changed: Linux's probes do not depend on
    what kiln accepts."""
    argv = ctx.kiln.argv(image, args, MEMORY_MB, ctx.status_path, run_options)
    i = argv.index("-m")
    return argv[:i + 1] + [str(memory_mb)] + argv[i + 2:]


def boot(ctx):
    """Launch to the first line hello prints, and launch to QEMU's exit."""
    r = ctx.results
    r.define("boot_first_output", "boot: launch to hello's first output", "ms")
    r.define("boot_exit", "boot: launch to exit (hello)", "ms")
    argv = _argv_makers(ctx, "hello")
    ctx.commands["hello"] = {g: make() for g, make in argv.items()}
    # QEMU's floor, for scale: the same options booting a kernel that exits
    # at once (bench/floor/floor.S, as bench/boot.sh uses).
    floor_argv = ctx.linux.swap_kernel(argv["kiln"](), ctx.floor_kernel())

    def runs_for(guest):
        def once():
            if guest == "floor":
                run = timed_run(floor_argv)
                if run.timed_out:
                    raise BenchError("floor kernel timed out")
                return {"boot_exit": run.exit_ms}
            run = timed_run(argv[guest](), marker=GREETING)
            _check(run, guest, "hello")
            if run.marker_ms is None:
                raise BenchError("%s: no '%s' line" % (guest, GREETING))
            return {"boot_first_output": run.marker_ms, "boot_exit": run.exit_ms}
        return once

    _alternate(ctx, runs_for, ("kiln", "linux", "floor"))
    floor = r.median("boot_exit", "floor")
    r.details.append("boot: QEMU's floor with the same options (a PVH kernel that exits at once) "
                     "takes %.0f ms launch to exit; kiln's hello is %.2fx that, Linux's %.1fx"
                     % (floor, r.median("boot_exit", "kiln") / floor, r.median("boot_exit", "linux") / floor))


def image_size(ctx):
    """What a user ships: kiln's baked image against bzImage + initramfs,
    both holding the same static hello."""
    r = ctx.results
    r.define("image_bytes", "image size: hello (kiln image vs bzImage + initramfs)", "KiB")
    r.add("image_bytes", "kiln", 0, ctx.kiln.image_bytes(ctx.kiln_image("hello")) / 1024)
    r.add("image_bytes", "linux", 0, ctx.linux.image_bytes(ctx.linux_initramfs("hello")) / 1024)
    kib = lambda path: "%.0f KiB" % (os.path.getsize(path) / 1024)
    r.details.append("image size: the static hello is %s in both; kiln's kernel file %s "
                     "(hw_virtio.elf with its symbols), %s loaded (text+data+bss)"
                     % (kib(ctx.program("hello")), kib(ctx.kiln.kernel), ctx.kiln.loaded_kib()))
    r.details.append("image size: Linux bzImage %s, initramfs %s (busybox, modules, init, hello; gzip -9)"
                     % (kib(ctx.linux.vmlinuz), kib(ctx.linux_initramfs("hello"))))


def _smallest(ok, lo, hi):
    """The smallest value in [lo, hi] for which ok() holds, assuming it holds
    from some point on; None if it does not hold even at hi."""
    if not ok(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _why_it_failed(lines):
    """A failed guest's reason, quoted: its panic or out-of-memory line, else
    the console's last line."""
    said = [l.strip() for l in lines if l.strip()]
    panics = [l for l in said if "Kernel panic" in l or "panic:" in l.lower() or "out of memory" in l.lower()]
    last = (panics or said or ["(nothing on the console)"])[-1]
    return "`%s`" % last.replace("`", "'")


def memory(ctx, lo=4, hi=512):
    """The smallest -M (MiB) at which hello still boots, prints and exits 0."""
    r = ctx.results
    r.define("memory_hello", "memory: smallest -M running hello", "MiB")

    def boots(guest):
        def ok(mb):
            try:
                argv = _argv_makers(ctx, "hello", memory_mb=mb)[guest]()
            except Refused as e:
                ctx.last_failure[guest] = "`kiln run` refuses: `%s`" % str(e).replace("`", "'")
                r.add("memory_probe_ok", guest, mb, 0)
                ctx.log("  %s -M %d: refused by kiln run" % (guest, mb))
                return False
            run = timed_run(argv, marker=GREETING, timeout_s=120)
            good = run.ok and run.marker_ms is not None
            if not good:
                ctx.last_failure[guest] = _why_it_failed(run.lines)
            r.add("memory_probe_ok", guest, mb, 1 if good else 0)
            ctx.log("  %s -M %d: %s" % (guest, mb, "ok" if good else "fails"))
            return good
        return ok

    for guest in ("kiln", "linux"):
        found = _smallest(boots(guest), lo, hi)
        if found is None:
            r.notes.append("memory: %s did not run hello even with -M %d" % (guest, hi))
        else:
            r.add("memory_hello", guest, 0, found)
        if found == lo:
            r.details.append("memory: %s runs hello at -M %d, the least `kiln run` accepts; "
                             "its real floor may be lower" % (guest, lo))
        elif found is not None:
            r.details.append("memory: %s fails at -M %d: %s (one run per probe: near the "
                             "boundary a probe can go either way, and Linux's result moved by "
                             "1-2 MiB between runs while bench/run was written)"
                             % (guest, found - 1, ctx.last_failure.get(guest, "?")))
    _memory_nginx(ctx, lo, hi)


def _memory_nginx(ctx, lo, hi):
    """The smallest -M at which each guest boots nginx (packages/nginx-light)
    and answers a GET of the small page with exactly its bytes."""
    r = ctx.results
    r.define("memory_nginx", "memory: smallest -M serving nginx (a GET answered)", "MiB")
    site = _site(ctx)
    expected = _site_files(ctx)[SMALL_PAGE]
    with netbench.Netns() as ns:
        def serves(guest):
            def ok(mb):
                try:
                    argv = _server_argv(ctx, "nginx", guest, memory_mb=mb, volume=site)
                except Refused as e:
                    ctx.last_failure[guest] = "`kiln run` refuses: `%s`" % str(e).replace("`", "'")
                    r.add("memory_nginx_probe_ok", guest, mb, 0)
                    ctx.log("  nginx %s -M %d: refused by kiln run" % (guest, mb))
                    return False
                with netbench.Server(ns, argv, guest) as server:
                    try:
                        server.wait_until(lambda: netbench.serves(ns, "/" + SMALL_PAGE, expected),
                                          MEMORY_PROBE_TIMEOUT_S, "answer to GET /" + SMALL_PAGE)
                        good = True
                    except netbench.NetError:
                        good = False
                    if not good:
                        how = " (still running, not answering, after %d s)" % MEMORY_PROBE_TIMEOUT_S \
                            if server.alive() else ""
                        ctx.last_failure[guest] = _why_it_failed(server.output().splitlines()) + how
                r.add("memory_nginx_probe_ok", guest, mb, 1 if good else 0)
                ctx.log("  nginx %s -M %d: %s" % (guest, mb, "serves" if good else "fails"))
                return good
            return ok

        for guest in ("kiln", "linux"):
            found = _smallest(serves(guest), lo, hi)
            if found is None:
                r.notes.append("memory: %s did not serve nginx even with -M %d" % (guest, hi))
                continue
            r.add("memory_nginx", guest, 0, found)
            if found == lo:
                r.details.append("memory: %s serves nginx at -M %d, the least `kiln run` accepts"
                                 % (guest, lo))
            else:
                r.details.append("memory: %s does not serve nginx at -M %d: %s (last console line "
                                 "or panic of that probe; one run per probe)"
                                 % (guest, found - 1, ctx.last_failure.get(guest, "?")))


MIN_LINES_MS = 50


def _phase_runner(ctx, argv, program, per_phase, guest):
    """One run of PROGRAM: {metric: value} from its framed phases, timed by
    the time-stamp counter; the same values from the guest's clock and from
    the console lines' arrival go beside them as METRIC_guestclock and
    METRIC_lines (see timed_run.phases).

    per_phase: {phase name: (metric, function(amount, ms) -> value, pick)}
    where pick (min or max) chooses among a run's rounds of that phase.
    """
    suffix = {"tsc": "", "guest": "_guestclock", "lines": "_lines"}

    def once():
        run = timed_run(argv[guest](), timeout_s=300)
        _check(run, guest, program)
        values = {}
        for name, amount, ms in phases(run, program, ctx.linux.tsc_khz):
            if name in per_phase:
                metric, value, _ = per_phase[name]
                for clock, t in ms.items():
                    # Lines a few ms apart can arrive in one read of the
                    # console pipe: too close to time a phase by.
                    if clock == "lines" and t < MIN_LINES_MS:
                        continue
                    values.setdefault(metric + suffix[clock], []).append(value(amount, t))
        if not all(m in values for m, _, _ in per_phase.values()):
            raise BenchError("%s: %s printed no phases:\n%s" % (guest, program, run.tail()))
        got = {}
        for metric, _, pick in per_phase.values():
            for end in suffix.values():
                if metric + end in values:
                    got[metric + end] = pick(values[metric + end])
        return got
    return once


def _clock_detail(ctx, metrics):
    """How the other two timings of the same phases compare with the
    time-stamp counter's, per guest: ratios over all measured runs."""
    r = ctx.results
    for guest in ("kiln", "linux"):
        parts = []
        for end, what in (("_guestclock", "its own clock"), ("_lines", "the console lines' arrival")):
            ratios = []
            for metric in metrics:
                base = r.by_run(metric, guest)
                other = r.by_run(metric + end, guest)
                ratios += [other[i] / base[i] for i in other if base.get(i)]
            if ratios:
                parts.append("%s gives %.2f to %.2f times the value" % (what, min(ratios), max(ratios)))
        if parts:
            r.details.append("timing check, %s, %s: %s (1.00 = agrees with the time-stamp counter; "
                             "console lines less than %d ms apart are not used)"
                             % (" and ".join(m.split("_", 1)[1] for m in metrics), guest, "; ".join(parts),
                                MIN_LINES_MS))


def syscalls(ctx):
    """getppid() and a 4-byte pipe round trip, each round timed with the
    time-stamp counter; the fastest of a run's 5 rounds counts."""
    r = ctx.results
    r.define("syscall_getppid", "syscall: getppid()", "ns")
    r.define("syscall_pipe_rtt", "syscall: 4-byte pipe round trip, 2 threads", "ns")
    argv = _argv_makers(ctx, "syscost")
    per_op_ns = lambda ops, ms: ms * 1e6 / ops
    per_phase = {"getppid": ("syscall_getppid", per_op_ns, min),
                 "pipe_rtt": ("syscall_pipe_rtt", per_op_ns, min)}
    _alternate(ctx, lambda guest: _phase_runner(ctx, argv, "syscost", per_phase, guest))
    _clock_detail(ctx, ["syscall_getppid", "syscall_pipe_rtt"])


STORAGE_MIB = 64


def _ext2_template(ctx, mib):
    """An ext2 volume holding in.bin (MIB MiB of random bytes), made once;
    every run gets a fresh copy of it."""
    template = os.path.join(ctx.work, "vol-template.ext2")
    if not os.path.exists(template):
        content = os.path.join(ctx.work, "vol-content")
        os.makedirs(content, exist_ok=True)
        with open(os.path.join(content, "in.bin"), "wb") as f:
            f.write(os.urandom(mib << 20))
        # Room for in.bin, out.bin and the metadata; revision 1, 4 KiB blocks.
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-d", content,
                        template, "%dM" % (3 * mib + 16)], check=True,
                       stdout=subprocess.DEVNULL)
    return template


def storage(ctx, mib=STORAGE_MIB):
    """Sequential read of a file nothing has cached yet and sequential write
    + fsync, on an ext2 volume: kiln's `-b vol.ext2,/data`, and for Linux the
    same virtio-blk disk, which its init mounts on /data."""
    r = ctx.results
    r.define("storage_read", "storage: ext2 sequential read, %d MiB, cold" % mib, "MiB/s", "higher")
    r.define("storage_write", "storage: ext2 sequential write + fsync, %d MiB" % mib, "MiB/s", "higher")
    template = _ext2_template(ctx, mib)
    volume = os.path.join(ctx.work, "vol.ext2")
    argv = _argv_makers(ctx, "seqio", ["/data", str(mib)], run_options=["-b", volume + ",/data"],
                        mounts=[("/dev/vda", "/data")])
    mib_per_s = lambda mib, ms: mib / (ms / 1000)
    per_phase = {"read": ("storage_read", mib_per_s, max),
                 "write": ("storage_write", mib_per_s, max)}

    def runs_for(guest):
        run_once = _phase_runner(ctx, argv, "seqio", per_phase, guest)

        def once():
            shutil.copyfile(template, volume)  # every run starts from the same volume
            return run_once()
        return once

    _alternate(ctx, runs_for)
    _clock_detail(ctx, ["storage_read", "storage_write"])


SMALL_FILES = 1000


def small_files(ctx, n=SMALL_FILES):
    """Create (with sync), stat and unlink (with sync) N 4 KiB files in one
    directory of a fresh ext2 volume, files per second, in both guests."""
    r = ctx.results
    r.define("files_create", "storage: ext2 create %d files of 4 KiB + sync" % n, "files/s", "higher")
    r.define("files_stat", "storage: ext2 stat %d files (cached)" % n, "files/s", "higher")
    r.define("files_unlink", "storage: ext2 unlink %d files + sync" % n, "files/s", "higher")
    template = _ext2_template(ctx, STORAGE_MIB)
    volume = os.path.join(ctx.work, "vol.ext2")
    argv = _argv_makers(ctx, "smallfiles", ["/data", str(n)], run_options=["-b", volume + ",/data"],
                        mounts=[("/dev/vda", "/data")])
    files_per_s = lambda files, ms: files / (ms / 1000)
    per_phase = {"create": ("files_create", files_per_s, max),
                 "stat": ("files_stat", files_per_s, max),
                 "unlink": ("files_unlink", files_per_s, max)}

    def runs_for(guest):
        run_once = _phase_runner(ctx, argv, "smallfiles", per_phase, guest)

        def once():
            shutil.copyfile(template, volume)
            return run_once()
        return once

    _alternate(ctx, runs_for)
    _clock_detail(ctx, ["files_create", "files_stat", "files_unlink"])


# The network benchmarks. Each boots the server guest, waits until it
# answers, then loads it from the host with the client pinned to one core.
NET_SECONDS = int(os.environ.get("BENCH_NET_SECONDS", "3"))        # per wrk measurement
NET_SECONDS_BIG = int(os.environ.get("BENCH_NET_SECONDS_BIG", "10"))  # 1 MiB, 32 connections
NET_MIB = int(os.environ.get("BENCH_NET_MIB", "32"))               # per direction, TCP
REDIS_REQUESTS = int(os.environ.get("BENCH_REDIS_REQUESTS", "20000"))  # per redis-benchmark test
READY_TIMEOUT_S = 180
MEMORY_PROBE_TIMEOUT_S = 90
SMALL_PAGE = "index.html"  # packages/nginx-light/site/index.html
BIG_PAGE = "1m.bin"        # 1 MiB of random bytes
BULK_PORT = 5001
REDIS_VOLUME_MB = 64


def _site_files(ctx):
    """{name: bytes}: the package's own index.html and a 1 MiB file, made
    once per bench run."""
    if not hasattr(ctx, "_site_files"):
        with open(os.path.join(REPO, "packages", "nginx-light", "site", SMALL_PAGE), "rb") as f:
            small = f.read()
        ctx._site_files = {SMALL_PAGE: small, BIG_PAGE: os.urandom(1 << 20)}
    return ctx._site_files


def _site(ctx):
    """An ISO 9660 volume with the site (as packages/nginx-light serves
    www.iso from /data): kiln mounts it with -b, Linux's init mounts the
    same virtio-blk disk."""
    iso = os.path.join(ctx.work, "site.iso")
    if not os.path.exists(iso):
        root = os.path.join(ctx.work, "site")
        os.makedirs(root, exist_ok=True)
        for name, data in _site_files(ctx).items():
            with open(os.path.join(root, name), "wb") as f:
                f.write(data)
        subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "WWW", "-o", iso, root],
                       check=True, capture_output=True)
    return iso


def _server_argv(ctx, server, guest, memory_mb=MEMORY_MB, volume=None):
    """The QEMU command for SERVER (nginx, redis, bulk) in GUEST, on the
    namespace's tap0 at netbench.GUEST4. VOLUME is the one virtio-blk disk:
    the site's ISO on /data (nginx), an ext2 volume on /var/lib/redis
    (redis)."""
    run_options = list(netbench.TAP_OPTIONS)
    mounts = []
    if server == "nginx":
        image, initramfs = ctx.package_image("nginx-light"), ctx.package_initramfs("nginx-light")
        kiln_args, linux_args = [], ["/usr/sbin/nginx"]
        run_options += ["-b", volume + ",/data"]
        mounts = [("/dev/vda", "/data", "iso9660")]
    elif server == "redis":
        image, initramfs = ctx.package_image("redis-server"), ctx.package_initramfs("redis-server")
        kiln_args = ["/etc/redis/redis.conf"]
        linux_args = ["/usr/bin/redis-server", "/etc/redis/redis.conf"]
        run_options += ["-b", volume + ",/var/lib/redis"]
        mounts = [("/dev/vda", "/var/lib/redis")]
    elif server == "bulk":
        image, initramfs = ctx.kiln_image("bulk"), ctx.linux_initramfs("bulk")
        kiln_args = [str(BULK_PORT), str(NET_MIB << 20), "1", "nohash"]
        linux_args = ["/bin/bulk", *kiln_args]
    else:
        raise ValueError(server)
    if guest == "kiln":
        return ctx.kiln.argv(image, kiln_args, memory_mb, ctx.status_path, run_options)
    kiln = _kiln_argv_for_linux(ctx, image, kiln_args, memory_mb, run_options)
    return ctx.linux.argv(kiln, initramfs, linux_args, net=netbench.LINUX_NET, mounts=mounts)


def _net_error(guest, server, e):
    return BenchError("%s: %s: %s" % (guest, server, e))


def _wrk_errors(ctx, guest, what, errors):
    if errors:
        ctx.results.details.append("network: %s, %s: wrk counted socket errors %s"
                                   % (guest, what, ", ".join("%s %d" % kv for kv in errors.items())))


# (metric, page, connections, seconds). wrk counts only the requests that
# complete inside its run; 32 connections sharing about 10 MiB/s take over
# 3 s each for 1 MiB, so that row runs long enough for many rounds.
NGINX_LOADS = [
    ("net_nginx_small_c1", SMALL_PAGE, 1, NET_SECONDS),
    ("net_nginx_small_c32", SMALL_PAGE, 32, NET_SECONDS),
    ("net_nginx_1m_c1", BIG_PAGE, 1, NET_SECONDS + 1),
    ("net_nginx_1m_c32", BIG_PAGE, 32, NET_SECONDS_BIG),
]


def _nginx(ctx, ns):
    r = ctx.results
    small = len(_site_files(ctx)[SMALL_PAGE])
    for metric, page, conns, _ in NGINX_LOADS:
        what = "%d-byte page" % small if page == SMALL_PAGE else "1 MiB file"
        r.define(metric, "nginx: wrk, %s, %d connection%s" % (what, conns, "" if conns == 1 else "s"),
                 "req/s", "higher")
    site = _site(ctx)
    files = _site_files(ctx)

    def runs_for(guest):
        def once():
            argv = _server_argv(ctx, "nginx", guest, volume=site)
            with netbench.Server(ns, argv, guest) as server:
                try:
                    ready = server.wait_until(lambda: netbench.serves(ns, "/" + SMALL_PAGE, files[SMALL_PAGE]),
                                              READY_TIMEOUT_S, "answer from nginx")
                    if not netbench.serves(ns, "/" + BIG_PAGE, files[BIG_PAGE]):
                        raise netbench.NetError("GET /%s did not return the file" % BIG_PAGE)
                    # Warm-up, discarded: first touches of nginx's pages and
                    # the site's blocks.
                    for page in (SMALL_PAGE, BIG_PAGE):
                        netbench.wrk(ns, "/" + page, 32, 1, warmup=True)
                    got = {"net_nginx_ready_s": ready}
                    for metric, page, conns, seconds in NGINX_LOADS:
                        out = netbench.wrk(ns, "/" + page, conns, seconds)
                        got[metric] = out["rate"]
                        got[metric + "_mibps"] = out["mibps"]  # wrk's Transfer/sec, a check
                        _wrk_errors(ctx, guest, metric, out["errors"])
                    # Still serving the right bytes after the load.
                    if not netbench.serves(ns, "/" + BIG_PAGE, files[BIG_PAGE]):
                        raise netbench.NetError("GET /%s wrong after the load" % BIG_PAGE)
                except netbench.NetError as e:
                    raise _net_error(guest, "nginx", e)
                return got
        return once

    _alternate(ctx, runs_for)


def _redis(ctx, ns):
    r = ctx.results
    r.define("net_redis_get", "redis: redis-benchmark GET, 50 clients", "ops/s", "higher")
    r.define("net_redis_set", "redis: redis-benchmark SET, 50 clients", "ops/s", "higher")
    volume = os.path.join(ctx.work, "redis.ext2")

    def runs_for(guest):
        def once():
            # A fresh, empty volume for the append-only file every run.
            if os.path.exists(volume):
                os.remove(volume)
            subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", volume, "%dM" % REDIS_VOLUME_MB],
                           check=True, stdout=subprocess.DEVNULL)
            argv = _server_argv(ctx, "redis", guest, volume=volume)
            with netbench.Server(ns, argv, guest) as server:
                try:
                    ready = server.wait_until(lambda: netbench.redis_ready(ns), READY_TIMEOUT_S,
                                              "PONG from redis")
                    netbench.redis_benchmark(ns, ["set", "get"], 1000)  # warm-up, discarded
                    rates = netbench.redis_benchmark(ns, ["set", "get"], REDIS_REQUESTS)
                except netbench.NetError as e:
                    raise _net_error(guest, "redis", e)
                return {"net_redis_get": rates["get"], "net_redis_set": rates["set"],
                        "net_redis_ready_s": ready}
        return once

    _alternate(ctx, runs_for)


def _tcp(ctx, ns):
    r = ctx.results
    r.define("net_tcp_to_guest", "TCP: host to guest, %d MiB, 1 connection" % NET_MIB, "MiB/s", "higher")
    r.define("net_tcp_from_guest", "TCP: guest to host, %d MiB, 1 connection" % NET_MIB, "MiB/s", "higher")

    def runs_for(guest):
        def once():
            argv = _server_argv(ctx, "bulk", guest)
            with netbench.Server(ns, argv, guest) as server:
                try:
                    server.wait_until(lambda: "bulk: ready" in server.output(), READY_TIMEOUT_S,
                                      "'bulk: ready'")
                    up, down = netbench.bulk(ns, BULK_PORT, NET_MIB)
                except netbench.NetError as e:
                    raise _net_error(guest, "bulk", e)
            return {"net_tcp_to_guest": up, "net_tcp_from_guest": down}
        return once

    _alternate(ctx, runs_for)


def network(ctx):
    """nginx (wrk), redis (redis-benchmark) and TCP throughput, each guest a
    server on a tap device in a throw-away network namespace, the host's
    client pinned to one core (netbench.CLIENT_CPU) for both."""
    parts = [p for p in os.environ.get("BENCH_NET", "nginx,redis,tcp").split(",") if p]
    with netbench.Netns() as ns:
        if "nginx" in parts:
            _nginx(ctx, ns)
        if "redis" in parts:
            _redis(ctx, ns)
        if "tcp" in parts:
            _tcp(ctx, ns)
    ctx.results.details.append(
        "network: clients pinned to host CPU %s (`taskset -c`), QEMU not pinned; wrk -t1 for %d s per "
        "row (1 MiB: %d s with 1 connection, %d s with 32) after 1 s warm-ups, redis-benchmark -n %d per test after -n 1000, TCP %d MiB each way "
        "(bench/lib/bulk_client.py against tests/network/progs/bulk.c `nohash`)"
        % (netbench.CLIENT_CPU, NET_SECONDS, NET_SECONDS + 1, NET_SECONDS_BIG, REDIS_REQUESTS, NET_MIB))


ALL = [boot, image_size, memory, syscalls, storage, small_files, network]
