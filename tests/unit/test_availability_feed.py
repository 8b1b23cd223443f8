"""The availability feed's lines, their grouping by specialist and the update each group sends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from opensearchpy.helpers import expand_action
from pydantic import ValidationError

from chalicelib.index_schema import HOSPITAL_ID
from indexer.availability import update_action, update_request
from indexer.availability_feed import SlotUpdate, grouped, not_in_the_future, parse_update
from indexer.records import ReadReport, valid_records

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def line(**changes: Any) -> bytes:
    base = {"id": "krish-nandy", "hospital_id": "hendon", "next_available": "2026-12-07T09:30:00Z", "as_of": NOW}
    base.update(changes)
    return json.dumps({key: value for key, value in base.items() if value != "-"}, default=str).encode()


def updates(*lines: bytes) -> list[tuple[int, SlotUpdate]]:
    return list(valid_records(lines, ReadReport(), parse_update, "id", not_in_the_future(lambda: NOW)))


def test_given_a_valid_line_then_it_parses_with_its_offsets_kept() -> None:
    update = parse_update(line(next_available="2026-12-07T09:30:00+01:00"))

    assert (update.id, update.hospital_id) == ("krish-nandy", "hendon")
    assert update.next_available == datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
    assert update.next_available is not None
    assert update.next_available.isoformat() == "2026-12-07T09:30:00+01:00"


def test_given_no_free_slot_then_next_available_is_null_but_must_be_given() -> None:
    assert parse_update(line(next_available=None)).next_available is None
    with pytest.raises(ValidationError, match="next_available"):
        parse_update(line(next_available="-"))


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"id": "Krish Nandy"}, "id"),
        ({"hospital_id": ""}, "hospital_id"),
        ({"as_of": "2026-12-05T10:00:00"}, "as_of"),  # no offset
        ({"as_of": 1796000000}, "as_of"),  # a number is not a timestamp
        ({"next_available": "next Tuesday"}, "next_available"),
        ({"price": 100}, "price"),
    ],
)
def test_given_a_broken_line_then_the_model_names_the_field(changes: dict[str, Any], where: str) -> None:
    report = ReadReport()

    assert list(valid_records([line(**changes)], report, parse_update)) == []
    assert report.invalid == 1
    assert report.samples[0].reason.startswith(f"{where}: ")


def test_given_an_as_of_ahead_of_the_clock_then_the_line_is_invalid_beyond_five_minutes() -> None:
    report = ReadReport()
    lines = [line(as_of="2026-12-05T10:04:00Z"), line(as_of="2026-12-05T10:06:00Z")]

    kept = list(valid_records(lines, report, parse_update, "id", not_in_the_future(lambda: NOW)))

    assert [number for number, _ in kept] == [1]
    assert [(sample.line_number, sample.reason) for sample in report.samples] == [(2, "as_of: is in the future")]


def test_given_lines_of_one_specialist_then_one_group_keeps_the_newest_report_per_hospital() -> None:
    (group,) = grouped(
        iter(
            updates(
                line(as_of="2026-12-05T09:00:00Z", next_available="2026-12-08T09:00:00Z"),
                line(hospital_id="harley", as_of="2026-12-05T08:00:00Z"),
                line(as_of="2026-12-05T08:00:00Z", next_available="2026-12-06T09:00:00Z"),  # older: loses
                line(hospital_id="harley", as_of="2026-12-05T08:00:00Z", next_available=None),  # tie: later wins
            )
        ),
        window=10,
    )

    assert (group.id, group.first_line) == ("krish-nandy", 1)
    assert {hospital: (number, slot.next_available) for hospital, (number, slot) in group.slots.items()} == {
        "hendon": (1, datetime(2026, 12, 8, 9, 0, tzinfo=UTC)),
        "harley": (4, None),
    }


def test_given_more_ids_than_the_window_then_groups_close_and_an_id_seen_again_starts_another() -> None:
    lines = [line(id=name, hospital_id=f"h-{number}") for number, name in enumerate("abcab")]

    groups = list(grouped(iter(updates(*lines)), window=2))

    assert [(group.id, sorted(group.slots)) for group in groups] == [
        ("a", ["h-0"]),
        ("b", ["h-1"]),
        ("c", ["h-2"]),
        ("a", ["h-3"]),
        ("b", ["h-4"]),
    ]


def test_given_a_group_then_it_sends_a_scripted_update_that_never_creates_the_document() -> None:
    (group,) = grouped(
        iter(updates(line(next_available="2026-12-07T09:30:00+01:00", as_of="2026-12-05T09:00:00.250Z"))), window=10
    )

    request, body = update_request("specialists", group)

    assert request == {"update": {"_index": "specialists", "_id": "krish-nandy", "retry_on_conflict": 3}}
    assert set(body) == {"script", "_source"}  # no upsert, no doc_as_upsert, no scripted_upsert
    assert body["_source"] == {"includes": [HOSPITAL_ID]}
    assert body["script"]["params"] == {
        "slots": {
            "hendon": {
                "at": "2026-12-07T09:30:00+01:00",
                "as_of": "2026-12-05T09:00:00.250000+00:00",
                "ms": 1796461200250,
            }
        }
    }
    # The benchmark's raw baseline sends the very same update through the bulk helper.
    assert expand_action(update_action("specialists", group)) == (request, body)
