"""Run every bench/bench_*.py module on a throwaway database; print each ratio against its limit.

A benchmark module defines `run(report)` and calls `report(name, measured_seconds, baseline_seconds, limit)`
for each comparison: ratio = measured / baseline, and the run fails when a ratio exceeds its limit.
Absolute times are printed for context only; the verdict is the ratio, measured on the same machine and run.
"""

import importlib
import os
import pkgutil
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


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
    results = []

    def report(name: str, measured: float, baseline: float, limit: float) -> None:
        ratio = measured / baseline if baseline > 0 else float("inf")
        verdict = "ok" if ratio <= limit else "OVER LIMIT"
        results.append(ratio <= limit)
        print(f"{name:<60} ratio {ratio:8.2f} (limit {limit:.1f})  {verdict}   [{measured:.3f}s vs {baseline:.3f}s]")

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        for name in sorted(modules):
            print(f"== {name}")
            importlib.import_module(f"bench.{name}").run(report)
    finally:
        teardown_databases(old_config, verbosity=0)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
