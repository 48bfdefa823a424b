"""kiln run -b, -I, -W, -n and -p: the QEMU arguments and the boot JSON of a
dry run, and every bad input refused with one line (cases collected by
cli_test.py)."""
import json
import os
import shutil
import subprocess

from clilib import SKIP, dry_run, expect, expect_error, fake_image


def values(argv, flag):
    return [argv[i + 1] for i, word in enumerate(argv[:-1]) if word == flag]


def boot_json(argv):
    return json.loads(values(argv, "-append")[0])


def make_disks(t, mke2fs):
    """An ext2 image (mke2fs), an ISO-looking file ("CD001" at 32769) and a raw one."""
    ext2 = t.path("state.ext2")
    subprocess.run([mke2fs, "-q", "-F", "-t", "ext2", ext2, "1M"], check=True, capture_output=True)
    iso = t.write("data.iso", bytes(32769) + b"CD001" + bytes(2048 - 6 + 1))
    raw = t.write("scratch.img", bytes(65536))
    return ext2, iso, raw


def test_run_blk(t):
    """-b: -drive/-device pairs with serials, ISO and ,ro read-only, the fs hint, the "blk" JSON."""
    mke2fs = shutil.which("mke2fs") or ("/usr/sbin/mke2fs" if os.path.exists("/usr/sbin/mke2fs") else None)
    if not mke2fs:
        print("skip: no mke2fs")
        return SKIP
    ext2, iso, raw = make_disks(t, mke2fs)
    image = t.write("x.img", fake_image())
    argv = dry_run(t, "-D", "tcg", "-b", iso + ",/data", "-b", ext2 + ",/var/lib/app", "-b", raw,
                   "-b", t.write("plain.ext2", open(ext2, "rb").read()) + ",/ro//x/,ro", image)
    expect(values(argv, "-global") == ["virtio-mmio.force-legacy=false"], f"-global {values(argv, '-global')}")
    drives = values(argv, "-drive")
    expect(drives == [f"if=none,id=kilnblk0,file={iso},format=raw,readonly=on",
                      f"if=none,id=kilnblk1,file={ext2},format=raw",
                      f"if=none,id=kilnblk2,file={raw},format=raw",
                      f"if=none,id=kilnblk3,file={t.path('plain.ext2')},format=raw,readonly=on"], f"-drive {drives}")
    blk_devices = [d for d in values(argv, "-device") if d.startswith("virtio-blk-device")]
    expect(blk_devices == [f"virtio-blk-device,drive=kilnblk{i},serial=kiln-vd{c}" for i, c in enumerate("abcd")],
           f"-device {blk_devices}")
    blk = boot_json(argv)["blk"]
    expect(blk == [
        {"dev": "vda", "serial": "kiln-vda", "path": "/dev/vda", "mountpoint": "/data", "fstype": "iso9660",
         "ro": True},
        {"dev": "vdb", "serial": "kiln-vdb", "path": "/dev/vdb", "mountpoint": "/var/lib/app", "fstype": "ext2",
         "ro": False},
        {"dev": "vdc", "serial": "kiln-vdc", "path": "/dev/vdc", "fstype": "raw", "ro": False},
        {"dev": "vdd", "serial": "kiln-vdd", "path": "/dev/vdd", "mountpoint": "/ro/x", "fstype": "ext2",
         "ro": True},
    ], f"blk {json.dumps(blk)}")
    # A relative path becomes absolute; a comma in it is doubled for QEMU.
    odd = t.write("we,ird.img", bytes(4096))
    argv = dry_run(t, "-D", "tcg", "-b", "we,ird.img", image, cwd=t.tmp)
    expect(values(argv, "-drive") == [f"if=none,id=kilnblk0,file={t.tmp}/we,,ird.img,format=raw"],
           f"comma path {values(argv, '-drive')} for {odd}")
    expect("blk" not in boot_json(dry_run(t, "-D", "tcg", image)), "blk without -b")

    def bad(status, spec, *words):
        expect_error(t.kiln_run("run", "-D", "tcg", *spec, image), status, *words)

    bad(1, ["-b", t.path("missing.img")], "missing.img", "No such file")
    bad(1, ["-b", t.path("missing.img") + ",/data"], "missing.img", "No such file")
    bad(1, ["-b", t.tmp], "is a directory")
    bad(1, ["-b", raw + ",/scratch"], "no file system kiln can mount", "raw device")
    bad(1, ["-b", ext2 + ",data"], "a mount point starts with /")
    bad(2, ["-b", ext2 + ",/"], "cannot mount over /")
    bad(2, ["-b", ext2 + ",/proc/x"], "/proc")
    bad(2, ["-b", ext2 + ",/dev"], "/dev")
    bad(2, ["-b", ext2 + ",/a/../b"], "'..'")
    bad(2, ["-b", ",/data"], "HOSTPATH")
    bad(2, ["-b", ext2 + ",/a", "-b", os.path.join(t.tmp, ".", "state.ext2") + ",/b"], "attached twice")
    bad(2, ["-b", ext2 + ",/a", "-b", iso + ",/a"], "two devices mount on /a")
    bad(2, ["-b", ext2 + ",/a/b", "-b", iso + ",/a"], "/a would hide /a/b")
    many = []
    for i in range(25):
        many += ["-b", t.write(f"d{i}.img", bytes(512)) + ",ro"]
    bad(2, many, "at most 24")
    if os.getuid() != 0:  # root writes anything
        os.chmod(raw, 0o444)
        bad(1, ["-b", raw], "not writable", ",ro")


def test_run_net(t):
    """-I/-W/-n/-p: netdevs, virtio-net devices with MACs, the "net" JSON."""
    image = t.write("x.img", fake_image())
    argv = dry_run(t, "-D", "tcg", "-N", "web", "-I", "net0,tap,ifname=tap0",
                   "-W", "net0,inet,static,10.0.120.120/24,10.0.120.1", "-W", "net0,inet6,auto",
                   "-W", "up,inet,dhcp",  # -W may come before its -I
                   "-I", "up,user,hostfwd=tcp::8080-:80,mac=52:54:00:AB:cd:01", "-p", "9090:90", image)
    netdevs, devices = values(argv, "-netdev"), [d for d in values(argv, "-device") if "virtio-net" in d]
    expect(netdevs == ["tap,id=net0,ifname=tap0,script=no,downscript=no",
                       "user,id=up,hostfwd=tcp::8080-:80,hostfwd=tcp::9090-:90"], f"-netdev {netdevs}")
    expect(len(devices) == 2 and devices[1] == "virtio-net-device,netdev=up,mac=52:54:00:ab:cd:01", f"{devices}")
    mac0 = devices[0].split("mac=")[1]
    expect(devices[0] == "virtio-net-device,netdev=net0,mac=" + mac0 and mac0.startswith("52:54:00:"), devices[0])
    net = boot_json(argv)["net"]
    expect(net == [
        {"if": "eth0", "tag": "net0", "mac": mac0, "type": "inet", "method": "static", "addr": "10.0.120.120",
         "mask": "24", "gw": "10.0.120.1"},
        {"if": "eth0", "tag": "net0", "mac": mac0, "type": "inet6", "method": "auto"},
        {"if": "eth1", "tag": "up", "mac": "52:54:00:ab:cd:01", "type": "inet", "method": "dhcp"},
    ], f"net {json.dumps(net)}")

    # MACs: the same for the same name and index, different otherwise.
    def macs(*args):
        return [n["mac"] for n in boot_json(dry_run(t, "-D", "tcg", *args, image))["net"]]
    twice = macs("-N", "web", "-I", "a,user", "-I", "b,user")
    expect(twice == macs("-N", "web", "-I", "x,user", "-I", "y,user") and twice[0] == mac0, f"MACs not stable {twice}")
    expect(len(set(twice + macs("-N", "db", "-I", "a,user", "-I", "b,user"))) == 4, "MACs repeat")

    # Defaults: a tap without -W has no address; static inet6 is canonical.
    net = boot_json(dry_run(t, "-D", "tcg", "-I", "t,tap,ifname=tap1", "-I", "s,user",
                            "-W", "s,inet6,static,FD00:0::0001/64,fe80::1", image))["net"]
    expect([(n["if"], n["method"]) for n in net] == [("eth0", "none"), ("eth1", "static")], f"net {net}")
    expect(net[1]["addr"] == "fd00::1" and net[1]["mask"] == "64" and net[1]["gw"] == "fe80::1", f"inet6 {net[1]}")
    # A dotted mask becomes a prefix length; a static user-mode interface tells QEMU its network.
    argv = dry_run(t, "-D", "tcg", "-I", "u,user", "-W", "u,inet,static,192.168.7.9/255.255.255.0,192.168.7.1",
                   "-p", "127.0.0.1:8080:80/udp", image)
    expect(values(argv, "-netdev") == ["user,id=u,net=192.168.7.0/24,host=192.168.7.1,"
                                       "hostfwd=udp:127.0.0.1:8080-192.168.7.9:80"], f"{values(argv, '-netdev')}")
    expect(boot_json(argv)["net"][0]["mask"] == "24", "dotted mask")

    # -n: one user-mode interface per -n, Rumprun's deprecated form.
    argv = dry_run(t, "-D", "tcg", "-n", "inet,dhcp", "-n", "inet6,auto", image)
    expect(values(argv, "-netdev") == ["user,id=net0", "user,id=net1"], f"-n netdevs {values(argv, '-netdev')}")
    expect([(n["if"], n["type"], n["method"]) for n in boot_json(argv)["net"]] ==
           [("eth0", "inet", "dhcp"), ("eth1", "inet6", "auto")], "-n entries")

    # -p: paused alone, a forward when followed by PORT:PORT (a user-mode interface is made).
    argv = dry_run(t, "-D", "tcg", "-p", "8080:80", image)
    expect("-S" not in argv and values(argv, "-netdev") == ["user,id=net0,hostfwd=tcp::8080-:80"], f"-p {argv}")
    expect(boot_json(argv)["net"][0]["method"] == "dhcp", "-p interface without DHCP")
    argv = dry_run(t, "-D", "tcg", "-p", image)
    expect("-S" in argv and not values(argv, "-netdev"), "-p before IMAGE is not paused")
    argv = dry_run(t, "-D", "tcg", "-ip8080:80", "-p", "-p", "127.0.0.1:1:2", image)
    expect("-S" in argv and values(argv, "-netdev") == ["user,id=net0,hostfwd=tcp::8080-:80,hostfwd=tcp:127.0.0.1:1-:2"],
           f"bundled -p {argv}")
    argv = dry_run(t, "-D", "tcg", "-I", "t,tap,ifname=tap0", "-I", "net0,user", "-p", "80:8080", image)
    expect(values(argv, "-netdev")[1] == "user,id=net0,hostfwd=tcp::80-:8080", "-p onto the first user interface")
    expect("net" not in boot_json(dry_run(t, "-D", "tcg", image)), "net without interfaces")


def test_run_net_errors(t):
    """Bad -I/-W/-n/-p: one line, exit status 2."""
    image = t.write("x.img", fake_image())
    cases = [
        (["-I", "net0"], "TAG,TYPE"),
        (["-I", "0net,user"], "tag '0net'"),
        (["-I", "a,user", "-I", "a,tap,ifname=tap0"], "tag a is used twice"),
        (["-I", "a,bridge"], "unknown interface type 'bridge'"),
        (["-I", "a,vioif,-net tap"], "tap or user"),
        (["-I", "a,tap"], "needs ifname="),
        (["-I", "a,tap,ifname=bad/name"], "not a network interface name"),
        (["-I", "a,tap,ifname=tap0,script=/etc/qemu-ifup"], "unknown tap option 'script'"),
        (["-I", "a,user,foo=bar"], "unknown user-mode option 'foo'"),
        (["-I", "a,user,restrict"], "not KEY=VALUE"),
        (["-I", "a,user,id=x"], "unknown user-mode option 'id'"),
        (["-I", "a,user,net=10.0.0.0/8,net=10.1.0.0/16"], "net= is given twice"),
        (["-I", "a,user,mac=01:00:5e:00:00:01"], "not a unicast MAC"),
        (["-I", "a,user,mac=52:54:00:00:00:01", "-I", "b,user,mac=52:54:00:00:00:01"], "is used twice"),
        (["-I", "a,user,hostfwd=tcp::99999-:80"], "outside 1-65535"),
        (["-I", "a,user,hostfwd=sctp::80-:80"], "not tcp or udp"),
        (["-I", "a,user,hostfwd=tcp::80-:80", "-p", "80:81"], "tcp port 80 is forwarded twice"),
        (["-W", "b,inet,dhcp"], "no -I b"),
        (["-I", "a,user", "-W", "b,inet,dhcp"], "no -I b", "tags: a"),
        (["-I", "a,user", "-W", "a,inet"], "wants inet,dhcp"),
        (["-I", "a,user", "-W", "a,ipx,dhcp"], "inet or inet6"),
        (["-I", "a,user", "-W", "a,inet,auto"], "dhcp or static"),
        (["-I", "a,user", "-W", "a,inet6,dhcp"], "auto or static"),
        (["-I", "a,user", "-W", "a,inet,dhcp,extra"], "takes nothing more"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.1"], "lacks its /MASK"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.256/24"], "'10.0.0.256' is not an IPv4 address"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.01/24"], "not an IPv4 address"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.1/33"], "from 1 to 32"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.1/0"], "from 1 to 32"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.0/24"], "network or broadcast"),
        (["-I", "a,user", "-W", "a,inet,static,127.0.0.2/8"], "cannot be an interface's address"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.1/24,10.0.1.1"], "not on 10.0.0.0/24"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.1/24,gw"], "gateway 'gw' is not an IPv4 address"),
        (["-I", "a,user", "-W", "a,inet,static,10.0.0.1/24,10.0.0.2,more"], "wants inet,static"),
        (["-I", "a,user", "-W", "a,inet,dhcp", "-W", "a,inet,static,10.0.0.1/8"], "already has an inet"),
        (["-I", "a,user", "-W", "a,inet6,static,fd00::zz/64"], "not an IPv6 address"),
        (["-I", "a,user", "-W", "a,inet6,static,fd00::1/129"], "from 1 to 128"),
        (["-I", "a,user", "-W", "a,inet6,static,ff02::1/64"], "cannot be an interface's address"),
        (["-n", "inet,dhcp", "-I", "a,user"], "-n cannot be combined with -I"),
        (["-n", "inet,static,10.0.0.300/24"], "not an IPv4 address"),
        (["-p", "70000:80", "-p"], "ports are 1-65535"),
    ]
    for args, *words in cases:
        expect_error(t.kiln_run("run", "-D", "tcg", *args, image), 2, *words)
    many = []
    for i in range(13):
        many += ["-I", f"n{i},user", "-I", f"m{i},user"]
    expect_error(t.kiln_run("run", "-D", "tcg", *many, image), 2, "at most 24")
