"""Small catalog feeds for the indexer's tests, written as JSON Lines, and the indexer's
command line to run on them."""

from __future__ import annotations

import functools
import gzip
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from devstack.stack import PROJECT_DIR

SPECIALTIES = ["Psychiatry", "Cardiology", "Trauma and Orthopaedics", "Dermatology"]


def hospital(hospital_id: str, email: str, **more: Any) -> dict[str, Any]:
    """A valid hospital of a catalog record whose team is at ``email``; ``more`` adds fields."""
    return {
        "id": hospital_id,
        "name": f"Hospital {hospital_id}",
        "postcode": "NW4 1RP",
        "lat": 51.5,
        "lon": -0.2,
        "enquiries_email": email,
        **more,
    }


def record(number: int, **changes: Any) -> dict[str, Any]:
    """A valid catalog record; ``changes`` override or (with None) remove fields."""
    base: dict[str, Any] = {
        "id": f"sp-{number:06d}",
        "honorific": "Dr",
        "first_name": "Alex",
        "last_name": f"Example{number}",
        "title": "Consultant Psychiatrist",
        "specialties": [SPECIALTIES[number % len(SPECIALTIES)]],
        "treatments": ["Psychodynamic therapy"],
        "conditions": ["Depression"],
        "hospitals": [
            {
                "id": "bmi-hendon",
                "name": "BMI Hendon Hospital",
                "postcode": "NW4 1RP",
                "lat": 51.5887,
                "lon": -0.2279,
                "enquiries_email": "enquiries.hendon@hospitals.example",
            }
        ],
        "bookable_online": number % 2 == 0,
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def write_feed(path: Path, lines: Iterable[dict[str, Any] | str]) -> Path:
    """Write records (dicts) and raw lines (str, for broken input); gzip if ``path`` ends .gz."""
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def feed(path: Path, count: int, start: int = 0) -> Path:
    return write_feed(path, (record(number) for number in range(start, start + count)))


@functools.cache
def demo_listed(count: int, seed: int) -> int:
    """How many specialists of the demo catalog (``count``, ``seed``) the search lists: all but
    the few whose registration is not ``registered``, whom the indexer leaves out."""
    from indexer.demo import generate

    return sum(specialist.is_registered for specialist in generate(count, seed))


def run_indexer(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m indexer ARGS`` from the project's directory, as an operator runs it, with
    ``env`` as its whole environment; its output captured, its exit status not checked."""
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
