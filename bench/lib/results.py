"""Every number a benchmark produces, kept raw, with medians on top."""

import statistics


class Results:
    def __init__(self):
        self.rows = []      # (metric, guest, run, warmup, value)
        self.metrics = {}   # metric -> (label, unit, better), in the order added
        self.notes = []     # lines for the report: what was not measured and why
        self.details = []   # lines for the report: breakdowns behind a row

    def define(self, metric, label, unit, better="lower"):
        """better: "lower" for costs (time, size, memory), "higher" for rates."""
        self.metrics.setdefault(metric, (label, unit, better))

    def kiln_ahead(self, metric):
        ratio = self.ratio(metric)
        if ratio is None:
            return None
        return ratio < 1 if self.metrics[metric][2] == "lower" else ratio > 1

    def add(self, metric, guest, run, value, warmup=False):
        self.rows.append((metric, guest, run, warmup, value))

    def values(self, metric, guest):
        """The measured values, warm-up runs left out."""
        return [v for (m, g, _, w, v) in self.rows if m == metric and g == guest and not w]

    def by_run(self, metric, guest):
        """{run: value} for the measured runs (warm-ups left out)."""
        return {run: v for (m, g, run, w, v) in self.rows if m == metric and g == guest and not w}

    def median(self, metric, guest):
        v = self.values(metric, guest)
        return statistics.median(v) if v else None

    def ratio(self, metric):
        k, l = self.median(metric, "kiln"), self.median(metric, "linux")
        return k / l if k is not None and l else None

    def summary(self):
        """(metric, label, unit, better, kiln median, linux median, kiln/linux, runs)."""
        out = []
        for metric, (label, unit, better) in self.metrics.items():
            out.append((metric, label, unit, better, self.median(metric, "kiln"),
                        self.median(metric, "linux"), self.ratio(metric),
                        len(self.values(metric, "kiln"))))
        return out
