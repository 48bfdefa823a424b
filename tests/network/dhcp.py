#!/usr/bin/python3
"""`-W net0,inet,dhcp` against dnsmasq in the namespace: the guest gets an
address from the pool before the program starts, prints it, and the lease's
DNS server and domain reach the program as /etc/resolv.conf; a static
IPv6 address and IPv6 autoconfiguration come up beside it."""

import os
import re
import subprocess
import sys
import tempfile

from netns import HOST6, Netns, bake, skip_unless_root

kiln, busybox = sys.argv[1], sys.argv[2]
skip_unless_root()
with tempfile.TemporaryDirectory() as work, Netns() as ns:
    image = bake(kiln, work, busybox, "cat.img")
    dnsmasq = ns.popen(["dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                        "--interface=tap0", "--bind-interfaces", "--no-resolv", "--no-hosts",
                        "--dhcp-range=10.0.120.50,10.0.120.59,255.255.255.0,1h",
                        "--dhcp-option=option:router,10.0.120.1",
                        "--dhcp-option=option:dns-server,10.0.120.1",
                        "--domain=kiln.test", "--dhcp-option=option:domain-name,kiln.test",
                        f"--dhcp-leasefile={os.path.join(work, 'leases')}", "--pid-file=",
                        "--enable-ra", f"--dhcp-range={HOST6.rsplit(':', 1)[0]}:,ra-only,64,1h"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        guest = ns.start_guest(kiln, image,
                               ["-W", "net0,inet,dhcp", "-W", "net0,inet6,auto"],
                               ["cat", "/etc/resolv.conf"])
        status, out = guest.finish(timeout=90)
    finally:
        dnsmasq.kill()
        log = dnsmasq.communicate()[0].decode(errors="replace")
    print(out)
    assert status == 0, f"guest status {status}\ndnsmasq:\n{log}"
    lease = re.search(r"^kiln: eth0 (\S+) inet (10\.0\.120\.5\d)/24.* \(dhcp\)$", out, re.M)
    assert lease, f"no DHCP address printed\ndnsmasq:\n{log}"
    mac = lease.group(1)
    assert f"DHCPACK(tap0) {lease.group(2)} {mac}" in log, f"dnsmasq did not lease it:\n{log}"
    body = out[out.index("(dhcp)\n") + len("(dhcp)\n"):]
    assert body == ("# written by kiln from a DHCP lease\nsearch kiln.test\nnameserver 10.0.120.1\n"
                    "=== exit(0) ===\n"), f"unexpected /etc/resolv.conf:\n{body}"
print("dhcp: PASS")
