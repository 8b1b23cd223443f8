"""The relevance figures of ``make relevance`` cannot fall unnoticed: the judged queries run
against the demo catalog on the real node, our search beside the naive baseline."""

from __future__ import annotations

from typing import Any

import pytest

from relevance import evaluate
from tests.conftest import BASE_ENV

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def report(demo_index: str) -> dict[str, Any]:
    return evaluate.measure(demo_index, BASE_ENV["SEARCH_ALIAS"])


def _worst(report: dict[str, Any]) -> list[tuple[str, str, float]]:
    """The queries to look at first when a figure falls."""
    rows = sorted(report["queries"], key=lambda row: row["ours"]["ndcg@10"])
    return [(row["category"], row["q"], row["ours"]["ndcg@10"]) for row in rows[:8]]


def test_given_the_judged_queries_then_ndcg_at_10_meets_the_target(report: dict[str, Any]) -> None:
    ours = report["overall"]["ours"]["ndcg@10"]

    assert ours >= evaluate.TARGET_NDCG, _worst(report)


def test_given_the_judged_queries_then_we_beat_the_naive_baseline_by_the_margin(report: dict[str, Any]) -> None:
    ours, baseline = report["overall"]["ours"]["ndcg@10"], report["overall"]["baseline"]["ndcg@10"]

    assert ours >= baseline + evaluate.TARGET_GAIN_OVER_BASELINE, report["categories"]


def test_given_misspellings_and_lay_terms_then_almost_none_finds_nobody(report: dict[str, Any]) -> None:
    empty = [
        row["q"]
        for row in report["queries"]
        if row["category"] in evaluate.ZERO_RESULT_CATEGORIES and row["ours"]["total"] == 0
    ]

    assert report["misspelling_and_lay_term"]["ours"]["zero_result_rate"] <= evaluate.TARGET_ZERO_RESULT_RATE, empty


def test_given_the_judgments_then_every_category_has_queries_and_there_are_at_least_80(report: dict[str, Any]) -> None:
    counts = {name: summary["queries"] for name, summary in report["categories"].items()}

    assert report["overall"]["queries"] >= 80
    assert all(count > 0 for count in counts.values()), counts
