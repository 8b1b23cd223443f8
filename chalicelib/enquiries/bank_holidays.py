"""Bank holidays in England and Wales, computed by rule, with no network and no dependency.

Reply deadlines (:mod:`chalicelib.enquiries.deadlines`) do not count bank holidays, and a
Lambda must not fetch ``https://www.gov.uk/bank-holidays.json`` on a request (it may be down,
slow, or unreachable from the VPC), nor can a published list cover every year we may be asked
about. So the holidays are computed from the rules the Banking and Financial Dealings Act 1971
and the annual royal proclamations follow, for any year:

* New Year's Day, 1 January (a weekend one moves to the Monday after);
* Good Friday and Easter Monday (Easter by the Gregorian computus);
* the early May bank holiday, the first Monday of May;
* the spring bank holiday, the last Monday of May;
* the summer bank holiday, the last Monday of August;
* Christmas Day and Boxing Day (a weekend one moves to the next weekday that is not already
  a holiday: Christmas on a Saturday gives Monday 27 and Tuesday 28 December).

On top of the rules, :data:`_CANCELLED` and :data:`_EXTRA` hold the one-off changes the
government made by proclamation (a moved or an extra day) for 2020 to 2030. Years before 2020
follow the rules only (1995, 1999, 2002, 2011 and 2012 had one-offs we do not list).

A :class:`HolidayCalendar` wraps such a rule so that a per-hospital override
(:meth:`HolidayCalendar.with_changes`) or the Scotland and Northern Ireland calendars can be
added later without touching the deadline arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

SATURDAY = 5

# One-off changes to the England and Wales rules, 2020 to 2030 (gov.uk/bank-holidays).
# THIS TABLE MUST BE UPDATED WHEN THE GOVERNMENT ANNOUNCES A CHANGE (a jubilee, a coronation,
# a state funeral, a moved May holiday): the rules cannot know about them. None are known
# for 2024 to 2030 when this table was written (check gov.uk/bank-holidays.json when reviewing it).
#
# Days the rules give that were not bank holidays that year (each was moved, see _EXTRA).
_CANCELLED: Mapping[date, str] = MappingProxyType(
    {
        date(2020, 5, 4): "early May bank holiday, moved to Friday 8 May for the 75th anniversary of VE Day",
        date(2022, 5, 30): "spring bank holiday, moved to Thursday 2 June for the Platinum Jubilee",
    }
)
# Days the rules do not give that were bank holidays.
_EXTRA: Mapping[date, str] = MappingProxyType(
    {
        date(2020, 5, 8): "Early May bank holiday (VE day)",
        date(2022, 6, 2): "Spring bank holiday",
        date(2022, 6, 3): "Platinum Jubilee bank holiday",
        date(2022, 9, 19): "Bank Holiday for the State Funeral of Queen Elizabeth II",
        date(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
    }
)


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _substitute(day: date, taken: set[date]) -> date:
    """``day`` itself if a weekday, else the next weekday not already in ``taken``."""
    if day.weekday() < SATURDAY:
        return day
    while day.weekday() >= SATURDAY or day in taken:
        day += timedelta(days=1)
    return day


def england_and_wales_by_rule(year: int) -> dict[date, str]:
    """The bank holidays the standing rules give for ``year``, without the one-off changes."""
    easter = easter_sunday(year)
    days: dict[date, str] = {
        _substitute(date(year, 1, 1), set()): "New Year's Day",
        easter - timedelta(days=2): "Good Friday",
        easter + timedelta(days=1): "Easter Monday",
        _first_monday(year, 5): "Early May bank holiday",
        _last_monday(year, 5): "Spring bank holiday",
        _last_monday(year, 8): "Summer bank holiday",
    }
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    # Weekday ones keep their day; weekend ones then take the next free weekday, in order.
    taken = {day for day in (christmas, boxing) if day.weekday() < SATURDAY}
    for day, name in ((christmas, "Christmas Day"), (boxing, "Boxing Day")):
        actual = _substitute(day, taken)
        taken.add(actual)
        days[actual] = name if actual == day else f"{name} (substitute day)"
    return days


@lru_cache(maxsize=64)
def england_and_wales(year: int) -> Mapping[date, str]:
    """The bank holidays in England and Wales for ``year``: the rules plus the one-off changes."""
    days = {day: name for day, name in england_and_wales_by_rule(year).items() if day not in _CANCELLED}
    days.update({day: name for day, name in _EXTRA.items() if day.year == year})
    return MappingProxyType(dict(sorted(days.items())))


@dataclass(frozen=True, eq=False)
class HolidayCalendar:
    """Which days are not working days: Saturdays, Sundays, and the holidays ``rule`` gives.

    ``rule`` maps a year to its holidays (by date, with a name for people). ``added`` and
    ``removed`` adjust it, e.g. a hospital that closes on Christmas Eve.
    """

    name: str
    rule: Callable[[int], Mapping[date, str]]
    added: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}))
    removed: frozenset[date] = frozenset()
    # False for a calendar whose every day counts (the local stack's compressed clock).
    weekends_off: bool = True

    def holidays(self, year: int) -> dict[date, str]:
        """The holidays of ``year`` (weekdays or not), in date order."""
        days = {day: name for day, name in self.rule(year).items() if day not in self.removed}
        days.update({day: name for day, name in self.added.items() if day.year == year})
        return dict(sorted(days.items()))

    def is_holiday(self, day: date) -> bool:
        if day in self.added:
            return True
        return day not in self.removed and day in self.rule(day.year)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, and not a holiday."""
        return (day.weekday() < SATURDAY or not self.weekends_off) and not self.is_holiday(day)

    def with_changes(
        self, name: str, added: Mapping[date, str] | None = None, removed: frozenset[date] = frozenset()
    ) -> HolidayCalendar:
        """This calendar with more holidays (``added``) and fewer (``removed``), named ``name``."""
        more = {day: label for day, label in self.added.items() if day not in removed}
        more.update(added or {})
        removed_now = (self.removed | removed) - frozenset(more)
        return HolidayCalendar(name, self.rule, MappingProxyType(more), removed_now, self.weekends_off)

    def __repr__(self) -> str:
        return f"HolidayCalendar({self.name!r})"


ENGLAND_AND_WALES = HolidayCalendar("England and Wales", england_and_wales)
EVERY_DAY = HolidayCalendar("every day", lambda year: {}, weekends_off=False)
"""Every day a working day: for the local stack's tests, which compress the clock (a reply
deadline of seconds) and must not wait for Monday when run at a weekend."""
