"""The freshness rule on the Python side (cards and profiles) and its setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.config import ConfigError, load_search_settings
from chalicelib.geo import GeoPoint
from chalicelib.index_schema import HospitalView
from chalicelib.search.availability import Slots, Within, slots_at

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SLOTS = Slots(NOW, timedelta(hours=24))
HENDON = GeoPoint(51.5887, -0.2279)


def hospital(hospital_id: str, at: datetime | None, as_of: datetime | None, lat: float = 51.59) -> HospitalView:
    return HospitalView(
        hospital_id,
        f"Hospital {hospital_id}",
        None,
        lat,
        -0.23,
        None,
        None,
        next_available=at.isoformat() if at else None,
        next_available_as_of=as_of.isoformat() if as_of else None,
    )


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("at", "as_of", "fresh"),
    [
        (NOW + HOUR, NOW - HOUR, True),
        (NOW, NOW - 24 * HOUR, True),  # both bounds count
        (NOW + HOUR, NOW - 24 * HOUR - timedelta(minutes=1), False),  # stale
        (NOW - timedelta(minutes=1), NOW - HOUR, False),  # past
        (None, None, False),
        (NOW + HOUR, None, False),
    ],
)
def test_a_slot_is_fresh_only_while_reported_within_the_window_and_not_past(
    at: datetime | None, as_of: datetime | None, fresh: bool
) -> None:
    assert SLOTS.is_fresh(hospital("h", at, as_of)) is fresh


def test_the_soonest_is_the_earliest_fresh_slot_with_its_hospital_and_stale_ones_are_ignored() -> None:
    hospitals = [
        hospital("later", NOW + 48 * HOUR, NOW - HOUR),
        hospital("stale-but-sooner", NOW + HOUR, NOW - 30 * HOUR),
        hospital("sooner", NOW + 5 * HOUR, NOW - HOUR),
    ]

    assert SLOTS.soonest(hospitals) == {"at": (NOW + 5 * HOUR).isoformat(), "hospital_id": "sooner"}
    assert SLOTS.soonest(hospitals[1:2]) is None


def test_with_a_place_only_the_hospitals_within_the_radius_count() -> None:
    near = hospital("near", NOW + 48 * HOUR, NOW - HOUR)
    far = hospital("far", NOW + HOUR, NOW - HOUR, lat=57.48)  # Inverness

    assert SLOTS.soonest([near, far])["hospital_id"] == "far"  # type: ignore[index]
    assert SLOTS.soonest([near, far], Within(HENDON, 25))["hospital_id"] == "near"  # type: ignore[index]
    assert SLOTS.soonest([far], Within(HENDON, 25)) is None


def test_now_is_taken_to_the_minute_so_that_identical_searches_send_identical_bodies() -> None:
    slots = slots_at(lambda: NOW + timedelta(seconds=59, microseconds=7), timedelta(hours=24))

    assert slots.now == NOW


def test_the_window_is_a_setting_of_whole_hours_24_by_default() -> None:
    env = {"STAGE": "local", "OPENSEARCH_URL": "http://127.0.0.1:9200"}

    assert load_search_settings(env).availability_max_age_hours == 24
    assert load_search_settings({**env, "AVAILABILITY_MAX_AGE_HOURS": "6"}).availability_max_age_hours == 6
    for bad in ("0", "169", "1.5", "a day"):
        with pytest.raises(ConfigError, match="AVAILABILITY_MAX_AGE_HOURS"):
            load_search_settings({**env, "AVAILABILITY_MAX_AGE_HOURS": bad})
