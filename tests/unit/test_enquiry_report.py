"""The report's figures from a scripted fortnight: two hospitals and the central team, replies
in time, one late, one never, one still open, the outcomes, a weekend between an enquiry and
its acknowledgement, and an enquiry on the week boundary in UK time (BST: an hour off UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.enquiries.deadlines import deadline
from chalicelib.enquiries.record import stored_time
from chalicelib.enquiries.report import CENTRAL, CENTRAL_NAME, ReportRow, WeekFigures, as_table, figures, iso_week

# Wednesday of the second week: its figures are asked for while one enquiry is still open.
NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
HENDON = ("hendon", "Hendon Hospital")
LEEDS = ("leeds", "Leeds Clinic")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


def row(
    hospital: tuple[str, str] | None,
    created: datetime,
    acknowledged: datetime | None = None,
    outcome: str | None = None,
    *,
    with_deadline: bool = True,
) -> ReportRow:
    return ReportRow(
        created_at=stored_time(created),
        hospital_id=hospital[0] if hospital else None,
        hospital_name=hospital[1] if hospital else None,
        reply_by=stored_time(deadline(created, 36)) if with_deadline else None,
        acknowledged_at=None if acknowledged is None else stored_time(acknowledged),
        acknowledge_s=None if acknowledged is None else int((acknowledged - created).total_seconds()),
        outcome=outcome,
    )


SCRIPT = [
    # Hendon, week 24 (Monday 8 June): in time; in time over a weekend; late; never.
    row(HENDON, at(8, 9), at(8, 15), "booked"),  # 6 working hours
    row(HENDON, at(12, 16), at(15, 9), "not_suitable"),  # Friday 17:00 BST to Monday 10:00 BST: 17 wh, 65 h
    row(HENDON, at(9, 10), at(11, 10), "could_not_reach_patient"),  # deadline Wednesday 22:00: 48 wh, late
    row(HENDON, at(10, 8)),  # never acknowledged; its deadline (Thursday 20:00) has passed: missed
    # Leeds: a Saturday enquiry (its hours start on Monday), in week 24 ...
    row(LEEDS, at(13, 10), at(15, 7)),  # Monday 00:00 BST (Sunday 23:00 UTC) to 08:00 BST: 8 wh
    # ... one on Sunday at 23:30 UTC, which is Monday 00:30 in the UK: week 25, not 24 ...
    row(LEEDS, at(14, 23, 30), at(15, 8, 30), "booked"),  # 9 wh
    # ... and one whose deadline (Wednesday 22:00) is still to come: open.
    row(LEEDS, at(16, 10)),
    # The central team: routed to it with a deadline, and one search could not route (none).
    row(None, at(11, 9), at(11, 9, 30)),
    row(None, at(11, 12), at(11, 13), with_deadline=False),
]


def by_key(weeks: list[WeekFigures]) -> dict[tuple[str, str], WeekFigures]:
    return {(week.week, week.hospital_id): week for week in weeks}


def test_given_a_scripted_fortnight_then_each_hospital_and_weeks_figures_are_counted() -> None:
    weeks = figures(SCRIPT, NOW)

    assert [(w.week, w.hospital_id) for w in weeks] == [
        ("2026-W24", CENTRAL),
        ("2026-W24", "hendon"),
        ("2026-W24", "leeds"),
        ("2026-W25", "leeds"),
    ]
    found = by_key(weeks)
    assert found["2026-W24", "hendon"].as_dict() == {
        "hospital_id": "hendon",
        "hospital_name": "Hendon Hospital",
        "week": "2026-W24",
        "received": 4,
        "acknowledged": 3,
        "within_deadline": 2,
        "missed": 2,  # the late one and the one never acknowledged
        "open": 0,
        "no_deadline": 0,
        "share_within_deadline": 0.5,
        "median_working_hours_to_acknowledge": 17.0,  # of 6, 17 and 48: the weekend does not count
        "median_hours_to_acknowledge": 48.0,  # of 6, 65 and 48 clock hours
        "outcomes": {"booked": 1, "could_not_reach_patient": 1, "not_suitable": 1},
    }
    leeds_24, leeds_25 = found["2026-W24", "leeds"], found["2026-W25", "leeds"]
    assert (leeds_24.received, leeds_24.within_deadline, leeds_24.median_working_hours_to_acknowledge) == (1, 1, 8.0)
    assert leeds_24.median_hours_to_acknowledge == 45.0
    assert leeds_25.as_dict() | {"hospital_name": ""} == {
        "hospital_id": "leeds",
        "hospital_name": "",
        "week": "2026-W25",
        "received": 2,
        "acknowledged": 1,
        "within_deadline": 1,
        "missed": 0,
        "open": 1,  # neither kept nor missed yet
        "no_deadline": 0,
        "share_within_deadline": 1.0,
        "median_working_hours_to_acknowledge": 9.0,
        "median_hours_to_acknowledge": 9.0,
        "outcomes": {"booked": 1},
    }
    central = found["2026-W24", CENTRAL]
    assert central.hospital_name == CENTRAL_NAME
    assert (central.received, central.acknowledged, central.within_deadline, central.no_deadline) == (2, 2, 1, 1)
    assert central.share_within_deadline == 1.0
    assert central.median_working_hours_to_acknowledge == 0.75


def test_given_the_friday_enquiry_then_its_deadline_skips_the_weekend() -> None:
    assert SCRIPT[1].reply_by == "2026-06-16T04:00:00.000+00:00"  # Tuesday 05:00 BST


def test_given_an_open_enquiry_once_its_deadline_passes_then_it_is_missed() -> None:
    later = figures(SCRIPT, NOW + timedelta(days=1))

    leeds_25 = by_key(later)["2026-W25", "leeds"]
    assert (leeds_25.open, leeds_25.missed, leeds_25.share_within_deadline) == (0, 1, 0.5)


def test_given_no_decided_deadline_then_the_share_is_none_not_zero() -> None:
    [week] = figures([SCRIPT[6]], NOW)

    assert (week.share_within_deadline, week.median_working_hours_to_acknowledge) == (None, None)


def test_the_week_is_iso_in_uk_time() -> None:
    assert iso_week(at(14, 22, 59)) == "2026-W24"  # Sunday 23:59 BST
    assert iso_week(at(14, 23, 0)) == "2026-W25"  # Monday 00:00 BST
    assert iso_week(datetime(2026, 12, 27, 23, 30, tzinfo=UTC)) == "2026-W52"  # GMT: UTC is UK time
    assert iso_week(datetime(2027, 1, 1, 12, tzinfo=UTC)) == "2026-W53"


def test_the_table_has_a_line_per_hospital_and_week_and_says_what_its_hours_are() -> None:
    table = as_table(figures(SCRIPT, NOW))

    lines = table.splitlines()
    assert lines[0].split()[:3] == ["week", "hospital", "received"]
    hendon = next(line for line in lines if "Hendon Hospital (hendon)" in line)
    assert hendon.split()[:2] == ["2026-W24", "Hendon"]
    assert "50%" in hendon
    assert "17.0" in hendon
    assert any(line.startswith("2026-W24") and CENTRAL_NAME in line for line in lines)
    assert "working hours" in table
