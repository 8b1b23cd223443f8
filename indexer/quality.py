"""The catalog's data-quality report: what the feed leaves empty, stale or wrong.

Computed from the stream of records as they are read, in the same pass as the load (the
reindexer wraps its routing check with :meth:`Tally.watching`) or alone, without touching
the index (``python -m indexer.quality``: :mod:`indexer.quality_cli`). Memory stays flat
however long the feed: counters, the first :data:`MAX_IDS` offending ids of each problem,
one bit per possible GMC number (two bitmaps of 1.25 MB) and the ids of the hospitals
seen (a few hundred; the routing check holds as many).

Duplicate GMC numbers are found exactly, but each is reported with the ids of the later
lines that repeat it, not the first holder's: naming that one would mean keeping every
specialist's id (about 100 bytes each, a hundred megabytes at a million lines).
``zgrep`` the feed for the number to find them all. A line repeating an earlier line's id
is found only when OpenSearch refuses it, after the tally has counted it: the report's
shares include it (the run's invalid lines report it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING

from indexer.routing import domain_allowed

if TYPE_CHECKING:
    from chalicelib.catalog import Hospital, Specialist
    from indexer.records import Check

MAX_IDS = 10  # the offending ids each problem names; the rest are counted
STALE_FEES = timedelta(days=365)
STALE_AVAILABILITY = timedelta(hours=24)
# Usable coordinates: inside a box around the United Kingdom, Channel Islands and Scilly
# to Shetland (latitude, longitude). 0,0 (a missing value written as zero) is far outside.
UK_LAT = (49.0, 61.0)
UK_LON = (-8.7, 2.0)
_GMC_NUMBERS = 10_000_000  # seven digits


# Every optional field of the catalog, by where it is: the report gives the share of
# specialists that fill each (of specialist-hospital pairs, for a hospital's fields).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "": (
        "honorific",
        "qualifications",
        "gender",
        "treatments",
        "conditions",
        "languages",
        "insurers",
        "booking_url",
        "profile_url",
        "photo_url",
        "bio",
        "updated_at",
        "gmc_number",
        "registration",
        "fees",
        "consultation_types",
    ),
    "registration.": ("specialist_register",),
    "fees.": ("initial_consultation", "follow_up", "insurer_arrangements"),
    "hospitals.": ("escalation_email", "reply_working_hours", "next_available"),
}
FIELDS = tuple(where + name for where, names in OPTIONAL.items() for name in names)


def _values(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """All of ``names`` of an object in one call (the tally runs for every line of the feed)."""
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda thing: (get(thing),)


_GETTERS = {where: _values(names) for where, names in OPTIONAL.items()}


def _count_filled(counts: list[int], values: tuple[object, ...]) -> None:
    for index, value in enumerate(values):
        if value is not None and value != []:
            counts[index] += 1


@dataclass
class Problem:
    """How many records (or pairs, or hospitals) have it, out of how many, and the first few."""

    of: int = 0
    count: int = 0
    ids: list[str] = field(default_factory=list)

    def add(self, offender: str) -> None:
        self.count += 1
        if len(self.ids) < MAX_IDS:
            self.ids.append(offender)

    def as_dict(self) -> dict[str, object]:
        return {"count": self.count, "of": self.of, "ids": list(self.ids)}


@dataclass
class Quality:
    """The report of one feed; :func:`indexer.quality_report.markdown` and ``html`` render it."""

    as_of: datetime
    lines: int
    invalid: int
    specialists: int  # valid records: the shares' denominator
    slots: int  # specialist-hospital pairs: the hospitals' fields' denominator
    shares: dict[str, float]
    problems: dict[str, Problem]
    enquiry_domains: tuple[str, ...] | None  # what addresses were checked against; None: any domain

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "lines": self.lines,
            "invalid": self.invalid,
            "specialists": self.specialists,
            "hospital_slots": self.slots,
            "shares": {name: round(share, 4) for name, share in self.shares.items()},
            "problems": {name: problem.as_dict() for name, problem in self.problems.items()},
            "enquiry_domains": None if self.enquiry_domains is None else list(self.enquiry_domains),
        }

    def shortfalls(self, minimums: Iterable[tuple[str, float]]) -> list[str]:
        """Each share below its minimum, in words: ``gmc_number 42.0% < 90.0%``."""
        return [
            f"{name} {self.shares[name]:.1%} < {minimum:.1%}"
            for name, minimum in minimums
            if self.shares[name] < minimum
        ]


# The problems, in the report's order, with what each counts.
PROBLEMS: dict[str, str] = {
    "not_registered": "specialists whose GMC registration is not 'registered': left out of the index",
    "missing_gmc_number": "specialists without a GMC number",
    "duplicate_gmc_number": "GMC numbers given to more than one line (named: the later lines' ids)",
    "stale_fees": f"specialists whose fees were last confirmed more than {STALE_FEES.days} days ago",
    "stale_availability": "hospital slots whose next_available was reported more than "
    f"{STALE_AVAILABILITY.total_seconds() / 3600:.0f} hours ago (shown as unknown)",
    "not_bookable": "specialists patients cannot book online (bookable_online false, or true without booking_url)",
    "hospitals_without_usable_coordinates": "hospitals at 0,0 or outside the United Kingdom",
    "hospitals_without_usable_enquiry_address": "hospitals whose enquiries address is at a domain not allowed "
    "(their lines are invalid)",
    "not_routable": "specialists none of whose hospitals has an enquiries address at an allowed domain "
    "(their lines are invalid)",
}


class Tally:
    """Counts one feed's records as they pass; :meth:`result` once the feed is read.

    Used from the one thread that reads the feed, like the routing check it watches.
    """

    def __init__(self, now: datetime, enquiry_domains: tuple[str, ...] | None) -> None:
        self._now = now
        self._domains = enquiry_domains
        self._specialists = 0
        self._slots = 0
        self._filled = {where: [0] * len(names) for where, names in OPTIONAL.items()}
        self._problems = {name: Problem() for name in PROBLEMS}
        self._hospitals: set[str] = set()
        self._badly_placed: set[str] = set()
        self._unaddressed: set[str] = set()
        self._gmc_seen = bytearray(_GMC_NUMBERS // 8)
        self._gmc_repeated = bytearray(_GMC_NUMBERS // 8)

    def watching(self, check: Check[Specialist] | None) -> Check[Specialist]:
        """``check`` (the run's routing check, or none) with this tally counting each record
        the model accepted: as valid when the check passes it, as unroutable otherwise."""

        def watched(number: int, specialist: Specialist) -> str | None:
            problem = None if check is None else check(number, specialist)
            if problem is None:
                self.add(specialist)
            else:
                self._add_rejected(specialist)
            return problem

        return watched

    def add(self, specialist: Specialist) -> None:
        """One valid record."""
        self._specialists += 1
        problems = self._problems
        _count_filled(self._filled[""], _GETTERS[""](specialist))
        if specialist.registration is not None:
            _count_filled(self._filled["registration."], _GETTERS["registration."](specialist.registration))
        if specialist.fees is not None:
            _count_filled(self._filled["fees."], _GETTERS["fees."](specialist.fees))
        if not specialist.is_registered:
            problems["not_registered"].add(specialist.id)
        self._gmc(specialist)
        if specialist.fees is not None and self._now - specialist.fees.updated_at > STALE_FEES:
            problems["stale_fees"].add(specialist.id)
        if not specialist.bookable_online or specialist.booking_url is None:
            problems["not_bookable"].add(specialist.id)
        for hospital in specialist.hospitals:
            self._hospital(specialist, hospital)

    def _gmc(self, specialist: Specialist) -> None:
        if specialist.gmc_number is None:
            self._problems["missing_gmc_number"].add(specialist.id)
            return
        number = int(specialist.gmc_number)
        byte, bit = number >> 3, 1 << (number & 7)
        if not self._gmc_seen[byte] & bit:
            self._gmc_seen[byte] |= bit
            return
        duplicates = self._problems["duplicate_gmc_number"]
        if not self._gmc_repeated[byte] & bit:
            self._gmc_repeated[byte] |= bit
            duplicates.count += 1  # numbers, not lines
        if len(duplicates.ids) < MAX_IDS:
            duplicates.ids.append(f"{specialist.gmc_number}: {specialist.id}")

    def _hospital(self, specialist: Specialist, hospital: Hospital) -> None:
        self._slots += 1
        self._hospitals.add(hospital.id)
        _count_filled(self._filled["hospitals."], _GETTERS["hospitals."](hospital))
        slot = hospital.next_available
        if slot is not None and self._now - slot.as_of > STALE_AVAILABILITY:
            self._problems["stale_availability"].add(f"{specialist.id} at {hospital.id}")
        placed = UK_LAT[0] <= hospital.lat <= UK_LAT[1] and UK_LON[0] <= hospital.lon <= UK_LON[1]
        if not placed and hospital.id not in self._badly_placed:
            self._badly_placed.add(hospital.id)
            self._problems["hospitals_without_usable_coordinates"].add(hospital.id)

    def _add_rejected(self, specialist: Specialist) -> None:
        """A line the routing check rejected: which of its hospitals' addresses cannot be used."""
        domains = self._domains
        if domains is None:
            return  # any domain is allowed: rejected for a conflicting address, not its domain
        usable = 0
        for hospital in specialist.hospitals:
            if domain_allowed(hospital.enquiries_email, domains):
                usable += 1
            elif hospital.id not in self._unaddressed:
                self._unaddressed.add(hospital.id)
                self._problems["hospitals_without_usable_enquiry_address"].add(hospital.id)
        if not usable:
            self._problems["not_routable"].add(specialist.id)

    def result(self, lines: int, invalid: int) -> Quality:
        """The report, given the feed's line counts (from the run's read report)."""
        specialists, slots, hospitals = self._specialists, self._slots, len(self._hospitals | self._unaddressed)
        filled = dict(zip(FIELDS, (count for counts in self._filled.values() for count in counts), strict=True))
        of: dict[str, int] = {
            "stale_fees": filled["fees"],
            "stale_availability": filled["hospitals.next_available"],
            "hospitals_without_usable_coordinates": hospitals,
            "hospitals_without_usable_enquiry_address": hospitals,
            "not_routable": lines,
            "duplicate_gmc_number": filled["gmc_number"],
        }
        for name, problem in self._problems.items():
            problem.of = of.get(name, specialists)
        shares = {
            name: count / (slots if name.startswith("hospitals.") else specialists) if specialists else 0.0
            for name, count in filled.items()
        }
        return Quality(
            as_of=self._now,
            lines=lines,
            invalid=invalid,
            specialists=specialists,
            slots=slots,
            shares=shares,
            problems=self._problems,
            enquiry_domains=self._domains,
        )


class BadMinimum(ValueError):
    """A ``FIELD=RATIO`` that names no reported field or no fraction from 0 to 1."""


def parse_minimums(specs: Iterable[str]) -> tuple[tuple[str, float], ...]:
    """``["gmc_number=0.9", "fees=0.5"]`` to ``(("gmc_number", 0.9), ("fees", 0.5))``."""
    minimums: dict[str, float] = {}
    for spec in specs:
        name, equals, raw = spec.strip().partition("=")
        name = name.strip()
        if not equals or name not in FIELDS:
            raise BadMinimum(f"{spec[:60]!r} is not FIELD=RATIO with FIELD one of: {', '.join(FIELDS)}")
        try:
            ratio = float(raw)
        except ValueError:
            ratio = -1.0
        if not 0.0 <= ratio <= 1.0:
            raise BadMinimum(f"{spec[:60]!r}: the ratio must be a fraction from 0 to 1")
        minimums[name] = ratio
    return tuple(minimums.items())


if __name__ == "__main__":
    import sys

    from indexer.quality_cli import main

    sys.exit(main())
