from __future__ import annotations

import gzip
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from statistics import mean
from typing import Any

import pytest

from chalicelib.catalog import CONSULTATION_TYPES, NextAvailable, Specialist, parse_line
from indexer import demo, demo_data
from indexer.demo import generate, main, write_lines

SAMPLE_SIZE = 2000
NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)  # a Monday morning
NOW_ARG = ("--now", "2026-12-07T09:00:00Z")

# The seed page, as a patient reads it: name, title, qualifications, hospitals, button.
SEED_PAGE = [
    ("Dr Krish Nandy", "Consultant Psychiatrist", None,
     ["BMI The London Independent Hospital", "BMI Hendon Hospital"], True),
    ("Mrs Kay Rowlands", "Consultant Psychotherapist/Counsellor",
     "Dip Counselling/Psychotherapy, Post Grad Cognitive Behavioural Therapy (CBT), Accredited Therapist",
     ["BMI The Beaumont Hospital"], False),
    ("Dr Christine Marklow", "Consultant Psychologist", None, ["BMI The Highfield Hospital"], False),
    ("Dr Margaret Mary Searle", "Consultant Clinical Psychologist",
     "MSc, Dip.Clin.Psychol., Dip.Clin.Neuropsychol., B.Sc(Hons) C.Psychol., D.Clin.Psychol",
     ["BMI The Blackheath Hospital"], False),
    ("Gordon James Turnbull", "Consultant Psychiatrist", "BSc, MB, ChB, FRCP, FRCPsych",
     ["BMI The Ridgeway Hospital"], False),
    ("Dr Richard O'Flynn", "Consultant Psychiatrist", "MB, BS (Lond) FRCPsych", ["BMI St Edmunds Hospital"], False),
]  # fmt: skip


@pytest.fixture(scope="module")
def lines() -> list[bytes]:
    out = io.BytesIO()
    write_lines(generate(SAMPLE_SIZE, seed=42, now=NOW), out)
    return out.getvalue().splitlines()


@pytest.fixture(scope="module")
def catalog(lines: list[bytes]) -> list[Specialist]:
    return [parse_line(line) for line in lines]


def share(catalog: list[Specialist], test: Callable[[Specialist], bool]) -> float:
    return sum(1 for specialist in catalog if test(specialist)) / len(catalog)


def run(tmp_path: Path, name: str, *args: str) -> bytes:
    out = tmp_path / name
    assert main([*args, "--out", str(out)]) == 0
    return out.read_bytes()


def test_given_the_same_arguments_then_the_bytes_are_the_same_and_another_seed_differs(tmp_path: Path) -> None:
    first = run(tmp_path, "a.jsonl", "--count", "300", "--seed", "7", *NOW_ARG)

    assert run(tmp_path, "b.jsonl", "--count", "300", "--seed", "7", *NOW_ARG) == first
    assert run(tmp_path, "c.jsonl", "--count", "300", "--seed", "8", *NOW_ARG) != first
    assert run(tmp_path, "d.jsonl", "--count", "300", "--seed", "7", "--now", "2026-12-08T09:00:00Z") != first
    assert run(tmp_path, "a.jsonl.gz", "--count", "300", "--seed", "7", *NOW_ARG) == run(
        tmp_path, "b.jsonl.gz", "--count", "300", "--seed", "7", *NOW_ARG
    )


def test_given_a_gz_suffix_then_the_output_is_the_same_lines_gzipped(tmp_path: Path) -> None:
    plain = run(tmp_path, "catalog.jsonl", "--count", "50", "--seed", "3", *NOW_ARG)
    zipped = run(tmp_path, "catalog.jsonl.gz", "--count", "50", "--seed", "3", *NOW_ARG)

    assert gzip.decompress(zipped) == plain
    assert plain.count(b"\n") == 50


def test_given_no_out_then_the_catalog_goes_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["--count", "8", "--seed", "1"]) == 0

    assert [parse_line(line).id for line in capsysbinary.readouterr().out.splitlines()][-2:] == [
        "sp-000007",
        "sp-000008",
    ]


def test_given_every_generated_line_then_it_validates_and_round_trips(
    lines: list[bytes], catalog: list[Specialist]
) -> None:
    assert len(lines) == SAMPLE_SIZE
    assert catalog == list(generate(SAMPLE_SIZE, seed=42, now=NOW))
    assert all(line.decode("utf-8").isprintable() for line in lines)


def test_given_any_count_then_the_six_seed_page_specialists_come_first_as_shown(catalog: list[Specialist]) -> None:
    shown = [
        (s.display_name, s.title, s.qualifications, [h.name for h in s.hospitals], s.bookable_online)
        for s in catalog[:6]
    ]

    assert shown == SEED_PAGE
    assert all("Psychodynamic therapy" in specialist.treatments for specialist in catalog[:6])
    # As on the seed page, they are the only ones who offer it.
    assert [s.id for s in catalog if "Psychodynamic therapy" in s.treatments] == [s.id for s in catalog[:6]]
    assert [specialist.id for specialist in catalog[:6]] == [
        "krish-nandy", "kay-rowlands", "christine-marklow", "margaret-mary-searle", "gordon-james-turnbull",
        "richard-oflynn",
    ]  # fmt: skip
    assert catalog[0].booking_url is not None
    assert all(specialist.booking_url is None for specialist in catalog[1:6])


def test_given_a_count_below_six_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 6"):
        generate(5, seed=1)
    with pytest.raises(SystemExit):
        main(["--count", "5"])

    assert [specialist.id for specialist in generate(6, seed=1)][-1] == "richard-oflynn"


def test_given_a_huge_count_then_records_stream_without_being_built_up_front() -> None:
    first = list(islice(generate(1_000_000_000, seed=1), 10))

    assert [specialist.id for specialist in first[6:]] == ["sp-000007", "sp-000008", "sp-000009", "sp-000010"]


def test_given_generated_records_then_ids_are_unique_and_numbered(catalog: list[Specialist]) -> None:
    ids = [specialist.id for specialist in catalog]

    assert len(set(ids)) == len(ids)
    assert ids[6] == "sp-000007"
    assert ids[-1] == f"sp-{SAMPLE_SIZE:06d}"


def test_given_2000_records_then_the_shares_look_like_a_real_catalog(catalog: list[Specialist]) -> None:
    assert 0.18 <= share(catalog, lambda s: len(s.hospitals) > 1) <= 0.32
    assert 0.33 <= share(catalog, lambda s: s.bookable_online) <= 0.47
    assert 0.09 <= share(catalog, lambda s: s.sees_children) <= 0.21
    assert all((s.booking_url is not None) == s.bookable_online for s in catalog[6:])


def test_given_2000_records_then_honorifics_agree_with_gender_and_surgery(catalog: list[Specialist]) -> None:
    assert not [s for s in catalog if s.gender == "male" and s.honorific in ("Mrs", "Ms", "Miss")]
    assert not [s for s in catalog if s.gender == "female" and s.honorific == "Mr"]
    assert not [s for s in catalog if "Surgeon" in s.title and s.honorific == "Dr"]
    assert share(catalog, lambda s: s.honorific == "Dr") > 0.3
    assert share(catalog, lambda s: s.honorific == "Mr") > 0.15


def test_given_2000_records_then_names_include_apostrophes_hyphens_and_accents(catalog: list[Specialist]) -> None:
    names = [f"{s.first_name} {s.last_name}" for s in catalog]

    assert any("'" in name for name in names)
    assert any("-" in name for name in names)
    assert any(re.search(r"[^\x00-\x7f]", name) for name in names)


def test_given_the_reference_data_then_it_covers_a_uk_hospital_group() -> None:
    hospitals = demo_data.HOSPITALS
    topics = {topic for s in demo_data.SPECIALTIES for topic in (*s.treatments, *s.conditions)}

    assert 35 <= len(hospitals) <= 50
    assert len({h.id for h in hospitals}) == len({h.name for h in hospitals}) == len(hospitals)
    assert all(49.9 < h.lat < 58.7 and -8.2 < h.lon < 1.8 for h in hospitals)
    assert len(demo_data.SPECIALTIES) >= 30
    assert len(topics) >= 200
    assert {"Knee replacement", "Hip replacement", "Cataract surgery", "Cognitive behavioural therapy (CBT)",
            "Depression", "Anxiety", "Back pain", "Varicose veins"} <= topics  # fmt: skip


def test_given_2000_records_then_they_use_the_breadth_of_the_reference_data(catalog: list[Specialist]) -> None:
    topics = {topic for s in catalog for topic in (*s.treatments, *s.conditions)}

    assert len({h.id for s in catalog for h in s.hospitals}) == len(demo_data.HOSPITALS)
    assert len({name for s in catalog for name in s.specialties}) == len(demo_data.SPECIALTIES)
    assert len(topics) >= 200


# --- What patients choose on (issue 16) ---------------------------------------------------------
# The fields every specialist had before fees, registration, consultation types and slots came.
_EARLIER_HOSPITAL_FIELDS = {
    "id", "name", "postcode", "lat", "lon", "enquiries_email", "escalation_email", "reply_working_hours",
}  # fmt: skip
EARLIER_FIELDS: dict[str, Any] = {
    **dict.fromkeys(
        ("id", "honorific", "first_name", "last_name", "title", "qualifications", "gender", "specialties",
         "treatments", "conditions", "languages", "insurers", "sees_children", "bookable_online", "booking_url",
         "profile_url", "photo_url", "bio", "updated_at"),
        True,
    ),
    "hospitals": {"__all__": _EARLIER_HOSPITAL_FIELDS},
}  # fmt: skip
# sha256 of those fields of generate(200, seed=1), one model_dump_json a line, taken before the
# issue-16 fields were generated: relevance and every test's demo data rest on them.
EARLIER_DIGEST = "5cbef4ef5d3e064505479f230a605c8227ad2782e8f5b383f8a9ef6e93341add"
STALE_SLOT = timedelta(hours=24)


def earlier_digest(specialists: list[Specialist]) -> str:
    digest = hashlib.sha256()
    for specialist in specialists:
        digest.update(specialist.model_dump_json(include=EARLIER_FIELDS).encode() + b"\n")
    return digest.hexdigest()


def slots(catalog: list[Specialist]) -> list[NextAvailable]:
    return [hospital.next_available for s in catalog for hospital in s.hospitals if hospital.next_available]


def test_given_the_new_fields_then_every_earlier_field_is_byte_identical_to_before() -> None:
    assert earlier_digest(list(generate(200, seed=1, now=NOW))) == EARLIER_DIGEST
    assert earlier_digest(list(generate(200, seed=1, now=NOW + timedelta(days=300)))) == EARLIER_DIGEST


def test_given_another_now_then_only_the_dates_move_with_it() -> None:
    later = NOW + timedelta(days=1)
    before, after = list(generate(100, seed=3, now=NOW)), list(generate(100, seed=3, now=later))

    for one, other in zip(before, after, strict=True):
        assert (one.gmc_number, one.consultation_types) == (other.gmc_number, other.consultation_types)
        if one.registration is not None and other.registration is not None:
            assert other.registration.verified_at - one.registration.verified_at == timedelta(days=1)
        if one.fees is not None and other.fees is not None:
            assert other.fees.updated_at - one.fees.updated_at == timedelta(days=1)
            assert one.fees.initial_consultation == other.fees.initial_consultation
    assert [s.registration is None for s in before] == [s.registration is None for s in after]
    assert [s.fees is None for s in before] == [s.fees is None for s in after]
    assert all(slot.at > later for slot in slots(after))


def test_given_no_now_then_the_current_hour_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    hour = demo.current_hour()
    assert (hour.minute, hour.second, hour.microsecond, hour.utcoffset()) == (0, 0, 0, timedelta(0))
    assert timedelta(0) <= datetime.now(UTC) - hour < timedelta(hours=1)

    monkeypatch.setattr(demo, "current_hour", lambda: NOW)
    assert list(generate(30, seed=1)) == list(generate(30, seed=1, now=NOW))


def test_given_a_now_without_a_utc_offset_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        generate(6, seed=1, now=datetime(2026, 12, 7, 9))
    for bad in ("2026-12-07T09:00:00", "next tuesday"):
        with pytest.raises(SystemExit):
            main(["--count", "8", "--now", bad])


def test_given_an_offset_now_then_it_means_the_same_instant_as_in_utc(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    assert main(["--count", "20", "--seed", "2", "--now", "2026-12-07T10:00:00+01:00"]) == 0
    offset = capsysbinary.readouterr().out
    assert main(["--count", "20", "--seed", "2", *NOW_ARG]) == 0

    assert capsysbinary.readouterr().out == offset


def test_given_2000_records_then_gmc_numbers_are_mostly_unique_with_a_few_missing_or_shared(
    catalog: list[Specialist],
) -> None:
    numbers = Counter(s.gmc_number for s in catalog if s.gmc_number is not None)
    shared = [number for number, ids in numbers.items() if ids > 1]

    assert 0.015 <= share(catalog, lambda s: s.gmc_number is None) <= 0.05
    assert all(re.fullmatch(r"[0-9]{7}", number) for number in numbers)
    assert 1 <= len(shared) <= 10
    assert all(numbers[number] == 2 for number in shared)


def test_given_2000_records_then_most_are_registered_recently_and_a_few_are_not(catalog: list[Specialist]) -> None:
    registrations = [s.registration for s in catalog if s.registration is not None]
    not_registered = [s for s in catalog if not s.is_registered]

    assert 0.02 <= share(catalog, lambda s: s.registration is None) <= 0.08
    assert 0.002 <= len(not_registered) / len(catalog) <= 0.012
    assert {s.registration.status for s in not_registered if s.registration} == {"licence_suspended", "erased"}
    assert all(NOW - timedelta(days=365) <= r.verified_at <= NOW for r in registrations)
    assert all(set(s.registration.specialist_register) <= set(s.specialties) for s in catalog if s.registration)
    psychologists = [s for s in catalog if s.registration and s.specialties[0] in ("Psychology", "Psychotherapy")]
    assert psychologists
    assert all(s.registration and s.registration.specialist_register == [] for s in psychologists)
    assert share(catalog, lambda s: bool(s.registration and s.registration.specialist_register)) > 0.8


def test_given_2000_records_then_most_publish_fees_by_specialty_some_stale(catalog: list[Specialist]) -> None:
    published = [s for s in catalog if s.fees is not None]
    fees = [s.fees for s in published if s.fees is not None]
    by_specialty: dict[str, list[int]] = {}
    for s in published:
        if s.fees is not None and s.fees.initial_consultation is not None:
            by_specialty.setdefault(s.specialties[0], []).append(s.fees.initial_consultation)

    assert 0.8 <= len(fees) / len(catalog) <= 0.9
    assert all(f.initial_consultation is not None and 15000 <= f.initial_consultation <= 35000 for f in fees)
    assert all(f.follow_up < f.initial_consultation for f in fees if f.follow_up and f.initial_consultation)
    assert 0.8 <= sum(f.follow_up is not None for f in fees) / len(fees) < 1
    assert all(f.currency == "GBP" and f.updated_at <= NOW for f in fees)
    assert 0.06 <= sum(NOW - f.updated_at > timedelta(days=365) for f in fees) / len(fees) <= 0.15
    assert mean(by_specialty["Psychiatry"]) > mean(by_specialty["Psychology"]) + 10000


def test_given_2000_records_then_insurer_arrangements_name_some_of_their_insurers(catalog: list[Specialist]) -> None:
    arranged = [(s, s.fees.insurer_arrangements) for s in catalog if s.fees and s.fees.insurer_arrangements]

    assert len(arranged) / len(catalog) > 0.5
    assert all({a.insurer for a in arrangements} <= set(s.insurers) for s, arrangements in arranged)
    assert any(len(arrangements) < len(s.insurers) for s, arrangements in arranged)
    every = [a for _, arrangements in arranged for a in arrangements]
    assert not [a for a in every if a.fee_capped and a.shortfall_possible]
    assert {a.fee_capped for a in every} == {True, False}


def test_given_2000_records_then_consultation_types_are_mostly_in_person_some_video_or_phone(
    catalog: list[Specialist],
) -> None:
    stated = [s for s in catalog if s.consultation_types]

    assert 0.02 <= 1 - len(stated) / len(catalog) <= 0.09
    assert share(stated, lambda s: "in_person" in s.consultation_types) >= 0.93
    assert 0.33 <= share(stated, lambda s: "video" in s.consultation_types) <= 0.47
    assert 0.14 <= share(stated, lambda s: "phone" in s.consultation_types) <= 0.26
    assert all(s.consultation_types == sorted(s.consultation_types, key=CONSULTATION_TYPES.index) for s in stated)


def test_given_2000_records_then_most_pairs_know_a_future_working_day_slot_some_stale(
    catalog: list[Specialist],
) -> None:
    pairs = [hospital for s in catalog for hospital in s.hospitals]
    known = slots(catalog)
    stale = [slot for slot in known if NOW - slot.as_of > STALE_SLOT]

    assert 0.75 <= len(known) / len(pairs) <= 0.85
    assert all(NOW < slot.at <= NOW + timedelta(days=46) for slot in known)
    assert all(slot.at.weekday() < 5 and 8 <= slot.at.hour < 17 and slot.at.minute in (0, 30) for slot in known)
    assert 0.06 <= len(stale) / len(known) <= 0.14
    assert all(timedelta(days=2) <= NOW - slot.as_of <= timedelta(days=5) for slot in stale)
    fresh = [slot for slot in known if NOW - slot.as_of <= STALE_SLOT]
    assert all(timedelta(0) <= NOW - slot.as_of <= timedelta(hours=3) for slot in fresh)
    assert len({slot.at for slot in known}) > 100


def test_given_a_weekend_now_then_every_slot_is_on_a_working_day_to_come() -> None:
    saturday_evening = datetime(2026, 12, 12, 18, 30, tzinfo=UTC)
    known = slots(list(generate(300, seed=5, now=saturday_evening)))

    assert known
    assert all(slot.at > saturday_evening and slot.at.weekday() < 5 for slot in known)
    assert min(slot.at for slot in known).date() == datetime(2026, 12, 14).date()


def test_given_the_seed_page_specialists_then_they_are_registered_with_fees_and_fresh_slots(
    catalog: list[Specialist],
) -> None:
    seed, generated = catalog[:6], catalog[6:]
    generated_numbers = {s.gmc_number for s in generated}

    assert all(s.registration and s.registration.status == "registered" for s in seed)
    assert len({s.gmc_number for s in seed}) == 6
    assert not generated_numbers & {s.gmc_number for s in seed}
    assert all(s.fees and s.fees.initial_consultation and s.fees.updated_at <= NOW for s in seed)
    assert all(s.consultation_types for s in seed)
    assert seed[0].consultation_types == ["in_person", "video"]
    known = slots(seed)
    assert len(known) == 6  # Dr Nandy at both his hospitals; Dr O'Flynn's next slot is not known
    assert all(slot.at > NOW and NOW - slot.as_of < STALE_SLOT for slot in known)
