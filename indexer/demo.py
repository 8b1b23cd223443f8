"""``python -m indexer.demo --count N --seed S [--now T] [--out PATH]``: a realistic UK demo catalog.

JSON Lines on stdout, or in PATH (gzip when it ends ``.gz``). The six specialists of the
seed page come first, as the page shows them; ``--count`` includes them. Fees, registration
checks and next free slots are dated from ``--now`` (RFC 3339; default: the current hour,
so the slots are fresh when the demo is served). The same arguments and ``--now`` give the
same bytes (gzip included), and memory does not grow with N, so the same generator feeds
tests, the local stack and million-line benchmarks.

Names come from Faker's en_GB lists, drawn with our own seeded generator: a Faker call
per name costs about 25 µs and would dominate a large run.
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Protocol

from faker.providers.person.en_GB import Provider as EnGbNames

from chalicelib.catalog import (
    CONSULTATION_TYPES,
    ConsultationType,
    Fees,
    Gender,
    Honorific,
    Hospital,
    InsurerArrangement,
    NextAvailable,
    Registration,
    RegistrationStatus,
    Specialist,
)
from indexer import demo_data as data

_FIRST_NAMES: dict[Gender, tuple[str, ...]] = {
    "female": tuple(EnGbNames.first_names_female),
    "male": tuple(EnGbNames.first_names_male),
}
_LAST_NAMES = tuple(EnGbNames.last_names)
_SPECIALTY_CUM_WEIGHTS = tuple(accumulate(specialty.weight for specialty in data.SPECIALTIES))
_GENDERS: tuple[Gender | None, ...] = ("male", "female", None)
_SEXES: tuple[Gender, ...] = ("female", "male")
_NEWEST_UPDATE = datetime(2025, 6, 1, tzinfo=UTC)
_UPDATE_SPAN_S = 2 * 365 * 24 * 3600


def _nearest(hospital: Hospital, count: int = 4) -> tuple[Hospital, ...]:
    """The closest other hospitals: where a consultant's second practice realistically is."""

    def distance(other: Hospital) -> float:
        return math.hypot(other.lat - hospital.lat, (other.lon - hospital.lon) * math.cos(math.radians(hospital.lat)))

    return tuple(sorted((other for other in data.HOSPITALS if other is not hospital), key=distance)[:count])


_NEAREST = {hospital.id: _nearest(hospital) for hospital in data.HOSPITALS}


def generate(count: int, seed: int, now: datetime | None = None) -> Iterator[Specialist]:
    """``count`` specialists, the seed page's six first, made one at a time as they are read;
    their fees, registration checks and slots dated from ``now`` (default: the current hour)."""
    if count < len(data.SEED_SPECIALISTS):
        raise ValueError(f"count must be at least {len(data.SEED_SPECIALISTS)}, the seed page's specialists")
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must have a UTC offset")
    return _stream(count, seed, current_hour() if now is None else now.astimezone(UTC))


def current_hour() -> datetime:
    """The default ``now``: the current time rounded down to the hour, so runs within it agree."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def _stream(count: int, seed: int, now: datetime) -> Iterator[Specialist]:
    yield from (_seed_page(specialist, data.SEED_PRACTICE[specialist.id], now) for specialist in data.SEED_SPECIALISTS)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    # What patients choose on (issue 16) draws from a generator of its own: ``rng`` draws
    # exactly what it drew before, so every earlier field, and relevance, stays the same.
    practice = random.Random(f"{seed}:issue16")  # noqa: S311
    for number in range(len(data.SEED_SPECIALISTS) + 1, count + 1):
        yield _specialist(rng, practice, number, now)


def _specialist(rng: random.Random, practice: random.Random, number: int, now: datetime) -> Specialist:
    specialist_id = f"sp-{number:06d}"
    specialty = rng.choices(data.SPECIALTIES, cum_weights=_SPECIALTY_CUM_WEIGHTS)[0]
    gender = rng.choices(_GENDERS, weights=(56, 42, 2))[0]
    first_name, last_name = _name(rng, gender)
    honorific = _honorific(rng, specialty, gender)
    title = rng.choice(specialty.titles)
    hospitals = _hospitals(rng)
    specialties = [specialty.name, specialty.related] if specialty.related and rng.random() < 0.2 else [specialty.name]
    treatments, conditions = _some(rng, specialty.treatments, 2), _some(rng, specialty.conditions, 1)
    bookable = rng.random() < 0.4
    profile_url = f"{data.WEB}/consultants/{specialist_id}"
    display_name = " ".join(part for part in (honorific, first_name, last_name) if part)
    # Drawn here, in the order the arguments below used to draw them.
    qualifications = _qualifications(rng, specialty)
    languages = ["English", *rng.sample(data.LANGUAGES, rng.choices((0, 1, 2), weights=(70, 25, 5))[0])]
    insurers = _some(rng, data.INSURERS, 3)
    gmc_number = _gmc_number(practice, number)
    return Specialist(
        id=specialist_id,
        honorific=honorific,
        first_name=first_name,
        last_name=last_name,
        title=title,
        qualifications=qualifications,
        gender=gender,
        specialties=specialties,
        treatments=treatments,
        conditions=conditions,
        hospitals=[_with_slot(practice, hospital, now) for hospital in hospitals],
        languages=languages,
        insurers=insurers,
        sees_children=rng.random() < specialty.children,
        bookable_online=bookable,
        booking_url=f"{profile_url}/book" if bookable else None,
        profile_url=profile_url,
        photo_url=f"{data.PHOTOS}/consultants/{specialist_id}.jpg" if rng.random() < 0.8 else None,
        bio=_bio(rng, display_name, title, hospitals[0], treatments + conditions) if rng.random() < 0.9 else None,
        updated_at=_NEWEST_UPDATE - timedelta(seconds=rng.randrange(_UPDATE_SPAN_S)),
        gmc_number=gmc_number,
        registration=_registration(practice, gmc_number, specialty, specialties, now),
        fees=_fees(practice, specialty, insurers, now),
        consultation_types=_consultation_types(practice),
    )


def _name(rng: random.Random, gender: Gender | None) -> tuple[str, str]:
    """Mostly Faker's names, with the middle names, hyphens, apostrophes and accents real catalogs have."""
    sex = gender if gender is not None else rng.choice(_SEXES)
    first = rng.choice(data.ACCENTED_FIRST_NAMES[sex] if rng.random() < 0.03 else _FIRST_NAMES[sex])
    if rng.random() < 0.1:
        first = f"{first} {rng.choice(_FIRST_NAMES[sex])}"
    roll = rng.random()
    if roll < 0.04:
        return first, f"{rng.choice(_LAST_NAMES)}-{rng.choice(_LAST_NAMES)}"
    if roll < 0.06:
        return first, rng.choice(data.APOSTROPHE_LAST_NAMES)
    if roll < 0.08:
        return first, rng.choice(data.ACCENTED_LAST_NAMES)
    return first, rng.choice(_LAST_NAMES)


def _honorific(rng: random.Random, specialty: data.Specialty, gender: Gender | None) -> Honorific | None:
    """UK custom: physicians are "Dr", surgeons "Mr"/"Ms"/"Miss"/"Mrs"; a few "Prof", a few none."""
    roll = rng.random()
    if roll < 0.02:
        return None
    if roll < 0.06 and specialty.training != "therapy":
        return "Prof"
    if gender is None:
        return None if specialty.surgical else "Dr"
    if not specialty.surgical and (specialty.training == "medical" or rng.random() < 0.55):
        return "Dr"
    return "Mr" if gender == "male" else rng.choice(("Ms", "Ms", "Miss", "Mrs"))


def _qualifications(rng: random.Random, specialty: data.Specialty) -> str | None:
    if rng.random() < 0.08:
        return None
    slots = data.QUALIFICATION_SLOTS[specialty.training]
    parts = [rng.choice(options) for chance, options in slots if rng.random() < chance]
    return ", ".join([*parts, rng.choice(specialty.colleges)])


def _hospitals(rng: random.Random) -> list[Hospital]:
    """About a quarter practise at more than one hospital, the others near their primary."""
    primary = rng.choice(data.HOSPITALS)
    roll = rng.random()
    others = 2 if roll < 0.05 else 1 if roll < 0.25 else 0
    return [primary, *rng.sample(_NEAREST[primary.id], others)]


def _some(rng: random.Random, items: Sequence[str], at_least: int) -> list[str]:
    """About half of ``items`` (at least ``at_least``), in their original order."""
    mask = rng.getrandbits(len(items))
    chosen = [item for bit, item in enumerate(items) if mask >> bit & 1]
    return chosen if len(chosen) >= at_least else list(items[:at_least])


def _bio(rng: random.Random, name: str, title: str, hospital: Hospital, topics: list[str]) -> str:
    interests = ", ".join(rng.sample(topics, min(3, len(topics))))
    return rng.choice(data.BIOS).format(
        name=name,
        title=title,
        hospital=hospital.name,
        interests=interests,
        town=rng.choice(data.TOWNS),
        year=rng.randint(1992, 2019),
    )


# --- What patients choose on: drawn from the ``practice`` generator only ----------------------
_GMC_SPAN = 6_000_000  # generated numbers run from 1000000 to 6999999; the seed page's start with 7
_GMC_STEP = 7_919  # a prime, coprime to the span: number -> GMC number is one to one
_ON_SPECIALIST_REGISTER = ("medical", "dental")
# Chance of offering each of CONSULTATION_TYPES, among those who state how they consult.
_CONSULTATION_CHANCES = (0.97, 0.4, 0.2)
_SLOT_HOURS = range(8, 17)  # UTC: a clinic's working day in the UK, summer or winter
_SLOT_WORKING_DAYS = 32  # the next 45 days or so
_MINUTES_A_DAY = 24 * 60


def _gmc(number: int) -> str:
    return f"{1_000_000 + number * _GMC_STEP % _GMC_SPAN:07d}"


def _gmc_number(rng: random.Random, number: int) -> str | None:
    """Unique for most; about 3% not stated; a few copy the previous id's number, the duplicates
    the data-quality report looks for."""
    roll = rng.random()
    if roll < 0.03:
        return None
    return _gmc(number - 1 if roll < 0.0315 else number)


def _registration(
    rng: random.Random, gmc_number: str | None, specialty: data.Specialty, specialties: list[str], now: datetime
) -> Registration | None:
    """Checked within the last year; about 2% of those with a number not checked, and about 0.5%
    suspended or erased (the search must never list them)."""
    if gmc_number is None or rng.random() < 0.02:
        return None
    roll = rng.random()
    status: RegistrationStatus = "licence_suspended" if roll < 0.003 else "erased" if roll < 0.005 else "registered"
    # Psychologists and psychotherapists are on no specialty of the GMC's specialist register.
    register = specialties if specialty.training in _ON_SPECIALIST_REGISTER else []
    verified_at = now - timedelta(minutes=rng.randrange(365 * _MINUTES_A_DAY))
    return Registration(status=status, specialist_register=register, verified_at=verified_at)


def _fees(rng: random.Random, specialty: data.Specialty, insurers: list[str], now: datetime) -> Fees | None:
    """About 85% publish fees: around the specialty's typical fee, £150 to £350, the follow-up
    lower; about 10% confirmed more than 12 months ago; arrangements with some of their insurers."""
    if rng.random() < 0.15:
        return None
    initial = min(350, max(150, specialty.fee + 5 * rng.randint(-8, 8)))
    follow_up = 5 * round(initial * rng.uniform(0.6, 0.85) / 5) if rng.random() < 0.9 else None
    days = rng.randrange(365, 730) if rng.random() < 0.1 else rng.randrange(365)
    arrangements = [_arrangement(rng, insurer) for insurer in insurers if rng.random() < 0.5]
    return Fees(
        initial_consultation=initial * 100,
        follow_up=None if follow_up is None else follow_up * 100,
        updated_at=now - timedelta(days=days, minutes=rng.randrange(_MINUTES_A_DAY)),
        insurer_arrangements=arrangements,
    )


def _arrangement(rng: random.Random, insurer: str) -> InsurerArrangement:
    capped = rng.random() < 0.6
    return InsurerArrangement(insurer=insurer, fee_capped=capped, shortfall_possible=not capped and rng.random() < 0.9)


def _consultation_types(rng: random.Random) -> list[ConsultationType]:
    """In person for nearly all, video for about 40%, phone for about 20%; about 5% do not say."""
    if rng.random() < 0.05:
        return []
    offered = [
        kind for kind, chance in zip(CONSULTATION_TYPES, _CONSULTATION_CHANCES, strict=True) if rng.random() < chance
    ]
    return offered or ["in_person"]


def _with_slot(rng: random.Random, hospital: Hospital, now: datetime) -> Hospital:
    """About 80% of specialist-hospital pairs know the next free slot: within 45 days, on a working
    day; mostly reported in the last 3 hours, about 10% stale (2 to 5 days ago)."""
    if rng.random() >= 0.8:
        return hospital
    at = _working_slot(now, rng.randrange(_SLOT_WORKING_DAYS), rng.choice(_SLOT_HOURS), rng.choice((0, 30)))
    stale = rng.random() < 0.1
    minutes_ago = rng.randrange(2 * _MINUTES_A_DAY, 5 * _MINUTES_A_DAY) if stale else rng.randrange(3 * 60)
    return hospital.model_copy(
        update={"next_available": NextAvailable(at=at, as_of=now - timedelta(minutes=minutes_ago))}
    )


def _working_slot(now: datetime, working_days: int, hour: int, minute: int = 0) -> datetime:
    """``hour``:``minute`` UTC on the weekday ``working_days`` after the first one still to come."""
    at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while at.weekday() >= 5 or at <= now:
        at += timedelta(days=1)
    for _ in range(working_days):
        at += timedelta(days=3 if at.weekday() == 4 else 1)
    return at


def _seed_page(specialist: Specialist, practice: data.SeedPractice, now: datetime) -> Specialist:
    """A seed-page specialist with their fixed fees, registration and slots, dated from ``now``."""
    hospitals = [
        hospital
        if slot is None
        else hospital.model_copy(
            update={"next_available": NextAvailable(at=_working_slot(now, *slot), as_of=now - timedelta(hours=1))}
        )
        for hospital, slot in zip(specialist.hospitals, practice.slots, strict=True)
    ]
    initial, follow_up = practice.fees
    registration = Registration(
        status="registered",
        specialist_register=list(practice.specialist_register),
        verified_at=now - timedelta(days=practice.verified_days_ago),
    )
    fees = Fees(
        initial_consultation=initial * 100,
        follow_up=follow_up * 100,
        updated_at=now - timedelta(days=practice.fees_days_ago),
    )
    return Specialist.model_validate(
        {
            **dict(specialist),
            "hospitals": hospitals,
            "gmc_number": practice.gmc_number,
            "registration": registration,
            "fees": fees,
            "consultation_types": list(practice.consultation_types),
        }
    )


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


def write_lines(specialists: Iterable[Specialist], out: _Sink) -> None:
    """One compact JSON object a line, UTF-8, absent optional fields left out."""
    for specialist in specialists:
        out.write(specialist.model_dump_json(exclude_none=True).encode() + b"\n")


@contextmanager
def _output(path: str | None) -> Iterator[_Sink]:
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as raw:
        if not path.endswith(".gz"):
            yield raw
            return
        # No file name and a zero mtime in the header: the same catalog gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0) as zipped:
            yield zipped


def _timestamp(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an RFC 3339 time with a UTC offset, such as 2026-12-05T09:00Z"
        )
    return moment


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer.demo", description="Write a demo catalog.")
    parser.add_argument("--count", type=int, required=True, help="specialists in all, the seed page's six included")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same catalog (default 0)")
    parser.add_argument(
        "--now",
        type=_timestamp,
        help="RFC 3339 time the fees, registration checks and slots are dated from (default: the current hour)",
    )
    parser.add_argument("--out", help="file to write (gzip when it ends .gz); stdout when left out")
    args = parser.parse_args(argv)
    try:
        specialists = generate(args.count, args.seed, args.now)
    except ValueError as exc:
        parser.error(f"--{exc}")
    with _output(args.out) as out:
        write_lines(specialists, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
