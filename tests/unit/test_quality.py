"""The data-quality report: what it counts, its guard, how it reads, and its command line."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import boto3
import pytest
from moto import mock_aws
from pydantic import BaseModel

from chalicelib.catalog import Hospital, Specialist, parse_line
from devstack.stack import PROJECT_DIR
from indexer import quality_report
from indexer.quality import FIELDS, MAX_IDS, PROBLEMS, BadMinimum, Problem, Quality, Tally, parse_minimums
from indexer.quality_cli import main
from indexer.routing import HospitalRouting
from tests.feeds import hospital, record, write_feed

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ALLOWED = ("hospitals.example",)


def at(delta: timedelta) -> str:
    return (NOW - delta).isoformat()


def specialist(number: int, **changes: Any) -> Specialist:
    return parse_line(json.dumps(record(number, **changes)))


def tally_of(*specialists: Specialist, domains: tuple[str, ...] | None = None) -> Quality:
    tally = Tally(NOW, domains)
    for one in specialists:
        tally.add(one)
    return tally.result(lines=len(specialists), invalid=0)


def full(number: int, **changes: Any) -> Specialist:
    """Every optional field filled, everything fresh and usable."""
    fields: dict[str, Any] = {
        "qualifications": "MB BS",
        "gender": "female",
        "languages": ["English"],
        "insurers": ["Bupa"],
        "bookable_online": True,
        "booking_url": "https://book.hospitals.example/x",
        "profile_url": "https://www.hospitals.example/x",
        "photo_url": "https://www.hospitals.example/x.jpg",
        "bio": "Bio.",
        "updated_at": at(timedelta(days=1)),
        "gmc_number": f"{4_000_000 + number}",
        "registration": {"status": "registered", "specialist_register": ["Psychiatry"], "verified_at": at(timedelta())},
        "fees": {
            "initial_consultation": 0,  # free is a fee stated
            "follow_up": 15000,
            "updated_at": at(timedelta(days=30)),
            "insurer_arrangements": [{"insurer": "Bupa", "fee_capped": True, "shortfall_possible": False}],
        },
        "consultation_types": ["video"],
        "hospitals": [
            hospital(
                "hendon",
                "enquiries.hendon@hospitals.example",
                escalation_email="matron@hospitals.example",
                reply_working_hours=24,
                next_available={"at": at(timedelta(days=-2)), "as_of": at(timedelta(hours=1))},
            )
        ],
    }
    return specialist(number, **(fields | changes))


# ----------------------------------------------------------------- shares


def test_given_every_optional_field_filled_then_every_share_is_one_and_no_problem_is_found() -> None:
    quality = tally_of(full(1), full(2))

    assert quality.shares == dict.fromkeys(FIELDS, 1.0)
    assert {name: problem.count for name, problem in quality.problems.items() if problem.count} == {}


def test_given_a_bare_record_then_its_optional_fields_count_as_empty() -> None:
    quality = tally_of(full(1), specialist(2, treatments=None, conditions=None))

    assert quality.shares["gmc_number"] == quality.shares["fees.initial_consultation"] == 0.5
    assert quality.shares["treatments"] == quality.shares["consultation_types"] == 0.5
    assert quality.shares["hospitals.next_available"] == 0.5  # of the two specialist-hospital slots


def test_given_hospitals_then_their_fields_share_is_of_specialist_hospital_slots() -> None:
    two = full(1, hospitals=[hospital("a", "a@hospitals.example"), hospital("b", "b@hospitals.example")])

    quality = tally_of(two, full(2))

    assert quality.slots == 3
    assert quality.shares["hospitals.next_available"] == pytest.approx(1 / 3)


def _optional_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field that may be left out (a default of None or an empty list), nested ones too."""
    found: set[str] = set()
    for name, info in model.model_fields.items():
        nested = [arg for arg in get_args(info.annotation) if isinstance(arg, type) and issubclass(arg, BaseModel)]
        if not info.is_required() and info.default in (None, []):
            found.add(prefix + name)
        for inner in nested:
            if inner is not Hospital:
                found |= _optional_fields(inner, f"{prefix}{name}.")
    return found


def test_the_report_covers_every_optional_field_of_the_catalog() -> None:
    expected = _optional_fields(Specialist) | _optional_fields(Hospital, "hospitals.")

    assert set(FIELDS) == expected
    assert {"gmc_number", "registration", "fees", "fees.initial_consultation", "consultation_types"} <= set(FIELDS)
    assert {"hospitals.next_available", "photo_url", "bio"} <= set(FIELDS)


# ----------------------------------------------------------------- problems


def test_given_fees_confirmed_more_than_12_months_ago_then_they_are_stale() -> None:
    def fees(age: timedelta) -> dict[str, Any]:
        return {"initial_consultation": 20000, "updated_at": at(age)}

    quality = tally_of(
        full(1, fees=fees(timedelta(days=366))), full(2, fees=fees(timedelta(days=364))), full(3, fees=None)
    )

    assert quality.problems["stale_fees"].as_dict() == {"count": 1, "of": 2, "ids": ["sp-000001"]}


def test_given_slots_reported_more_than_24_hours_ago_then_each_pair_is_stale() -> None:
    def at_hospital(hospital_id: str, age: timedelta) -> dict[str, Any]:
        slot = {"at": at(timedelta(days=-1)), "as_of": at(age)}
        return hospital(hospital_id, f"{hospital_id}@hospitals.example", next_available=slot)

    stale, fresh = timedelta(hours=25), timedelta(hours=23)
    quality = tally_of(
        full(1, hospitals=[at_hospital("hendon", stale), at_hospital("kent", fresh)]),
        full(2, hospitals=[at_hospital("hendon", fresh), at_hospital("kent", stale)]),
    )

    assert quality.problems["stale_availability"].as_dict() == {
        "count": 2,
        "of": 4,
        "ids": ["sp-000001 at hendon", "sp-000002 at kent"],
    }


def test_given_missing_and_repeated_gmc_numbers_then_each_number_is_counted_once_with_the_later_lines() -> None:
    quality = tally_of(
        full(1, gmc_number="4123456"),
        full(2, gmc_number="4123456"),
        full(3, gmc_number="4123456"),
        full(4, gmc_number="0000000"),
        full(5, gmc_number="0000000"),
        full(6, gmc_number="9999999"),
        specialist(7),
    )

    assert quality.problems["missing_gmc_number"].as_dict() == {"count": 1, "of": 7, "ids": ["sp-000007"]}
    assert quality.problems["duplicate_gmc_number"].as_dict() == {
        "count": 2,
        "of": 6,
        "ids": ["4123456: sp-000002", "4123456: sp-000003", "0000000: sp-000005"],
    }


def test_given_registrations_then_only_those_not_registered_are_counted() -> None:
    def registered(status: str) -> dict[str, Any]:
        return {"status": status, "verified_at": at(timedelta())}

    quality = tally_of(
        full(1, registration=registered("registered")),
        full(2, registration=registered("licence_suspended")),
        full(3, registration=registered("erased")),
        specialist(4),  # none stated: listed
    )

    assert quality.problems["not_registered"].as_dict() == {"count": 2, "of": 4, "ids": ["sp-000002", "sp-000003"]}


def test_given_hospitals_at_zero_or_abroad_then_each_is_counted_once() -> None:
    def placed(hospital_id: str, lat: float, lon: float) -> dict[str, Any]:
        return hospital(hospital_id, f"{hospital_id}@hospitals.example", lat=lat, lon=lon)

    nowhere, paris = placed("nowhere", 0.0, 0.0), placed("paris", 48.85, 2.35)
    quality = tally_of(
        full(1, hospitals=[nowhere, placed("shetland", 60.15, -1.15)]),
        full(2, hospitals=[placed("belfast", 54.6, -5.93), nowhere, paris]),
        full(3, hospitals=[placed("jersey", 49.19, -2.11), placed("scilly", 49.91, -6.31)]),
    )

    assert quality.problems["hospitals_without_usable_coordinates"].as_dict() == {
        "count": 2,
        "of": 6,
        "ids": ["nowhere", "paris"],
    }


def test_given_specialists_not_bookable_then_both_kinds_are_counted() -> None:
    quality = tally_of(
        full(1),
        full(2, bookable_online=False, booking_url=None),
        full(3, bookable_online=True, booking_url=None),
    )

    assert quality.problems["not_bookable"].as_dict() == {"count": 2, "of": 3, "ids": ["sp-000002", "sp-000003"]}


def test_given_the_routing_check_rejects_lines_then_their_unusable_hospitals_and_unroutable_specialists_are_named() -> (
    None
):
    tally = Tally(NOW, ALLOWED)
    check = tally.watching(HospitalRouting(ALLOWED).check)
    lines = [
        full(1),
        full(2, hospitals=[hospital("evil", "team@evil.example")]),
        full(3, hospitals=[hospital("evil", "team@evil.example"), hospital("kent", "kent@hospitals.example")]),
    ]

    verdicts = [check(number, line) for number, line in enumerate(lines, start=1)]
    quality = tally.result(lines=3, invalid=2)

    assert [verdict is None for verdict in verdicts] == [True, False, False]
    assert quality.specialists == 1  # the shares are of the valid lines
    assert quality.problems["hospitals_without_usable_enquiry_address"].ids == ["evil"]
    assert quality.problems["not_routable"].as_dict() == {"count": 1, "of": 3, "ids": ["sp-000002"]}


def test_given_any_domain_allowed_then_no_address_is_judged() -> None:
    tally = Tally(NOW, None)
    check = tally.watching(HospitalRouting(None).check)
    check(1, full(1))
    check(2, full(2, hospitals=[hospital("hendon", "someone.else@hospitals.example")]))  # a conflict

    quality = tally.result(lines=2, invalid=1)

    assert quality.problems["not_routable"].count == 0
    assert quality.problems["hospitals_without_usable_enquiry_address"].count == 0


def test_given_more_offenders_than_it_names_then_the_rest_are_counted() -> None:
    quality = tally_of(*(specialist(number) for number in range(MAX_IDS + 5)))

    missing = quality.problems["missing_gmc_number"]
    assert missing.count == MAX_IDS + 5
    assert missing.ids == [f"sp-{number:06d}" for number in range(MAX_IDS)]


def test_given_ten_times_the_records_then_the_tally_holds_no_more_memory() -> None:
    one = full(1)

    def grown_by(count: int) -> int:
        tally = Tally(NOW, ALLOWED)
        tracemalloc.start()
        try:
            for number in range(count):
                tally.add(one.model_copy(update={"id": f"sp-{number}", "gmc_number": f"{number:07d}"}))
            return tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()

    assert grown_by(20_000) < grown_by(2_000) + 64 * 1024


# ----------------------------------------------------------------- the guard


def test_given_minimums_then_they_parse_and_name_each_share_below() -> None:
    minimums = parse_minimums(["gmc_number=0.9", " fees.initial_consultation = 0.5", "hospitals.next_available=1"])
    quality = tally_of(full(1), specialist(2))

    assert minimums == (("gmc_number", 0.9), ("fees.initial_consultation", 0.5), ("hospitals.next_available", 1.0))
    assert quality.shortfalls(minimums) == ["gmc_number 50.0% < 90.0%", "hospitals.next_available 50.0% < 100.0%"]


@pytest.mark.parametrize("spec", ["gmc=0.9", "gmc_number", "gmc_number=1.5", "gmc_number=-0.1", "gmc_number=ninety"])
def test_given_a_bad_minimum_then_it_is_refused_naming_the_choice(spec: str) -> None:
    with pytest.raises(BadMinimum):
        parse_minimums([spec])


def test_given_no_specialists_then_every_share_is_zero_and_a_minimum_fails() -> None:
    quality = tally_of()

    assert quality.shortfalls((("bio", 0.1),)) == ["bio 0.0% < 10.0%"]


# ----------------------------------------------------------------- as people read it


def a_quality(offender: str) -> Quality:
    problems = {name: Problem() for name in PROBLEMS}
    problems["not_registered"] = Problem(of=3, count=1, ids=[offender])
    return Quality(NOW, 4, 1, 3, 5, dict.fromkeys(FIELDS, 0.5), problems, ALLOWED)


def test_the_markdown_names_each_problem_its_counts_and_ids_and_each_share() -> None:
    text = quality_report.markdown(a_quality("sp-000002"))

    assert text.startswith("# Catalog data quality\n")
    assert "4 lines, 3 valid specialists, 1 invalid lines; 5 specialist-hospital slots" in text
    assert "| **not_registered**: " in text
    assert "| 1 | 3 | `sp-000002` |" in text
    assert "| `fees.initial_consultation` | 50.0% |" in text


def test_the_html_escapes_what_came_from_the_feed() -> None:
    page = quality_report.html(a_quality('<script>alert("x")</script>&'))

    assert page.startswith("<!doctype html>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    assert "<td>1</td><td>3</td>" in page


def test_publish_writes_both_pages_under_the_quality_prefix_of_the_feeds_bucket() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-2")
        s3.create_bucket(Bucket="feeds", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})

        written = quality_report.publish(a_quality("sp-1"), "s3://feeds/catalog/c.jsonl.gz", "run-1", lambda: s3)

        assert written == ["s3://feeds/quality/run-1.md", "s3://feeds/quality/run-1.html"]
        page = s3.get_object(Bucket="feeds", Key="quality/run-1.html")
        assert page["ContentType"] == "text/html; charset=utf-8"
        assert b"<h1>Catalog data quality</h1>" in page["Body"].read()


def test_given_the_report_cannot_be_written_then_publish_logs_and_carries_on(caplog: pytest.LogCaptureFixture) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-2")

        written = quality_report.publish(a_quality("sp-1"), "s3://no-such-bucket/c.jsonl", "run-1", lambda: s3)

    assert written == []
    assert "could not write the data-quality report quality/run-1.md: NoSuchBucket" in caplog.text


# ----------------------------------------------------------------- the command line


def demo_feed(tmp_path: Path) -> Path:
    lines: list[dict[str, Any] | str] = [json.loads(full(n).model_dump_json(exclude_none=True)) for n in range(8)]
    lines += [record(8, gmc_number="4000001"), "{broken"]
    return write_feed(tmp_path / "feed.jsonl.gz", lines)


def test_given_a_feed_then_the_command_prints_the_json_report_and_writes_both_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENQUIRY_EMAIL_DOMAINS", raising=False)

    status = main(
        ["--source", str(demo_feed(tmp_path)), "--json", "--out-dir", str(tmp_path / "out"), "--now", NOW.isoformat()]
    )

    out, err = capsys.readouterr()
    report = json.loads(out)
    assert status == 0
    assert (report["lines"], report["invalid"], report["specialists"]) == (10, 1, 9)
    assert report["problems"]["duplicate_gmc_number"]["ids"] == ["4000001: sp-000008"]
    assert report["as_of"] == NOW.isoformat()
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["quality.html", "quality.md"]
    assert f"wrote {tmp_path / 'out' / 'quality.md'}" in err


def test_given_a_share_below_its_minimum_then_the_command_names_it_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["--source", str(demo_feed(tmp_path)), "--min-share", "bio=0.95", "--min-share", "fees=0.5"])

    assert status == 1
    assert "below the minimum: bio 88.9% < 95.0%" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [["--min-share", "colour=0.5"], ["--min-share", "bio=2"], ["--now", "yesterday"], ["--now", "2026-12-05T00:00:00"]],
)
def test_given_bad_arguments_then_the_exit_status_is_2(tmp_path: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--source", str(demo_feed(tmp_path)), *args])

    assert exited.value.code == 2


def test_given_a_missing_feed_then_one_line_says_so_and_the_exit_status_is_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--source", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err


def test_python_m_indexer_quality_runs_the_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "indexer.quality", "--source", str(demo_feed(tmp_path))],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Catalog data quality\n")
    assert "RuntimeWarning" not in result.stderr


def test_given_a_feed_in_s3_then_the_command_reads_it_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="feeds", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        s3.put_object(Bucket="feeds", Key="catalog/c.jsonl.gz", Body=demo_feed(tmp_path).read_bytes())

        status = main(["--source", "s3://feeds/catalog/c.jsonl.gz", "--json"])

    assert status == 0
    assert json.loads(capsys.readouterr().out)["lines"] == 10


def test_given_enquiry_domains_then_the_command_judges_addresses_as_a_catalog_run_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENQUIRY_EMAIL_DOMAINS", "Hospitals.example, ")
    lines = [record(1), record(2, hospitals=[hospital("evil", "team@evil.example")])]

    assert main(["--source", str(write_feed(tmp_path / "feed.jsonl", lines)), "--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert (report["invalid"], report["specialists"], report["enquiry_domains"]) == (1, 1, ["hospitals.example"])
    assert report["problems"]["not_routable"]["ids"] == ["sp-000002"]
    assert report["problems"]["hospitals_without_usable_enquiry_address"]["ids"] == ["evil"]
