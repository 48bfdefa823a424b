// `kiln run` networking (tools/kiln/net_config.h): the interfaces and boot
// JSON entries that -I/-W/-n/-p make, the MACs derived from the instance
// name, and the exact message for every malformed spec. The cases follow
// tests/cli/cli_run_devices.py, which checks the same through a dry run.
#include "net_config.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tools_kiln_thrown.h"

namespace kiln::cli {
namespace {

using Flags = std::vector<std::pair<char, std::string>>;  // {'I', "net0,user"}, in command-line order
using Words = std::vector<std::string>;

NetPlan planned(const Flags& flags, const std::string& instance = "web") {
  NetPlan plan;
  for (const auto& [flag, spec] : flags) {
    switch (flag) {
      case 'I': plan.add_interface(spec); break;
      case 'W': plan.add_address(spec); break;
      case 'n': plan.add_legacy(spec); break;
      case 'p': plan.add_port_forward(spec); break;
      default: throw std::logic_error("no such flag");
    }
  }
  plan.finish(instance);
  return plan;
}

std::string error_of(const Flags& flags) {
  return thrown([&] { planned(flags); });
}

// Every field, '|' between them, so that a comparison misses none.
std::string fields(const NetInterface& i) {
  std::string options;
  for (const auto& o : i.options) options += (options.empty() ? "" : ",") + o;
  return i.name + "|" + i.tag + "|" + i.type + "|" + i.mac + "|" + options;
}

std::string fields(const NetEntry& e) {
  return e.ifname + "|" + e.tag + "|" + e.mac + "|" + e.type + "|" + e.method + "|" + e.addr + "|" + e.mask + "|" +
         e.gw;
}

Words interfaces(const NetPlan& plan) {
  Words out;
  for (const auto& i : plan.interfaces()) out.push_back(fields(i));
  return out;
}

Words entries(const NetPlan& plan) {
  Words out;
  for (const auto& e : plan.entries()) out.push_back(fields(e));
  return out;
}

// kiln's derived MACs for instance "web": FNV-1a of "web/0" and "web/1"
// through a 64-bit finalizer, low three bytes. Pinned, because a guest
// started again with -N web keeps its DHCP leases only if they do not move.
constexpr const char* kWeb0 = "52:54:00:bc:d7:2c";
constexpr const char* kWeb1 = "52:54:00:6a:e2:e1";

TEST(KilnNetConfig, NothingWithoutFlags) {
  NetPlan plan = planned({});
  EXPECT_TRUE(plan.interfaces().empty());
  EXPECT_TRUE(plan.entries().empty());
}

TEST(KilnNetConfig, TapWithStaticAddressesAndUserWithForwards) {
  NetPlan plan = planned({{'I', "net0,tap,ifname=tap0"},
                          {'W', "net0,inet,static,10.0.120.120/24,10.0.120.1"},
                          {'W', "net0,inet6,auto"},
                          {'W', "up,inet,dhcp"},  // -W may come before its -I
                          {'I', "up,user,hostfwd=tcp::8080-:80,mac=52:54:00:AB:cd:01"},
                          {'p', "9090:90"}});
  EXPECT_EQ(interfaces(plan),
            (Words{"eth0|net0|tap|" + std::string(kWeb0) + "|ifname=tap0",
                   "eth1|up|user|52:54:00:ab:cd:01|hostfwd=tcp::8080-:80,mac=52:54:00:AB:cd:01,hostfwd=tcp::9090-:90"}));
  EXPECT_EQ(entries(plan), (Words{
                               "eth0|net0|" + std::string(kWeb0) + "|inet|static|10.0.120.120|24|10.0.120.1",
                               "eth0|net0|" + std::string(kWeb0) + "|inet6|auto|||",
                               "eth1|up|52:54:00:ab:cd:01|inet|dhcp|||",
                           }));
}

TEST(KilnNetConfig, DefaultMethods) {
  // No -W: DHCP from QEMU's user-mode network; a tap only comes up.
  NetPlan plan = planned({{'I', "t,tap,ifname=tap1,vhost=on"}, {'I', "u,user"}});
  EXPECT_EQ(interfaces(plan), (Words{"eth0|t|tap|" + std::string(kWeb0) + "|ifname=tap1,vhost=on",
                                     "eth1|u|user|" + std::string(kWeb1) + "|"}));
  EXPECT_EQ(entries(plan), (Words{"eth0|t|" + std::string(kWeb0) + "|inet|none|||",
                                  "eth1|u|" + std::string(kWeb1) + "|inet|dhcp|||"}));
}

TEST(KilnNetConfig, DerivedMacsFollowTheInstanceAndTheIndex) {
  auto macs = [](const std::string& instance, const Flags& flags) {
    NetPlan plan = planned(flags, instance);
    Words out;
    for (const auto& i : plan.interfaces()) out.push_back(i.mac);
    return out;
  };
  Flags two = {{'I', "a,user"}, {'I', "b,user"}};
  EXPECT_EQ(macs("web", two), (Words{kWeb0, kWeb1}));
  EXPECT_EQ(macs("web", {{'I', "x,tap,ifname=tap0"}, {'I', "y,user"}}), (Words{kWeb0, kWeb1}));
  EXPECT_EQ(macs("db", two), (Words{"52:54:00:2c:9c:a0", "52:54:00:2f:5c:83"}));
  // A derived MAC never takes one the user gave.
  Words given = macs("web", {{'I', "a,user"}, {'I', std::string("b,user,mac=") + kWeb0}});
  EXPECT_EQ(given[1], kWeb0);
  EXPECT_NE(given[0], kWeb0);
  EXPECT_EQ(given[0].substr(0, 9), "52:54:00:");
}

TEST(KilnNetConfig, StaticInet6IsCanonical) {
  NetPlan plan = planned({{'I', "s,user"}, {'W', "s,inet6,static,FD00:0::0001/64,FE80::1"}});
  EXPECT_EQ(entries(plan), (Words{"eth0|s|" + std::string(kWeb0) + "|inet6|static|fd00::1|64|fe80::1"}));
}

TEST(KilnNetConfig, StaticUserNetworkTellsQemuItsNetwork) {
  // A dotted mask becomes a prefix length; QEMU's network and host address
  // follow the guest's, and -p forwards to its static address.
  NetPlan plan = planned({{'I', "u,user"},
                          {'W', "u,inet,static,192.168.7.9/255.255.255.0,192.168.7.1"},
                          {'p', "127.0.0.1:8080:80/udp"}});
  EXPECT_EQ(interfaces(plan), (Words{"eth0|u|user|" + std::string(kWeb0) +
                                     "|net=192.168.7.0/24,host=192.168.7.1,hostfwd=udp:127.0.0.1:8080-192.168.7.9:80"}));
  EXPECT_EQ(entries(plan), (Words{"eth0|u|" + std::string(kWeb0) + "|inet|static|192.168.7.9|24|192.168.7.1"}));

  auto options = [](const Flags& flags) { return planned(flags).interfaces()[0].options; };
  EXPECT_EQ(options({{'I', "u,user"}, {'W', "u,inet,static,10.1.2.3/28"}}), (Words{"net=10.1.2.0/28"}));
  // Past /28 there is no room for QEMU's .2, .3 and .15: left to the user.
  EXPECT_EQ(options({{'I', "u,user"}, {'W', "u,inet,static,10.1.2.3/29"}}), Words{});
  // The user's own net= wins, and then host= is theirs too.
  EXPECT_EQ(options({{'I', "u,user,net=10.9.0.0/16"}, {'W', "u,inet,static,10.9.1.2/16,10.9.0.1"}}),
            (Words{"net=10.9.0.0/16"}));
  EXPECT_EQ(options({{'I', "u,user,host=10.9.0.7"}, {'W', "u,inet,static,10.9.1.2/16,10.9.0.1"}}),
            (Words{"host=10.9.0.7", "net=10.9.0.0/16"}));
}

TEST(KilnNetConfig, LegacyFlagMakesOneUserInterfaceEach) {
  NetPlan plan = planned({{'n', "inet,dhcp"}, {'n', "inet6,auto"}});
  EXPECT_EQ(interfaces(plan), (Words{"eth0|net0|user|" + std::string(kWeb0) + "|",
                                     "eth1|net1|user|" + std::string(kWeb1) + "|"}));
  EXPECT_EQ(entries(plan), (Words{"eth0|net0|" + std::string(kWeb0) + "|inet|dhcp|||",
                                  "eth1|net1|" + std::string(kWeb1) + "|inet6|auto|||"}));
}

TEST(KilnNetConfig, PortForwardsGoOntoTheFirstUserInterface) {
  // None: one is made, under a tag no -I took.
  NetPlan made = planned({{'I', "net0,tap,ifname=tap0"}, {'p', "80:80"}});
  EXPECT_EQ(interfaces(made), (Words{"eth0|net0|tap|" + std::string(kWeb0) + "|ifname=tap0",
                                     "eth1|net1|user|" + std::string(kWeb1) + "|hostfwd=tcp::80-:80"}));
  EXPECT_EQ(entries(made)[1], "eth1|net1|" + std::string(kWeb1) + "|inet|dhcp|||");

  NetPlan first = planned({{'I', "t,tap,ifname=tap0"}, {'I', "net0,user"}, {'I', "u2,user"}, {'p', "80:8080"}});
  EXPECT_EQ(first.interfaces()[1].options, (Words{"hostfwd=tcp::80-:8080"}));
  EXPECT_TRUE(first.interfaces()[2].options.empty());
  // One host port twice is fine across protocols.
  EXPECT_EQ(planned({{'p', "53:53/udp"}, {'p', "53:53/tcp"}}).interfaces()[0].options,
            (Words{"hostfwd=udp::53-:53", "hostfwd=tcp::53-:53"}));
}

TEST(KilnNetConfig, LooksLikePortForward) {
  for (const char* yes : {"8080:80", "1:2", "127.0.0.1:8080:80", "8080:80/udp", "10.0.0.1:1:2/tcp", "99999:1"})
    EXPECT_TRUE(looks_like_port_forward(yes)) << yes;
  for (const char* no : {"x.img", "8080", "8080:", ":80", "a:b", "host:1:2", "123456:1", "1:2/sctp", "1.2.3:1:2",
                         "1:2:3", ""})
    EXPECT_FALSE(looks_like_port_forward(no)) << no;
}

// One error case: the flags in order, and the exact message (all exit status 2).
struct ErrorCase {
  Flags flags;
  std::string message;
};

void expect_errors(const std::vector<ErrorCase>& cases) {
  for (const auto& c : cases)
    EXPECT_EQ(error_of(c.flags), "usage: " + c.message) << "last flag: -" << c.flags.back().first << " "
                                                        << c.flags.back().second;
}

TEST(KilnNetConfig, BadInterfaces) {
  const std::string tap_options = " (ifname=, vhost=, mac=)";
  expect_errors({
      {{{'I', "net0"}}, "run: -I net0: wants TAG,TYPE[,OPTIONS] (TYPE tap or user)"},
      {{{'I', "0net,user"}},
       "run: -I 0net,user: the tag '0net' must be a letter then letters, digits, '-', '.' or '_' (at most 32)"},
      {{{'I', ",user"}}, "run: -I ,user: the tag '' must be a letter then letters, digits, '-', '.' or '_' (at most 32)"},
      {{{'I', std::string(33, 'a') + ",user"}},
       "run: -I " + std::string(33, 'a') + ",user: the tag '" + std::string(33, 'a') +
           "' must be a letter then letters, digits, '-', '.' or '_' (at most 32)"},
      {{{'I', "a/b,user"}},
       "run: -I a/b,user: the tag 'a/b' must be a letter then letters, digits, '-', '.' or '_' (at most 32)"},
      {{{'I', "a,user"}, {'I', "a,tap,ifname=tap0"}}, "run: -I a,tap,ifname=tap0: the tag a is used twice"},
      {{{'I', "a,bridge"}}, "run: -I a,bridge: unknown interface type 'bridge' (tap or user)"},
      {{{'I', "a,vioif,-net tap"}},
       "run: -I a,vioif,-net tap: kiln's TYPE is tap or user, not Rumprun's vioif with QEMU options "
       "(-I TAG,tap,ifname=tap0)"},
      {{{'I', "a,tap"}}, "run: -I a,tap: a tap interface needs ifname=NAME (the host's tap device)"},
      {{{'I', "a,tap,ifname=bad/name"}}, "run: -I a,tap,ifname=bad/name: 'bad/name' is not a network interface name"},
      {{{'I', "a,tap,ifname=abcdefghijklmnop"}},
       "run: -I a,tap,ifname=abcdefghijklmnop: 'abcdefghijklmnop' is not a network interface name"},
      {{{'I', "a,tap,ifname=.."}}, "run: -I a,tap,ifname=..: '..' is not a network interface name"},
      {{{'I', "a,tap,ifname=tap0,script=/etc/qemu-ifup"}},
       "run: -I a,tap,ifname=tap0,script=/etc/qemu-ifup: unknown tap option 'script'" + tap_options},
      {{{'I', "a,tap,ifname=tap0,vhost=yes"}}, "run: -I a,tap,ifname=tap0,vhost=yes: vhost is on or off"},
      {{{'I', "a,tap,ifname=tap0,ifname=tap1"}}, "run: -I a,tap,ifname=tap0,ifname=tap1: ifname= is given twice"},
      {{{'I', "a,user,foo=bar"}}, "run: -I a,user,foo=bar: unknown user-mode option 'foo' (see 'kiln help run')"},
      {{{'I', "a,user,id=x"}}, "run: -I a,user,id=x: unknown user-mode option 'id' (see 'kiln help run')"},
      {{{'I', "a,user,restrict"}}, "run: -I a,user,restrict: 'restrict' is not KEY=VALUE"},
      {{{'I', "a,user,=x"}}, "run: -I a,user,=x: '=x' is not KEY=VALUE"},
      {{{'I', "a,user,net=10.0.0.0/8,net=10.1.0.0/16"}},
       "run: -I a,user,net=10.0.0.0/8,net=10.1.0.0/16: net= is given twice"},
  });
}

TEST(KilnNetConfig, BadMacs) {
  for (const char* mac : {"01:00:5e:00:00:01", "00:00:00:00:00:00", "52:54:00:00:00", "52-54-00-00-00-01",
                          "52:54:00:00:00:0g", "52:54:00:00:00:012"})
    EXPECT_EQ(error_of({{'I', std::string("a,user,mac=") + mac}}),
              std::string("usage: run: -I a,user,mac=") + mac + ": '" + mac + "' is not a unicast MAC address");
  EXPECT_EQ(error_of({{'I', "a,user,mac=52:54:00:00:00:01"}, {'I', "b,tap,ifname=t,mac=52:54:00:00:00:01"}}),
            "usage: run: -I b: MAC 52:54:00:00:00:01 is used twice");
  EXPECT_EQ(error_of({{'I', "a,user,mac=52:54:00:00:00:01,mac=52:54:00:00:00:02"}}),
            "usage: run: -I a,user,mac=52:54:00:00:00:01,mac=52:54:00:00:00:02: mac= is given twice");
}

TEST(KilnNetConfig, BadForwards) {
  const std::string format = " (format: tcp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)";
  auto hostfwd = [&](const std::string& value, const std::string& why) {
    return ErrorCase{{{'I', "a,user,hostfwd=" + value}},
                     "run: -I a,user,hostfwd=" + value + ": hostfwd=" + value + " " + why + format};
  };
  expect_errors({
      hostfwd("tcp::99999-:80", "has a port outside 1-65535"),
      hostfwd("tcp::80-:0", "has a port outside 1-65535"),
      hostfwd("sctp::80-:80", "has protocol 'sctp', not tcp or udp"),
      hostfwd("tcp:80", "is malformed"),
      hostfwd("tcp-:80:1", "is malformed"),
      hostfwd("tcp:80-:80", "is malformed"),
      hostfwd("tcp:1.2.3:80-:80", "has a bad host address"),
      hostfwd("tcp::80-10.0.2:80", "has a bad guest address"),
      {{{'I', "a,user,hostfwd=tcp::80-:80"}, {'p', "80:81"}}, "run: host tcp port 80 is forwarded twice"},
      {{{'p', "80:81"}, {'p', "127.0.0.1:80:82"}}, "run: host tcp port 80 is forwarded twice"},
      {{{'p', "70000:80"}}, "run: -p 70000:80: ports are 1-65535"},
      {{{'p', "0:80/udp"}}, "run: -p 0:80/udp: ports are 1-65535"},
      {{{'p', "80"}}, "run: -p 80: wants [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]"},
      {{{'p', "host:80:80"}}, "run: -p host:80:80: wants [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]"},
  });
  // QEMU's own spelling is accepted: no protocol means tcp.
  EXPECT_EQ(planned({{'I', "a,user,hostfwd=::80-:8080"}}).interfaces()[0].options, (Words{"hostfwd=::80-:8080"}));
}

TEST(KilnNetConfig, BadAddresses) {
  const std::string wants =
      ": wants inet,dhcp, inet,static,ADDR/MASK[,GW], inet6,auto or inet6,static,ADDR/PREFIX[,GW]";
  auto on_a = [](const std::string& w, const std::string& why) {
    return ErrorCase{{{'I', "a,user"}, {'W', w}}, "run: -W " + w + ": " + why};
  };
  expect_errors({
      {{{'W', "b,inet,dhcp"}}, "run: -W b,inet,...: no -I b,TYPE gives the tag b"},
      {{{'I', "a,user"}, {'I', "c,user"}, {'W', "b,inet6,auto"}},
       "run: -W b,inet6,...: no -I b,TYPE gives the tag b (tags: a, c)"},
      {{{'W', ",inet,dhcp"}}, "run: -W ,inet,dhcp: wants TAG,NETSPEC, the TAG of an -I"},
      {{{'W', ""}}, "run: -W : wants TAG,NETSPEC, the TAG of an -I"},
      {{{'I', "a,user"}, {'W', "a,inet"}}, "run: -W a,inet" + wants},
      {{{'I', "a,user"}, {'W', "a"}}, "run: -W a" + wants},
      on_a("a,ipx,dhcp", "the address family is inet or inet6, not 'ipx'"),
      on_a("a,inet,auto", "inet takes dhcp or static, not 'auto'"),
      on_a("a,inet6,dhcp", "inet6 takes auto or static, not 'dhcp'"),
      on_a("a,inet,dhcp,extra", "inet,dhcp takes nothing more"),
      on_a("a,inet6,auto,extra", "inet6,auto takes nothing more"),
      on_a("a,inet,static", "wants inet,static,ADDR/MASK[,GATEWAY]"),
      on_a("a,inet,static,10.0.0.1/24,10.0.0.2,more", "wants inet,static,ADDR/MASK[,GATEWAY]"),
      on_a("a,inet6,static", "wants inet6,static,ADDR/PREFIX[,GATEWAY]"),
      on_a("a,inet,static,10.0.0.1", "'10.0.0.1' lacks its /MASK"),
      on_a("a,inet6,static,fd00::1", "'fd00::1' lacks its /PREFIX"),
      on_a("a,inet,static,10.0.0.256/24", "'10.0.0.256' is not an IPv4 address"),
      on_a("a,inet,static,10.0.0.01/24", "'10.0.0.01' is not an IPv4 address"),
      on_a("a,inet,static,/24", "'' is not an IPv4 address"),
      on_a("a,inet,static,10.0.0.1/33", "the mask '33' is not a prefix length from 1 to 32"),
      on_a("a,inet,static,10.0.0.1/0", "the mask '0' is not a prefix length from 1 to 32"),
      on_a("a,inet,static,10.0.0.1/255.0.255.0", "the mask '255.0.255.0' is not a prefix length from 1 to 32"),
      on_a("a,inet,static,10.0.0.0/24", "10.0.0.0 is the network or broadcast address of /24"),
      on_a("a,inet,static,10.0.0.255/255.255.255.0",
           "10.0.0.255 is the network or broadcast address of /255.255.255.0"),
      on_a("a,inet,static,127.0.0.2/8", "127.0.0.2 cannot be an interface's address"),
      on_a("a,inet,static,0.0.0.0/8", "0.0.0.0 cannot be an interface's address"),
      on_a("a,inet,static,224.0.0.1/4", "224.0.0.1 cannot be an interface's address"),
      on_a("a,inet,static,10.0.0.1/24,10.0.1.1", "the gateway 10.0.1.1 is not on 10.0.0.0/24"),
      on_a("a,inet,static,10.0.0.1/24,gw", "the gateway 'gw' is not an IPv4 address"),
      on_a("a,inet,static,10.0.0.1/24,10.0.0.1", "the gateway is the interface's own address"),
      on_a("a,inet6,static,fd00::zz/64", "'fd00::zz' is not an IPv6 address"),
      on_a("a,inet6,static,fd00::1/129", "the prefix '129' is not a length from 1 to 128"),
      on_a("a,inet6,static,fd00::1/0", "the prefix '0' is not a length from 1 to 128"),
      on_a("a,inet6,static,ff02::1/64", "ff02::1 cannot be an interface's address"),
      on_a("a,inet6,static,::/64", ":: cannot be an interface's address"),
      on_a("a,inet6,static,0::1/128", "0::1 cannot be an interface's address"),
      on_a("a,inet6,static,fd00::1/64,ff02::2", "the gateway 'ff02::2' is not a unicast IPv6 address"),
      on_a("a,inet6,static,fd00::1/64,gw", "the gateway 'gw' is not a unicast IPv6 address"),
      {{{'I', "a,user"}, {'W', "a,inet,dhcp"}, {'W', "a,inet,static,10.0.0.1/8"}},
       "run: -W a,inet,static,10.0.0.1/8: a already has an inet configuration"},
      {{{'n', "inet,dhcp"}, {'I', "a,user"}},
       "run: -n cannot be combined with -I (as in Rumprun); use -I TAG,user with -W TAG,..."},
      {{{'n', "inet,static,10.0.0.300/24"}}, "run: -n inet,static,10.0.0.300/24: '10.0.0.300' is not an IPv4 address"},
      {{{'n', "inet"}}, "run: -n inet" + wants},
  });
  // /31 and /32 have no network or broadcast address, nor a subnet for the gateway.
  EXPECT_EQ(entries(planned({{'I', "a,user"}, {'W', "a,inet,static,10.0.0.0/31,192.168.0.1"}}))[0],
            "eth0|a|" + std::string(kWeb0) + "|inet|static|10.0.0.0|31|192.168.0.1");
  // inet and inet6 on one interface are two entries.
  EXPECT_EQ(planned({{'I', "a,user"}, {'W', "a,inet,dhcp"}, {'W', "a,inet6,auto"}}).entries().size(), 2u);
}

}  // namespace
}  // namespace kiln::cli
