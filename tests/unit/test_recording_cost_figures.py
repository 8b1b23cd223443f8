"""The search bench's recording cost (bench/recording_cost.py): the p95 difference is taken per
round, recorded minus not recorded, and the median over the rounds is reported."""

from __future__ import annotations

from bench.recording_cost import figures


def test_given_recording_adds_a_millisecond_in_two_rounds_of_three_then_the_median_difference_is_one() -> None:
    off = [[n / 1000 for n in range(1, 101)] for _ in range(3)]  # 1..100 ms each round
    added = (0.001, 0.001, 0.0)
    on = [[seconds + extra for seconds in one] for one, extra in zip(off, added, strict=True)]

    found = figures(on, off)

    assert found["p95_difference_ms_per_round"] == [1.0, 1.0, 0.0]
    assert found["p95_difference_ms"] == 1.0
    assert found["recorded"]["p95_ms"] > found["unrecorded"]["p95_ms"]
    assert found["p95_ratio"] > 1
    assert found["samples"] == 300
