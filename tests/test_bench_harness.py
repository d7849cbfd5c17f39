"""`make bench`'s harness: medians and spread of repeated samples, one table, a failing exit when a ratio misses."""

import pytest

from bench.__main__ import Reporter, summarise


def test_a_list_of_samples_is_summarised_by_its_median_and_relative_spread():
    assert summarise([0.30, 0.10, 0.20]) == pytest.approx((0.20, 1.0, 3))
    assert summarise(2.5) == (2.5, 0.0, 1)  # a single float, as the older modules report


def test_the_ratio_is_of_the_medians_and_a_miss_is_a_failure_in_the_table():
    reporter = Reporter()
    reporter.module = "bench_example"
    kept = reporter("fast path", [1.0, 1.2, 9.0], [1.0, 1.0, 1.0], 1.5)
    missed = reporter("slow path", 3.0, 1.0, 2.0)
    assert kept.ratio == pytest.approx(1.2) and kept.passed
    assert missed.ratio == pytest.approx(3.0) and not missed.passed
    assert reporter.failed == [missed]
    header, _rule, *rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in reporter.table().splitlines()]
    assert header == ["scenario", "ratio", "limit", "verdict", "spread", "n"]
    assert rows == [
        ["example: fast path", "1.20", "1.50", "ok", "667%", "3"],
        ["example: slow path", "3.00", "2.00", "OVER LIMIT", "0%", "1"],
    ]


def test_no_samples_is_an_error_not_a_pass():
    with pytest.raises(ValueError):
        summarise([])
