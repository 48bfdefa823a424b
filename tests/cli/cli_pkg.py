"""kiln pkg list / build against a recipe directory of fake recipes (no
download): the summaries, make run with this kiln and OUT, failures
reported in one line (cases collected by cli_test.py)."""
import os

from clilib import expect, expect_error, expect_ok

RECIPE = """# hello: a recipe that only records how it was called.
# (a second comment line, not part of the summary)
OUT ?= $(CURDIR)/out
all:
\tmkdir -p $(OUT)
\t$(KILN) --version > $(OUT)/hello.img
"""


def test_pkg(t):
    """list shows each recipe's summary; build runs make with KILN and OUT."""
    packages = t.path("packages")
    os.makedirs(os.path.join(packages, "hello"))
    os.makedirs(os.path.join(packages, "broken"))
    os.makedirs(os.path.join(packages, "not-a-recipe"))  # no Makefile
    t.write("packages/hello/Makefile", RECIPE)
    t.write("packages/broken/Makefile", "# broken: fails.\nall:\n\tfalse\n")
    env = {"KILN_PACKAGES_DIR": packages}

    rc, out, err = t.kiln_run("pkg", "list", env=env)
    expect(rc == 0, f"pkg list failed ({rc}): {err}")
    lines = [" ".join(l.split()) for l in out.splitlines()]
    expect(lines == ["broken fails.", "hello a recipe that only records how it was called."], f"pkg list: {out!r}")

    dest = t.path("dest")
    rc, out, err = t.kiln_run("pkg", "build", "-o", dest, "hello", env=env)
    expect(rc == 0, f"pkg build failed ({rc}): {err}")
    image = os.path.join(dest, "hello.img")
    expect(out.splitlines()[-1] == image, f"pkg build did not print the image path: {out!r}")
    expect(open(image).read().startswith("kiln "), "the recipe did not run this kiln")

    expect_error(t.kiln_run("pkg", "build", "absent", env=env), 2, "no recipe 'absent'")
    expect_error(t.kiln_run("pkg", "build", "not-a-recipe", env=env), 2, "no recipe 'not-a-recipe'")
    rc, out, err = t.kiln_run("pkg", "build", "broken", env=env)  # make's own complaint comes first
    expect(rc == 1 and err.splitlines()[-1].startswith("kiln: pkg: the recipe for broken failed"),
           f"a failing recipe: status {rc}, stderr {err!r}")
    expect_error(t.kiln_run("pkg", env=env), 2, "missing subcommand")
    expect_error(t.kiln_run("pkg", "frob", env=env), 2, "unknown subcommand 'frob'")
    expect_ok(t.kiln_run("help", "pkg"), "kiln pkg build")
