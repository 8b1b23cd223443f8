"""The relevance figures, the natural set's split and its rule keys, on examples worked by hand."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.catalog import Registration, Specialist
from chalicelib.geo import GeoPoint
from indexer.demo import generate
from indexer.demo_data import HOSPITALS_BY_ID
from relevance import natural
from relevance.evaluate import Ranking, Rules, means, ndcg, reciprocal_rank, zero_result_rate

GRADES = {"a": 3, "b": 2, "c": 1}


# --- nDCG@10 --------------------------------------------------------------------------------
def test_given_a_mixed_ranking_then_ndcg_is_its_dcg_over_the_ideal_dcg() -> None:
    # DCG of b, x, a: (2**2 - 1)/log2(2) + 0/log2(3) + (2**3 - 1)/log2(4) = 3 + 0 + 7/2 = 6.5
    # ideal a, b, c:  (2**3 - 1)/log2(2) + (2**2 - 1)/log2(3) + (2**1 - 1)/log2(4) = 7 + 1.892789 + 0.5 = 9.392789
    # 6.5 / 9.392789 = 0.692021
    assert ndcg(Ranking(["b", "x", "a"], 3), GRADES) == pytest.approx(0.692021, abs=1e-6)


def test_given_the_ideal_ranking_then_ndcg_is_one_and_given_nothing_relevant_then_zero() -> None:
    assert ndcg(Ranking(["a", "b", "c"], 3), GRADES) == pytest.approx(1.0)
    assert ndcg(Ranking(["x", "y"], 2), GRADES) == 0.0


def test_given_the_only_relevant_specialist_at_rank_11_then_ndcg_at_10_ignores_it() -> None:
    ranking = Ranking([f"x{n}" for n in range(10)] + ["a"], 11)

    assert ndcg(ranking, {"a": 3}) == 0.0


def test_given_fewer_judged_than_ten_then_the_ideal_counts_only_them() -> None:
    # a at rank 2: 7/log2(3) = 4.416508; ideal a at rank 1: 7/1 = 7; 4.416508 / 7 = 0.630930
    assert ndcg(Ranking(["x", "a"], 2), {"a": 3}) == pytest.approx(0.630930, abs=1e-6)


# --- MRR ------------------------------------------------------------------------------------
def test_given_the_first_grade_2_at_rank_3_then_the_reciprocal_rank_is_a_third() -> None:
    # c (grade 1) at rank 2 does not count: the first result graded 2 or more is b, at rank 3.
    assert reciprocal_rank(Ranking(["x", "c", "b", "a"], 4), GRADES) == pytest.approx(1 / 3)


def test_given_no_grade_2_in_the_top_10_then_the_reciprocal_rank_is_zero() -> None:
    assert reciprocal_rank(Ranking(["c", "x"], 2), GRADES) == 0.0
    assert reciprocal_rank(Ranking([f"x{n}" for n in range(10)] + ["a"], 11), GRADES) == 0.0


def test_given_three_queries_then_mrr_is_the_mean_of_their_reciprocal_ranks() -> None:
    # rr 1, 1/2 and 0: (1 + 0.5 + 0) / 3 = 0.5; nDCG (1 + 0.5 + 0) / 3 = 0.5; one of three found nobody
    rows: list[dict[str, Any]] = [
        {"ours": {"ndcg@10": 1.0, "rr": 1.0, "total": 4}},
        {"ours": {"ndcg@10": 0.5, "rr": 0.5, "total": 9}},
        {"ours": {"ndcg@10": 0.0, "rr": 0.0, "total": 0}},
    ]

    assert means(rows, "ours") == {"ndcg@10": 0.5, "mrr": 0.5, "zero_result_rate": 0.3333}


# --- Zero-result rate -----------------------------------------------------------------------
def test_given_two_of_four_queries_found_nobody_then_the_zero_result_rate_is_a_half() -> None:
    # totals 0, 5, 0, 12: two zeros of four = 0.5
    assert zero_result_rate([0, 5, 0, 12]) == 0.5
    assert zero_result_rate([1, 1]) == 0.0


# --- The split ------------------------------------------------------------------------------
QUERIES = [(f"{kind} query {n}", kind) for kind in ("place", "insurer", "compound") for n in range(7)]


def test_given_the_same_queries_in_any_order_then_the_split_is_the_same() -> None:
    shuffled = QUERIES[:]
    random.Random(3).shuffle(shuffled)  # noqa: S311 - a fixed shuffle, not a secret

    assert natural.split(shuffled) == natural.split(QUERIES)


def test_given_a_kind_then_its_queries_alternate_halves_in_hash_order_starting_with_tuning() -> None:
    qs = [q for q, kind in QUERIES if kind == "place"]
    ordered = sorted(qs, key=lambda q: hashlib.sha256(f"{natural.SPLIT_SEED}:{q.casefold()}".encode()).hexdigest())

    halves = natural.split(QUERIES)

    assert [halves[q] for q in ordered] == ["tuning", "held_out"] * 3 + ["tuning"]


def test_given_the_split_then_the_halves_are_disjoint_cover_everything_and_each_kind_has_both() -> None:
    halves = natural.split(QUERIES)
    tuning = {q for q, half in halves.items() if half == "tuning"}
    held_out = {q for q, half in halves.items() if half == "held_out"}

    assert not tuning & held_out
    assert tuning | held_out == {q for q, _ in QUERIES}
    for kind in ("place", "insurer", "compound"):
        assert {halves[q] for q, k in QUERIES if k == kind} == {"tuning", "held_out"}


def test_given_natural_json_then_every_kind_has_both_halves() -> None:
    import json

    queries = json.loads(natural.NATURAL.read_text(encoding="utf-8"))["queries"]
    halves = natural.split((query["q"], query["kind"]) for query in queries)

    by_kind = {kind: {halves[query["q"]] for query in queries if query["kind"] == kind} for kind in natural.KINDS}
    assert all(found == set(natural.HALVES) for found in by_kind.values()), by_kind


# --- Rule keys ------------------------------------------------------------------------------
HENDON = HOSPITALS_BY_ID["hendon"]
BATH = HOSPITALS_BY_ID["bath-clinic"]
PLACES = {"Harrow": GeoPoint(51.5806, -0.3420), "Bath": GeoPoint(51.3811, -2.3590)}


def _specialist(specialist_id: str, **update: Any) -> Specialist:
    return next(generate(6, 1)).model_copy(update={"id": specialist_id, **update})


CATALOG = [
    _specialist(
        "near-polish-bupa",
        languages=["English", "Polish"],
        insurers=["Bupa", "AXA Health"],
        bookable_online=True,
        hospitals=[HENDON],
    ),
    _specialist(
        "far-welsh-wpa", languages=["English", "Welsh"], insurers=["WPA"], bookable_online=False, hospitals=[BATH]
    ),
]


def _judged(where: dict[str, Any], place: str | None = None) -> set[str]:
    rules = Rules(CATALOG, PLACES.get)
    origin = rules.origin(place) if place else None
    return set(rules.grades("q", [{"grade": 3, "where": where}], origin))


def test_given_insurer_and_language_rules_then_catalog_labels_match_whatever_their_case() -> None:
    assert _judged({"insurer": "bupa"}) == {"near-polish-bupa"}
    assert _judged({"insurer": "AXA HEALTH", "language": "polish"}) == {"near-polish-bupa"}
    assert _judged({"language": ["Welsh", "Polish"]}) == {"near-polish-bupa", "far-welsh-wpa"}


def test_given_a_bookable_online_rule_then_it_judges_by_the_flag() -> None:
    assert _judged({"bookable_online": True}) == {"near-polish-bupa"}
    assert _judged({"bookable_online": False}) == {"far-welsh-wpa"}


def test_given_a_place_then_within_miles_measures_from_it_and_a_hospital_id_is_a_place_too() -> None:
    # Hendon hospital is about 5 miles from Harrow; Bath Clinic about 100.
    assert _judged({"within_miles": 25}, place="Harrow") == {"near-polish-bupa"}
    assert _judged({"within_miles": 25}, place="bath-clinic") == {"far-welsh-wpa"}
    with pytest.raises(ValueError, match="no specialist"):
        _judged({"within_miles": 1}, place="Harrow")


def test_given_a_rule_with_an_unknown_insurer_label_then_judging_raises() -> None:
    with pytest.raises(ValueError, match="insurer"):
        _judged({"insurer": "AXA PPP"})


def test_given_within_miles_without_a_place_then_judging_raises() -> None:
    with pytest.raises(ValueError, match="within_miles"):
        _judged({"within_miles": 25})


def test_given_an_unknown_place_then_judging_raises() -> None:
    with pytest.raises(ValueError, match="geocoder"):
        _judged({"within_miles": 25}, place="Atlantis")


def test_given_a_specialist_not_registered_then_no_rule_judges_them() -> None:
    registration = Registration(status="licence_suspended", verified_at=datetime(2026, 1, 5, tzinfo=UTC))
    suspended = _specialist("suspended-bupa", insurers=["Bupa"], gmc_number="4123456", registration=registration)
    rules = Rules([*CATALOG, suspended], PLACES.get)

    assert set(rules.grades("q", [{"grade": 3, "where": {"insurer": "Bupa"}}], None)) == {"near-polish-bupa"}
    with pytest.raises(ValueError, match="no specialist has id"):
        rules.grades("q", [{"grade": 3, "where": {"id": "suspended-bupa"}}], None)
