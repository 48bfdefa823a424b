"""bench/results: latest.csv (every raw number), latest.md (the table and the
conditions it was measured under) and latest.png (the ratios, gnuplot)."""

import csv
import os
import subprocess


def _fmt(value):
    if value is None:
        return "—"
    if value >= 100:
        return "%.0f" % value
    if value >= 10:
        return "%.1f" % value
    return "%.2f" % value


def write_csv(results, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "unit", "guest", "run", "warmup", "value"])
        for metric, guest, run, warmup, value in results.rows:
            # Check columns (METRIC_guestclock, METRIC_lines) share METRIC's unit.
            base = metric.rsplit("_", 1)[0] if metric not in results.metrics else metric
            unit = results.metrics.get(base, ("", "", ""))[1]
            w.writerow([metric, unit, guest, run, int(warmup), "%.3f" % value])


def table_lines(results):
    lines = ["| benchmark | unit | better | kiln (median) | Linux VM (median) | kiln/Linux | runs each |",
             "|---|---|---|---:|---:|---:|---:|"]
    for _, label, unit, better, k, l, ratio, runs in results.summary():
        lines.append("| %s | %s | %s | %s | %s | %s | %d |" % (
            label, unit, better, _fmt(k), _fmt(l), "—" if ratio is None else "%.3f" % ratio, runs))
    return lines


def write_md(results, env, commands, path, chart_name):
    out = ["# kiln against a Linux VM", "",
           "Written by `bench/run`; every raw number is in [latest.csv](latest.csv).",
           "For times, sizes, memory and ns per operation lower is better (kiln is",
           "ahead when kiln/Linux is below 1); for MiB/s higher is better (ahead",
           "above 1). The `better` column says which.", ""]
    out += table_lines(results)
    if chart_name:
        out += ["", "![kiln/Linux ratios](%s)" % chart_name]
    out += ["", "## Conditions", ""]
    out += ["- %s: %s" % (k, v) for k, v in env]
    if results.details:
        out += ["", "## Details", ""] + ["- " + d for d in results.details]
    if results.notes:
        out += ["", "## Not measured", ""] + ["- " + n for n in results.notes]
    out += ["", "## QEMU command lines (hello)", ""]
    for guest, argv in commands.get("hello", {}).items():
        out += ["%s:" % guest, "", "```", " ".join(_quote(a) for a in argv), "```", ""]
    with open(path, "w") as f:
        f.write("\n".join(out).rstrip() + "\n")


def _quote(arg):
    return arg if arg and all(c.isalnum() or c in "-_=,./:+" for c in arg) else "'%s'" % arg


def write_chart(results, path):
    """Horizontal bars of kiln/Linux per benchmark from parity (1) to the
    ratio, log scale, green where kiln is ahead and red where Linux is
    (which side is ahead depends on lower- or higher-is-better). Needs
    gnuplot (bench/deps.txt)."""
    rows = [(label, ratio, results.kiln_ahead(metric))
            for metric, label, _, _, _, _, ratio, _ in results.summary() if ratio]
    if not rows:
        return False
    data = path + ".dat"
    with open(data, "w") as f:
        for i, (label, ratio, ahead) in enumerate(rows):
            colour = 0x2e8b57 if ahead else 0xc0392b
            f.write('%d "%s" %.6f %d\n' % (i, label.replace('"', "'"), ratio, colour))
    script = "\n".join([
        "set terminal pngcairo size 1000,%d font ',10'" % (220 + 60 * len(rows))
        if _has_cairo() else "set terminal png size 1000,%d" % (220 + 60 * len(rows)),
        "set output '%s'" % path,
        # gnuplot turns \n into a line break only inside double quotes.
        'set title "kiln/Linux under QEMU TCG, same machine options\\ngreen: kiln ahead, red: Linux ahead"',
        "set logscale x 10",
        "set xrange [%g:%g]" % (min([r for _, r, _ in rows] + [1]) / 4, max([r for _, r, _ in rows] + [1]) * 4),
        "set xlabel 'kiln/Linux (log scale)'",
        "set yrange [%f:-0.7]" % (len(rows) - 0.3),  # the table's first row on top
        "set ytics scale 0",
        "unset key",
        "set style fill solid 0.8",
        "set grid xtics",
        "set arrow from 1, graph 0 to 1, graph 1 nohead lw 2 lc rgb 'black'",
        # Bars run from parity (1) to the ratio, left when kiln is ahead.
        "plot '%s' using 3:1:($3<1?$3:1):($3<1?1:$3):($1-0.3):($1+0.3):4:ytic(2) with boxxyerror lc rgb variable, \\" % data,
        "     '' using 3:1:(sprintf('%.3f', $3)) with labels offset 3,0",
    ])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.remove(data)
    return True


def _has_cairo():
    out = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    return "pngcairo" in (out.stdout + out.stderr)
