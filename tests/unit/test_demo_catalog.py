from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable
from itertools import islice
from pathlib import Path

import pytest

from chalicelib.catalog import Specialist, parse_line
from indexer import demo_data
from indexer.demo import generate, main, write_lines

SAMPLE_SIZE = 2000

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
    write_lines(generate(SAMPLE_SIZE, seed=42), out)
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
    first = run(tmp_path, "a.jsonl", "--count", "300", "--seed", "7")

    assert run(tmp_path, "b.jsonl", "--count", "300", "--seed", "7") == first
    assert run(tmp_path, "c.jsonl", "--count", "300", "--seed", "8") != first
    assert run(tmp_path, "a.jsonl.gz", "--count", "300", "--seed", "7") == run(
        tmp_path, "b.jsonl.gz", "--count", "300", "--seed", "7"
    )


def test_given_a_gz_suffix_then_the_output_is_the_same_lines_gzipped(tmp_path: Path) -> None:
    plain = run(tmp_path, "catalog.jsonl", "--count", "50", "--seed", "3")
    zipped = run(tmp_path, "catalog.jsonl.gz", "--count", "50", "--seed", "3")

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
    assert catalog == list(generate(SAMPLE_SIZE, seed=42))
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
