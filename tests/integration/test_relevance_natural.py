"""The natural one-box queries of ``relevance/natural.json`` against the demo catalog on the
real node: ours beside the naive and the strong baselines, the targets on the held-out half."""

from __future__ import annotations

from typing import Any

import pytest

from relevance import natural
from tests.conftest import BASE_ENV

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def report(demo_index: str) -> dict[str, Any]:
    return natural.measure(demo_index, BASE_ENV["SEARCH_ALIAS"])


def _worst(report: dict[str, Any]) -> list[tuple[str, str, float, int, list[str]]]:
    """The held-out queries to look at first when a figure falls."""
    return [(row["kind"], row["q"], row["ndcg@10"], row["total"], row["top3"]) for row in report["worst_held_out"]]


def test_given_the_held_out_natural_queries_then_ndcg_at_10_meets_the_target(report: dict[str, Any]) -> None:
    ours = report["halves"]["held_out"]["ours"]["ndcg@10"]

    assert ours >= natural.TARGET_HELD_OUT_NDCG, _worst(report)


def test_given_the_held_out_natural_queries_then_none_finds_nobody(report: dict[str, Any]) -> None:
    # Every judged query has someone graded 3 (natural.judge_natural checks it). The target
    # is the held-out half's, as the issue sets it; the tuning half's rate is in the report.
    empty = [
        (row["kind"], row["q"]) for row in report["queries"] if row["half"] == "held_out" and row["ours"]["total"] == 0
    ]

    assert not empty, _worst(report)


def test_given_the_held_out_natural_queries_then_we_beat_the_strong_baseline_by_the_margin(
    report: dict[str, Any],
) -> None:
    held_out = report["halves"]["held_out"]
    ours, strong = held_out["ours"]["ndcg@10"], held_out["strong"]["ndcg@10"]

    assert ours >= strong + natural.TARGET_GAIN_OVER_STRONG, (report["kinds"]["held_out"], _worst(report))


def test_given_the_natural_set_then_it_has_120_queries_or_more_and_every_kind_in_both_halves(
    report: dict[str, Any],
) -> None:
    counts = {half: {kind: s["queries"] for kind, s in kinds.items()} for half, kinds in report["kinds"].items()}

    assert len(report["queries"]) >= 120
    assert all(count > 0 for kinds in counts.values() for count in kinds.values()), counts
