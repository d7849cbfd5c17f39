"""Run every bench/bench_*.py module on a throwaway database; print one table of ratios against their limits.

A benchmark module defines `run(report)` and calls `report(name, measured, baseline, limit)` for each comparison.
`measured` and `baseline` are seconds (or counts): either one number, or a list of samples from repeated runs, of
which the median is taken and the spread, (max - min) / median, is shown. ratio = measured / baseline, and the run
fails (exit status 1) when a ratio exceeds its limit. Absolute figures are printed for context only; the verdict is
the ratio, measured on the same machine in the same run.

`bench.timing` has the helpers the modules use to collect samples (`repeat`, `interleave`).
"""

import importlib
import os
import pkgutil
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from bench.timing import REPEATS


def summarise(samples: float | Sequence[float]) -> tuple[float, float, int]:
    """(median, spread, count) of one number or a list of samples; spread = (max - min) / median."""
    if isinstance(samples, int | float):
        return float(samples), 0.0, 1
    values = [float(value) for value in samples]
    if not values:
        raise ValueError("a benchmark reported no samples")
    middle = statistics.median(values)
    spread = (max(values) - min(values)) / middle if middle > 0 else 0.0
    return middle, spread, len(values)


@dataclass
class Result:
    module: str
    name: str
    ratio: float
    limit: float
    measured: float
    baseline: float
    spread: float
    samples: int

    @property
    def passed(self) -> bool:
        return self.ratio <= self.limit


class Reporter:
    """The `report` callable handed to every module; collects the rows of the final table."""

    def __init__(self) -> None:
        self.results: list[Result] = []
        self.module = ""

    def __call__(self, name: str, measured, baseline, limit: float) -> Result:
        measured_value, measured_spread, measured_count = summarise(measured)
        baseline_value, baseline_spread, baseline_count = summarise(baseline)
        ratio = measured_value / baseline_value if baseline_value > 0 else float("inf")
        result = Result(
            module=self.module,
            name=name,
            ratio=ratio,
            limit=float(limit),
            measured=measured_value,
            baseline=baseline_value,
            spread=max(measured_spread, baseline_spread),
            samples=min(measured_count, baseline_count),
        )
        self.results.append(result)
        verdict = "ok" if result.passed else "OVER LIMIT"
        print(
            f"   {name}: ratio {ratio:.2f} (limit {limit:.2f}) {verdict}"
            f"  [{measured_value:.4f} vs {baseline_value:.4f}, spread {result.spread:.0%} of {result.samples}]",
            flush=True,
        )
        return result

    def table(self) -> str:
        header = ("scenario", "ratio", "limit", "verdict", "spread", "n")
        rows = [
            (
                f"{r.module.removeprefix('bench_')}: {r.name}",
                f"{r.ratio:.2f}",
                f"{r.limit:.2f}",
                "ok" if r.passed else "OVER LIMIT",
                f"{r.spread:.0%}",
                str(r.samples),
            )
            for r in self.results
        ]
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        lines = [
            "| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in [header, *rows]
        ]
        lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
        return "\n".join(lines)

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.passed]


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    wanted = set(argv)
    modules = [
        name
        for _finder, name, _is_package in pkgutil.iter_modules([os.path.dirname(__file__)])
        if name.startswith("bench_") and (not wanted or name in wanted)
    ]
    reporter = Reporter()
    errors = []

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        for name in sorted(modules):
            print(f"== {name}", flush=True)
            reporter.module = name
            try:
                importlib.import_module(f"bench.{name}").run(reporter)
            except Exception as error:  # one broken module must not hide the others' results
                import traceback

                traceback.print_exc()
                errors.append(f"{name}: {type(error).__name__}: {error}")
    finally:
        teardown_databases(old_config, verbosity=0)
    from django.db import connection

    print()
    print(f"Benchmarks on {connection.vendor}: medians of at least {REPEATS} runs")
    print(reporter.table())
    for error in errors:
        print(f"ERROR {error}")
    failed = len(reporter.failed)
    print(f"{len(reporter.results) - failed} passed, {failed} failed, {len(errors)} module errors")
    return 0 if not failed and not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
