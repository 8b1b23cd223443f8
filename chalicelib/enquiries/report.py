"""How the hospital teams answer their enquiries, per hospital and week: the pure figures
(issue 17, item 7). No I/O: ``chalicelib.adapters.dynamodb_enquiry_report`` reads the rows,
``python -m enquiries.report`` prints them, and the same definitions give the CloudWatch
metrics (:mod:`chalicelib.enquiries.metrics`).

Per hospital (the routing snapshot's ``hospital_id``; an enquiry for the central team, or one
search could not route at submission, under :data:`CENTRAL`) and ISO week of ``created_at``
in UK time ("2026-W49"; a week begins on Monday at 00:00 ``Europe/London``):

- ``received``: enquiries taken that week;
- ``acknowledged``: those the team has acknowledged (an outcome acknowledges too);
- ``within_deadline``: acknowledged at or before their ``reply_by``;
- ``missed``: with a deadline that has passed (at ``now``) unacknowledged, or acknowledged
  after it;
- ``open``: not acknowledged, deadline still to come: neither kept nor missed yet;
- ``no_deadline``: without ``reply_by`` (routed only at send time, when search was down at
  submission): no deadline to judge, so counted in neither share;
- ``share_within_deadline``: ``within_deadline / (within_deadline + missed)``; None when no
  enquiry's deadline has been decided;
- ``median_working_hours_to_acknowledge``: the median, over acknowledged enquiries, of the
  *working* hours from ``created_at`` to ``acknowledged_at``
  (:func:`~chalicelib.enquiries.deadlines.working_hours_between`: a weekend does not count
  against a team); ``median_hours_to_acknowledge`` the same in clock hours;
- ``outcomes``: how many of each recorded outcome (``booked``, ``not_suitable``,
  ``could_not_reach_patient``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.enquiries.bank_holidays import ENGLAND_AND_WALES, HolidayCalendar
from chalicelib.enquiries.deadlines import UK_TIME, working_hours_between

# Where an enquiry without a hospital is counted: the central team's, or one not routed.
CENTRAL = "central"
CENTRAL_NAME = "central team / unrouted"
OUTCOMES = ("booked", "not_suitable", "could_not_reach_patient")


@dataclass(frozen=True)
class ReportRow:
    """What the report reads of one enquiry: no personal data. Times RFC 3339 (UTC)."""

    created_at: str
    hospital_id: str | None = None
    hospital_name: str | None = None
    reply_by: str | None = None
    acknowledged_at: str | None = None
    acknowledge_s: int | None = None
    outcome: str | None = None
    escalated_at: str | None = None


@dataclass
class WeekFigures:
    hospital_id: str
    hospital_name: str
    week: str
    received: int = 0
    acknowledged: int = 0
    within_deadline: int = 0
    missed: int = 0
    open: int = 0
    no_deadline: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    _working_hours: list[float] = field(default_factory=list, repr=False)
    _clock_hours: list[float] = field(default_factory=list, repr=False)

    @property
    def share_within_deadline(self) -> float | None:
        decided = self.within_deadline + self.missed
        return self.within_deadline / decided if decided else None

    @property
    def median_working_hours_to_acknowledge(self) -> float | None:
        return statistics.median(self._working_hours) if self._working_hours else None

    @property
    def median_hours_to_acknowledge(self) -> float | None:
        return statistics.median(self._clock_hours) if self._clock_hours else None

    def as_dict(self) -> dict[str, object]:
        share = self.share_within_deadline
        working, clock = self.median_working_hours_to_acknowledge, self.median_hours_to_acknowledge
        return {
            "hospital_id": self.hospital_id,
            "hospital_name": self.hospital_name,
            "week": self.week,
            "received": self.received,
            "acknowledged": self.acknowledged,
            "within_deadline": self.within_deadline,
            "missed": self.missed,
            "open": self.open,
            "no_deadline": self.no_deadline,
            "share_within_deadline": None if share is None else round(share, 4),
            "median_working_hours_to_acknowledge": None if working is None else round(working, 2),
            "median_hours_to_acknowledge": None if clock is None else round(clock, 2),
            "outcomes": dict(sorted(self.outcomes.items())),
        }


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"a stored time without its zone: {value!r}")
    return moment


def iso_week(moment: datetime) -> str:
    """The ISO week of ``moment`` in UK time, e.g. "2026-W49"."""
    year, week, _ = moment.astimezone(UK_TIME).isocalendar()
    return f"{year}-W{week:02d}"


def deadline_kept(row: ReportRow, now: datetime) -> bool | None:
    """True: acknowledged by its deadline; False: missed; None: open, or no deadline."""
    if row.reply_by is None:
        return None
    reply_by = parse_time(row.reply_by)
    if row.acknowledged_at is not None:
        return parse_time(row.acknowledged_at) <= reply_by
    return False if reply_by <= now else None


def figures(
    rows: Iterable[ReportRow], now: datetime, calendar: HolidayCalendar = ENGLAND_AND_WALES
) -> list[WeekFigures]:
    """The figures of each hospital and week with an enquiry, by week then hospital id."""
    found: dict[tuple[str, str], WeekFigures] = {}
    for row in rows:
        created = parse_time(row.created_at)
        hospital = row.hospital_id or CENTRAL
        key = (iso_week(created), hospital)
        week = found.get(key)
        if week is None:
            name = (row.hospital_name or row.hospital_id or "") if row.hospital_id else CENTRAL_NAME
            week = found[key] = WeekFigures(hospital, name, key[0])
        _count(week, row, created, now, calendar)
    return [found[key] for key in sorted(found)]


def _count(week: WeekFigures, row: ReportRow, created: datetime, now: datetime, calendar: HolidayCalendar) -> None:
    week.received += 1
    if row.outcome is not None:
        week.outcomes[row.outcome] = week.outcomes.get(row.outcome, 0) + 1
    if row.acknowledged_at is not None:
        acknowledged = parse_time(row.acknowledged_at)
        week.acknowledged += 1
        week._working_hours.append(working_hours_between(created, acknowledged, calendar))
        seconds = row.acknowledge_s if row.acknowledge_s is not None else (acknowledged - created).total_seconds()
        week._clock_hours.append(seconds / 3600)
    if row.reply_by is None:
        week.no_deadline += 1
        return
    kept = deadline_kept(row, now)
    if kept is None:
        week.open += 1
    elif kept:
        week.within_deadline += 1
    else:
        week.missed += 1


def as_table(weeks: Iterable[WeekFigures]) -> str:
    """A plain-text table, one line per hospital and week."""
    header = (
        "week",
        "hospital",
        "received",
        "ack'd",
        "in time",
        "missed",
        "open",
        "no deadline",
        "% in time",
        "median wh",
        "median h",
        "booked",
        "not suitable",
        "no contact",
    )
    lines: list[tuple[str, ...]] = [header]
    for week in weeks:
        share = week.share_within_deadline
        working, clock = week.median_working_hours_to_acknowledge, week.median_hours_to_acknowledge
        lines.append(
            (
                week.week,
                f"{week.hospital_name} ({week.hospital_id})" if week.hospital_id != CENTRAL else week.hospital_name,
                str(week.received),
                str(week.acknowledged),
                str(week.within_deadline),
                str(week.missed),
                str(week.open),
                str(week.no_deadline),
                "-" if share is None else f"{share:.0%}",
                "-" if working is None else f"{working:.1f}",
                "-" if clock is None else f"{clock:.1f}",
                *(str(week.outcomes.get(outcome, 0)) for outcome in OUTCOMES),
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in lines]
    legend = (
        "wh: working hours (Monday to Friday, not bank holidays, UK time) from the enquiry to the "
        "acknowledgement; h: clock hours. % in time: of the enquiries whose deadline is decided "
        "(in time + missed); open ones count in neither."
    )
    return "\n".join([*text, "", legend])
