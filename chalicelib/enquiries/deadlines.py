"""Reply deadlines in working hours: the pure arithmetic (issue 17, item 2).

A hospital team should answer an enquiry within a number of *working hours* of its receipt
(36 by default, as Doctify's "36 hours excluding weekends"), and is reminded half-way through.
"Working hours" are the hours of the clock on working days: Monday to Friday that are not bank
holidays (:mod:`chalicelib.enquiries.bank_holidays`), all 24 hours of them. Weekends and bank
holidays do not count at all. So an enquiry received on Friday at 16:00 has until Tuesday 04:00
(8 hours of Friday, 24 of Monday, 4 of Tuesday), or Wednesday 04:00 if Monday is a bank
holiday; one received on a Saturday starts counting on Monday at 00:00.

Days begin and end at midnight UK time (``Europe/London``), since that is where the teams work,
and an hour is a real elapsed hour: a deadline is computed on UTC instants, never by adding
hours to a wall clock, so the BST/GMT changes (01:00 UTC on the last Sundays of March and
October) neither add nor lose an hour. Datetimes in must be aware (a naive one is refused: its
zone would be a guess); datetimes out are aware, in UTC.

No I/O here: the sweep (later) stores and compares what these functions return.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.enquiries.bank_holidays import ENGLAND_AND_WALES, HolidayCalendar

UK_TIME = ZoneInfo("Europe/London")
DEFAULT_REPLY_WORKING_HOURS = 36.0
_ONE_DAY = timedelta(days=1)


def deadline(
    received_at: datetime,
    working_hours: float = DEFAULT_REPLY_WORKING_HOURS,
    holidays: HolidayCalendar = ENGLAND_AND_WALES,
) -> datetime:
    """The first instant by which ``working_hours`` working hours have elapsed since ``received_at``.

    It may be the very end of a working day (midnight starting a weekend), never later into it;
    with ``working_hours`` 0 it is ``received_at`` itself. Raises ValueError for a naive datetime
    or a negative or non-finite number of hours.
    """
    start = _utc(received_at, "received_at")
    if not (math.isfinite(working_hours) and working_hours >= 0):
        raise ValueError(f"working_hours must be a finite number >= 0, not {working_hours!r}")
    remaining = timedelta(hours=working_hours)
    if not remaining:
        return start
    day = start.astimezone(UK_TIME).date()
    while True:
        if holidays.is_working_day(day):
            begin, end = max(start, _midnight(day)), _midnight(day + _ONE_DAY)
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        day += _ONE_DAY


def reminder_at(
    received_at: datetime,
    working_hours: float = DEFAULT_REPLY_WORKING_HOURS,
    holidays: HolidayCalendar = ENGLAND_AND_WALES,
) -> datetime:
    """When to remind the team: half of the working hours to the :func:`deadline` have elapsed."""
    return deadline(received_at, working_hours / 2, holidays)


def working_hours_between(start: datetime, end: datetime, holidays: HolidayCalendar = ENGLAND_AND_WALES) -> float:
    """The working hours elapsed from ``start`` to ``end`` (e.g. an enquiry's time to acknowledge).

    The inverse of :func:`deadline`: ``working_hours_between(t, deadline(t, h)) == h`` (to the
    microsecond). Negative if ``end`` is before ``start``, so that a clock skew shows rather than
    raises. Raises ValueError for a naive datetime.
    """
    start_utc, end_utc = _utc(start, "start"), _utc(end, "end")
    if end_utc < start_utc:
        return -working_hours_between(end_utc, start_utc, holidays)
    elapsed = timedelta()
    day, last = start_utc.astimezone(UK_TIME).date(), end_utc.astimezone(UK_TIME).date()
    while day <= last:
        if holidays.is_working_day(day):
            begin, finish = max(start_utc, _midnight(day)), min(end_utc, _midnight(day + _ONE_DAY))
            if finish > begin:
                elapsed += finish - begin
        day += _ONE_DAY
    return elapsed / timedelta(hours=1)


def _midnight(day: date) -> datetime:
    """The instant (UTC) at which ``day`` begins in UK time (midnight is never skipped or repeated there)."""
    return datetime.combine(day, time(0), tzinfo=UK_TIME).astimezone(UTC)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"{name} must be an aware datetime (with a time zone), not {moment.isoformat()}")
    return moment.astimezone(UTC)
