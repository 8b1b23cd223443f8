"""The load bench's tally (bench/load_tally.py) counts what the weekly report counts: the same
traffic, tallied as Locust sees it and recorded as the API records it, gives equal figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bench.load_analytics import compare
from bench.load_tally import Tally, read_all
from relevance.analytics_figures import figures
from relevance.analytics_records import Traffic
from tests.analytics_traffic import event, qid, query

START, END = datetime(2026, 12, 5, 3, tzinfo=UTC), datetime(2026, 12, 5, 4, tzinfo=UTC)
AT = "2026-12-05T03:10:{:02d}.000Z"
# (name, page of the answer, clicks sent: (action, position, status)); T1 is a typeahead answer.
SCRIPT = [
    ("S1", 1, [("view_profile", 2, 202), ("book", 1, 202)]),
    ("S2", 1, [("enquire", 4, 202)]),
    ("S3", 1, []),
    ("S4", 1, [("view_profile", 1, 429)]),  # refused: not recorded, not counted
    ("P1", 2, [("view_profile", 11, 202)]),  # a later page: not a search
    ("T1", None, [("suggest_pick", 1, 202)]),
]


def tally_and_traffic() -> tuple[Tally, Traffic]:
    tally, traffic = Tally(), Traffic()
    second = 0
    for name, page, clicks in SCRIPT:
        second += 1
        if page is None:
            tally.typeahead += 1
            traffic.add("query", query(name, AT.format(second), "c1", "derm", 3, 5.0, endpoint="suggest"))
        else:
            tally.searched(page)
            traffic.add("query", query(name, AT.format(second), "c1", "dermatologist", 20, 9.0, page=page))
        for action, position, status in clicks:
            second += 1
            tally.event(action, position, qid(name), page, status)
            if status == 202:
                traffic.add("event", event(name, AT.format(second), "c1", action, "sp-000001", position))
    return tally, traffic


def test_given_the_same_traffic_when_tallied_and_reported_then_every_figure_is_equal() -> None:
    tally, traffic = tally_and_traffic()

    rows = compare(tally, figures(traffic.within(START, END), START, END))

    assert [row for row in rows if not row["match"]] == []
    found = {row["measure"].partition(" (")[0]: row["locust"] for row in rows}
    assert found["searches: page 1 answered 200"] == 4
    assert found["clicks answered 202 on page-1 answers"] == 3
    assert found["clicks answered 202 on later pages"] == 1
    assert [found[f"CTR@{k}"] for k in (1, 3, 5)] == [0.25, 0.25, 0.5]


def test_given_a_click_the_report_lacks_when_compared_then_the_rows_say_so() -> None:
    tally, traffic = tally_and_traffic()
    tally.event("view_profile", 3, qid("S3"), 1, 202)  # answered 202 but never recorded

    rows = compare(tally, figures(traffic.within(START, END), START, END))

    assert {row["measure"].partition(" (")[0] for row in rows if not row["match"]} == {
        "clicks answered 202 on page-1 answers",
        "events answered 202, all",
        "CTR@3",
        "CTR@5",
    }


def test_given_steps_tallies_when_read_then_they_add_up(tmp_path: Path) -> None:
    first, _ = tally_and_traffic()
    second = Tally()
    second.searched(1)
    second.event("view_profile", 1, qid("S9"), 1, 202)
    paths = []
    for number, one in enumerate((first, second)):
        paths.append(tmp_path / f"step-{number}-tally.json")
        paths[-1].write_text(json.dumps(one.as_json()))

    total = read_all(paths)

    assert (total.first_pages, total.clicks(), total.ctr()) == (5, 4, {"1": 0.4, "3": 0.4, "5": 0.6})
    assert total.sent == {"view_profile": 4, "book": 1, "enquire": 1, "suggest_pick": 1}
    assert total.positions["view_profile"] == {2: 1, 11: 1, 1: 1}
