"""The weekly search-quality report on a scripted week (tests/analytics_traffic.py), every
figure worked out by hand from the definitions in docs/analytics-report.md."""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from relevance import analytics
from relevance.analytics_figures import Search, pairs, searches
from relevance.analytics_judged import grades
from relevance.analytics_judged import skeleton as skeleton_of
from relevance.analytics_records import Event, Query, Traffic, from_log_lines, parse_query, timestamp
from relevance.analytics_sources import read_file
from relevance.analytics_synonyms import candidates, changed_words
from tests import analytics_traffic as traffic

ROOT = Path(__file__).resolve().parents[2]
SYNONYMS = ROOT / "chalicelib" / "synonyms.txt"
END = timestamp(traffic.NOW)
START = END - timedelta(days=7)
SEARCHES = 17  # S1..S17; P1 is a second page, T1 a typeahead answer, O1 and O2 outside the window


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return traffic.write_export(tmp_path_factory.mktemp("export") / "ubi.jsonl")


@pytest.fixture(scope="module")
def report(export: Path) -> dict[str, Any]:
    return analytics.build(read_file(export, START, END), "file", START, END, top=10, min_evidence=2)


def test_given_the_week_then_volume_counts_page_one_searches_inside_the_window(report: dict[str, Any]) -> None:
    assert report["window"] == {"start": "2025-02-24T00:00:00.000Z", "end": "2025-03-03T00:00:00.000Z"}
    assert report["volume"] == {
        "searches": SEARCHES,
        "later_pages": 1,  # P1
        "typeahead": 1,  # T1
        "clicks": 9,  # S2 x2, S4 x2, S6, S8, S10, S12, S17
        "suggest_picks": 1,
        "events_not_on_a_search": 1,  # the click on P1
        "enquiries_sent": 3,  # from S7, S8 and P1: none of them a click
        "skipped_records": 2,  # the two bad lines
    }


def test_given_the_week_then_the_daily_figures_cover_every_day_of_the_window(report: dict[str, Any]) -> None:
    empty = [{"date": f"2025-02-2{day}", "searches": 0, "zero_result_rate": None} for day in range(4, 8)]
    assert report["daily"] == [
        *empty,
        {"date": "2025-02-28", "searches": 12, "zero_result_rate": 0.25},  # S1, S3, S11 of S1..S12
        {"date": "2025-03-01", "searches": 3, "zero_result_rate": 1.0},  # S13, S14, S15
        {"date": "2025-03-02", "searches": 2, "zero_result_rate": 0.5},  # S16 of S16, S17
    ]


def test_given_the_week_then_the_rates_are_shares_of_searches(report: dict[str, Any]) -> None:
    assert report["zero_result_rate"] == round(7 / SEARCHES, 4)  # S1 S3 S11 S13 S14 S15 S16
    assert report["relaxed_rate"] == round(2 / SEARCHES, 4)  # S5 S12
    # @1: S4 (its book at 1), S10; @3: + S2, S6, S17; @5: + S8, S12
    assert report["ctr"] == {"1": round(2 / SEARCHES, 4), "3": round(5 / SEARCHES, 4), "5": round(7 / SEARCHES, 4)}


def test_given_the_week_then_mrr_reads_the_earliest_click_not_the_best(report: dict[str, Any]) -> None:
    # Earliest clicks: S2 at 2, S4 at 3 (its book at 1 came later), S6 3, S8 5, S10 1, S12 4, S17 2.
    assert report["mrr_first_click"] == round((1 / 2 + 1 / 3 + 1 / 3 + 1 / 5 + 1 + 1 / 4 + 1 / 2) / SEARCHES, 4)
    assert report["first_click_positions"] == {"1": 1, "2": 2, "3": 2, "4": 1, "5": 1}


def test_given_the_week_then_abandonment_counts_no_click_and_no_search_within_60_s(report: dict[str, Any]) -> None:
    # S7 (next search 90 s on), S9 (no client id), S13, S15 (last), S16 (next search 70 s on).
    assert report["abandoned"] == 5
    assert report["abandonment_rate"] == round(5 / SEARCHES, 4)


def test_given_the_week_then_the_enquiry_rate_counts_searches_with_an_enquiry_sent(report: dict[str, Any]) -> None:
    assert report["enquiry_rate"] == round(2 / SEARCHES, 4)  # S7, S8; P1 is a later page


def test_given_the_week_then_top_zero_result_queries_group_by_words_with_their_clicked_reformulation(
    report: dict[str, Any],
) -> None:
    assert report["top_zero_result_queries"] == [
        {"q": "skin doctor bristol", "searches": 3, "reformulated_into": [{"q": "dermatologist bristol", "pairs": 2}]},
        {"q": "gp", "searches": 2, "reformulated_into": []},
        {"q": "[name] cardiology", "searches": 1, "reformulated_into": []},
        {"q": "back pain", "searches": 1, "reformulated_into": []},
    ]


def test_given_the_week_then_reformulation_pairs_are_within_60_s_into_a_clicked_search_with_other_words(
    report: dict[str, Any],
) -> None:
    # S1->S2, S3->S4 (zero results), S5->S6 (no click); not S16->S17 (70 s), S11->S12 (same words),
    # S14->S15 (no click after), S7->S8 (90 s).
    assert report["reformulations"] == [
        {
            "from": "skin doctor bristol",
            "to": "dermatologist bristol",
            "pairs": 2,
            "clients": 2,
            "from_zero_results": 2,
        },
        {"from": "hip replacment", "to": "hip replacement", "pairs": 1, "clients": 1, "from_zero_results": 0},
    ]


def test_given_the_week_then_slowest_ranks_every_query_record_by_latency(report: dict[str, Any]) -> None:
    assert [(row["q"], row["page"], row["latency_ms"]) for row in report["slowest"][:3]] == [
        ("dermatologist bristol", 2, 200.0),
        ("back pain", 1, 120.0),
        ("back pain", 1, 90.0),
    ]
    assert len(report["slowest"]) == 10
    assert report["latency_ms"] == {"p50": 50.0, "p95": 120.0}  # nearest rank over the 17 searches


def test_given_pairs_then_synonym_candidates_need_the_evidence_and_keep_clicked_words_intact(export: Path) -> None:
    paired = pairs(searches(read_file(export, START, END)))

    assert candidates(paired, min_evidence=2) == [
        {
            "rule": "skin doctor => dermatologist",
            "pairs": 2,
            "clients": 2,
            "from_zero_results": 2,
            "examples": ["skin doctor bristol -> dermatologist bristol"],
        }
    ]
    # The first search found specialists nobody clicked: keep them, add the clicked words' ones.
    assert [row["rule"] for row in candidates(paired, min_evidence=1)] == [
        "skin doctor => dermatologist",
        "replacment => replacment, replacement",
    ]


def test_given_two_texts_then_only_their_differing_middle_is_a_rule() -> None:
    assert changed_words("skin doctor bristol", "dermatologist bristol") == ("skin doctor", "dermatologist")
    assert changed_words("knee surgeon", "knee surgeon london") == ("", "london")


def test_given_the_delivered_objects_gzipped_or_athena_s_filters_as_text_then_the_report_is_the_same(
    export: Path, report: dict[str, Any], tmp_path: Path
) -> None:
    as_athena = []
    for line in traffic.log_lines():
        wrapped = json.loads(line)
        if wrapped["ubi"] == "query":
            attributes = wrapped["record"]["query_attributes"]
            attributes["filters"] = json.dumps(attributes["filters"])
        as_athena.append(json.dumps(wrapped))
    gzipped = tmp_path / "ubi.jsonl.gz"
    with gzip.open(gzipped, "wt", encoding="utf-8") as out:
        out.write("\n".join(as_athena + traffic.BAD_LINES) + "\n")

    again = analytics.build(read_file(gzipped, START, END), "file", START, END, top=10, min_evidence=2)

    assert again == report


def test_given_searches_at_the_same_time_or_61_s_apart_then_neither_is_a_reformulation() -> None:
    def at(seconds: int) -> str:
        return f"2025-02-28T09:00:{seconds:02d}.000Z" if seconds < 60 else f"2025-02-28T09:01:{seconds - 60:02d}.000Z"

    records = [
        traffic.query("A", at(0), "c1", "gp", 3, 1.0),
        traffic.query("B", at(0), "c1", "general practice", 3, 1.0),
        traffic.query("C", at(61), "c1", "family doctor", 3, 1.0),
        traffic.query("D", at(61), "c2", "family doctor", 3, 1.0),
    ]
    found = searches(Traffic([parse_query(record) for record in records]))
    assert [search.reformulated for search in found] == [False, False, False, False]


def test_given_records_outside_or_unreadable_then_they_are_not_counted() -> None:
    naive = traffic.query("X", "2025-02-28T09:00:00", "c1", "no zone", 0, 1.0)
    lines = [json.dumps({"ubi": "query", "record": naive}), json.dumps({"ubi": "click", "record": {}}), "[]"]
    parsed = from_log_lines(lines)
    assert (parsed.queries, parsed.skipped) == ([], 3)


def test_given_clicks_per_specialist_then_grades_follow_actions_and_click_counts() -> None:
    at = datetime(2025, 2, 28, tzinfo=START.tzinfo)

    def search(n: int, *clicks: tuple[str, str, int]) -> Search:
        query = Query(
            f"q{n}", "c", at, "x", "search", page=1, total=3, relaxed=(), latency_ms=9.0, filters={}, part_kinds=()
        )
        return Search(query, tuple(Event(f"q{n}", "c", at, a, o, p) for o, a, p in clicks), ())

    group = [
        search(1, ("a", "view_profile", 1), ("b", "view_profile", 2), ("d", "view_profile", 4)),
        search(2, ("a", "view_profile", 1), ("b", "view_profile", 3)),
        search(3, ("a", "view_profile", 2), ("c", "enquire", 5)),
    ]
    assert [(rule["where"]["id"], rule["grade"]) for rule in grades(group)] == [
        ("a", 3),  # most clicked
        ("b", 2),  # two searches
        ("d", 1),  # once (ranked by searches, then best position)
        ("c", 3),  # enquired
    ]


# --- The command ------------------------------------------------------------------------------
_WATCH: list[list[str]] = []  # the paths opened for writing, while a test watches


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _WATCH or event != "open" or not isinstance(args[0], str | bytes | os.PathLike):
        return
    mode, flags = args[1], args[2] or 0
    if (isinstance(mode, str) and any(c in mode for c in "wax+")) or flags & (os.O_WRONLY | os.O_RDWR):
        _WATCH[0].append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_audit)  # an audit hook cannot be removed: it records nothing unless a test watches


@pytest.fixture
def writes() -> Iterator[list[str]]:
    _WATCH.append([])
    try:
        yield _WATCH[0]
    finally:
        _WATCH.clear()


def test_given_a_run_then_synonyms_txt_is_untouched_and_candidates_are_only_in_the_outputs(
    export: Path, tmp_path: Path, writes: list[str]
) -> None:
    before = SYNONYMS.read_bytes()
    out, judged = tmp_path / "report", tmp_path / "judged.json"
    argv = ["--source", str(export), "--now", traffic.NOW, "--out", str(out), "--export-judged", str(judged)]

    code = analytics.main([*argv, "--month", "2025-02"])

    assert code == 0
    assert SYNONYMS.read_bytes() == before
    written = {Path(path) for path in writes}
    outputs = tmp_path.resolve()
    assert {path for path in written if path.is_relative_to(ROOT) and not path.is_relative_to(outputs)} == set()
    assert {path.name for path in written if path.is_relative_to(outputs)} == {
        "report.json", "report.md", "daily.png", "ctr.png", "judged.json",
    }  # fmt: skip
    rule = "skin doctor => dermatologist"
    assert json.loads((out / "report.json").read_text())["synonym_candidates"][0]["rule"] == rule
    assert f"`{rule}`" in (out / "report.md").read_text()
    assert rule not in judged.read_text()
    for png in ("daily.png", "ctr.png"):
        assert (out / png).read_bytes().startswith(b"\x89PNG")


def test_given_the_month_then_the_skeleton_loads_with_relevance_s_own_loader(export: Path, tmp_path: Path) -> None:
    from chalicelib.geocoding.offline import OfflineGeocoder
    from indexer.demo import generate
    from relevance import evaluate, natural

    judged = tmp_path / "judged.json"
    out = tmp_path / "out"
    argv = ["--source", str(export), "--now", traffic.NOW, "--out", str(out), "--export-judged", str(judged)]
    code = analytics.main([*argv, "--month", "2025-02"])
    assert code == 0

    skeleton = json.loads(judged.read_text())
    loaded = natural.judge_natural(
        list(generate(evaluate.DEMO_COUNT, evaluate.DEMO_SEED)), OfflineGeocoder().locate, path=judged
    )

    # February: S1..S12 and O1; the top queries by searches, then by words; only clicked ones are graded.
    assert [(query.judged.q, query.judged.category) for query in loaded] == [
        ("back pain", "generic"),
        ("cardiologist", "generic"),
        ("dermatologist bristol", "place"),
        ("hip replacement", "generic"),
        ("knee surgeon london", "place"),
    ]
    by_q = {query.judged.q: query.judged for query in loaded}
    assert by_q["dermatologist bristol"].grades == {"krish-nandy": 3, "kay-rowlands": 3, "christine-marklow": 1}
    assert by_q["back pain"].params == {"near": "hendon", "radius_miles": "10"}
    assert by_q["cardiologist"].params == {}  # its near was masked
    cardiologist = next(query for query in skeleton["queries"] if query["q"] == "cardiologist")
    assert cardiologist["other_filters"] == {"insurer": ["Bupa"]}
    assert all(rule["source"] == "clicks" for query in skeleton["queries"] for rule in query["grades"])
    week = skeleton_of(searches(read_file(export, START, END)), "2025-W09")
    assert "[name] cardiology" not in {query["q"] for query in week["queries"] + week["queries_without_clicks"]}
    assert skeleton["queries_without_clicks"] == [
        {"q": "skin doctor bristol", "searches": 2},
        {"q": "hip replacment", "searches": 1},
        {"q": "knee surgeon", "searches": 1},
        {"q": "old query", "searches": 1},
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ["--since", "7w"],
        ["--since", "0d"],
        ["--now", "2025-03-03T00:00:00"],
        ["--month", "2025-02"],
        ["--export-judged", "x.json", "--month", "2025-13"],
        ["--top", "0"],
    ],
)
def test_given_bad_usage_then_it_exits_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        analytics.parse_args(argv)
    assert exit_info.value.code == 2


def test_given_a_missing_export_then_it_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert analytics.main(["--source", str(tmp_path / "nothing.jsonl"), "--out", str(tmp_path / "out")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_given_a_month_then_its_window_is_that_calendar_month_in_utc() -> None:
    assert analytics.month_window("2025-12") == (timestamp("2025-12-01T00:00:00Z"), timestamp("2026-01-01T00:00:00Z"))
    assert Traffic().within(START, END).queries == []
