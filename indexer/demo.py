"""``python -m indexer.demo --count N --seed S [--out PATH]``: a realistic UK demo catalog.

JSON Lines on stdout, or in PATH (gzip when it ends ``.gz``). The six specialists of the
seed page come first, as the page shows them; ``--count`` includes them. The same
arguments give the same bytes (gzip included), and memory does not grow with N, so the
same generator feeds tests, the local stack and million-line benchmarks.

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

from chalicelib.catalog import Gender, Honorific, Hospital, Specialist
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


def generate(count: int, seed: int) -> Iterator[Specialist]:
    """``count`` specialists, the seed page's six first, made one at a time as they are read."""
    if count < len(data.SEED_SPECIALISTS):
        raise ValueError(f"count must be at least {len(data.SEED_SPECIALISTS)}, the seed page's specialists")
    return _stream(count, seed)


def _stream(count: int, seed: int) -> Iterator[Specialist]:
    yield from data.SEED_SPECIALISTS
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    for number in range(len(data.SEED_SPECIALISTS) + 1, count + 1):
        yield _specialist(rng, f"sp-{number:06d}")


def _specialist(rng: random.Random, specialist_id: str) -> Specialist:
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
    return Specialist(
        id=specialist_id,
        honorific=honorific,
        first_name=first_name,
        last_name=last_name,
        title=title,
        qualifications=_qualifications(rng, specialty),
        gender=gender,
        specialties=specialties,
        treatments=treatments,
        conditions=conditions,
        hospitals=hospitals,
        languages=["English", *rng.sample(data.LANGUAGES, rng.choices((0, 1, 2), weights=(70, 25, 5))[0])],
        insurers=_some(rng, data.INSURERS, 3),
        sees_children=rng.random() < specialty.children,
        bookable_online=bookable,
        booking_url=f"{profile_url}/book" if bookable else None,
        profile_url=profile_url,
        photo_url=f"{data.PHOTOS}/consultants/{specialist_id}.jpg" if rng.random() < 0.8 else None,
        bio=_bio(rng, display_name, title, hospitals[0], treatments + conditions) if rng.random() < 0.9 else None,
        updated_at=_NEWEST_UPDATE - timedelta(seconds=rng.randrange(_UPDATE_SPAN_S)),
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer.demo", description="Write a demo catalog.")
    parser.add_argument("--count", type=int, required=True, help="specialists in all, the seed page's six included")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same catalog (default 0)")
    parser.add_argument("--out", help="file to write (gzip when it ends .gz); stdout when left out")
    args = parser.parse_args(argv)
    try:
        specialists = generate(args.count, args.seed)
    except ValueError as exc:
        parser.error(f"--{exc}")
    with _output(args.out) as out:
        write_lines(specialists, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
