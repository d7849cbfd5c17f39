"""Sampling helpers for the benchmark modules: every scenario is the median of at least REPEATS runs."""

import time
from collections.abc import Callable

REPEATS = 3  # every scenario is the median of at least this many runs


def seconds(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def repeat(work: Callable[[], object], times: int = REPEATS) -> list[float]:
    """Seconds of each of `times` runs of `work` (at least REPEATS)."""
    return [seconds(work) for _ in range(max(times, REPEATS))]


def interleave(measured_work: Callable[[], object], baseline_work: Callable[[], object], times: int = REPEATS):
    """Alternate the two `times` times (a busy neighbour slows both alike); the samples of each, for `report`."""
    measured, baseline = [], []
    for _ in range(times):
        measured.append(seconds(measured_work))
        baseline.append(seconds(baseline_work))
    return measured, baseline
