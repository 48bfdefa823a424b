// kiln systemd-unit (tools/kiln/systemd_unit.h): systemd's quoting of one
// word, and the unit's text, line for line.
#include "systemd_unit.h"

#include <gtest/gtest.h>

namespace kiln::cli {
namespace {

TEST(KilnSystemdQuote, Words) {
  EXPECT_EQ(systemd_quote("plain-word_1.img"), "plain-word_1.img");
  EXPECT_EQ(systemd_quote("/srv/a b.img"), "\"/srv/a b.img\"");
  EXPECT_EQ(systemd_quote(""), "\"\"");
  EXPECT_EQ(systemd_quote("50%"), "50%%");
  EXPECT_EQ(systemd_quote("$HOME"), "$$HOME");
  EXPECT_EQ(systemd_quote("$HOME", false), "$HOME");  // Environment= expands no variables
  EXPECT_EQ(systemd_quote("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(systemd_quote("it's"), "\"it's\"");
  EXPECT_EQ(systemd_quote(";"), "\";\"");
  EXPECT_EQ(systemd_quote("a\tb\nc\x01"), "\"a\\tb\\nc\\x01\"");
}

TEST(KilnSystemdUnit, TheWholeUnit) {
  UnitSpec spec{.kiln = "/usr/local/bin/kiln",
                .working_dir = "/srv/web",
                .run_words = {"kvm", "-M", "256", "-I", "net0,tap,ifname=tap0", "--", "web.img", "-c", "/data/my conf"},
                .interactive = false,
                .image = "images/web.img",
                .stop_seconds = 30,
                .environment = {{"KILN_QEMU", "/opt/qemu 8/bin/qemu-system-x86_64"}}};
  EXPECT_EQ(systemd_unit(spec),
            "# Written by kiln systemd-unit. Install it as NAME.service (NAME, the unit's %p, names the\n"
            "# guest: kiln ps, kiln logs NAME); see docs/deployment.md.\n"
            "[Unit]\n"
            "Description=kiln unikernel %p (web.img)\n"
            "After=network.target\n"
            "\n"
            "[Service]\n"
            "Type=exec\n"
            "WorkingDirectory=/srv/web\n"
            "Environment=\"KILN_QEMU=/opt/qemu 8/bin/qemu-system-x86_64\"\n"
            "ExecStart=/usr/local/bin/kiln run kvm -N %p -i -M 256 -I net0,tap,ifname=tap0 -- web.img -c "
            "\"/data/my conf\"\n"
            "SyslogIdentifier=%p\n"
            "ExecStop=/usr/local/bin/kiln stop -t 30 %p\n"
            "TimeoutStopSec=35\n"
            "KillMode=mixed\n"
            "Restart=always\n"
            "RestartSec=1\n"
            "SuccessExitStatus=143\n"
            "\n"
            "[Install]\n"
            "WantedBy=multi-user.target\n");
  spec.interactive = true;  // -i given already: not twice
  EXPECT_NE(systemd_unit(spec).find("ExecStart=/usr/local/bin/kiln run kvm -N %p -M 256 "), std::string::npos);
}

}  // namespace
}  // namespace kiln::cli
