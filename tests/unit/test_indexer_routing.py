"""Routing you can trust: the allowed domains of hospitals' enquiry addresses, one address
per hospital in a feed, and the setting's rules per stage."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.catalog import parse_line
from chalicelib.config import ConfigError, load_search_settings
from indexer.feeds import SPECIALISTS, TREATMENTS
from indexer.options import enquiry_email_domains
from indexer.records import ReadReport, valid_records
from indexer.routing import AddressChange, HospitalRouting, domain_allowed
from indexer.summary import Summary
from tests.feeds import hospital, record

DOMAINS = ("hospitals.example",)


@pytest.mark.parametrize(
    "address",
    [
        "enquiries.hendon@hospitals.example",
        "x@mail.hospitals.example",
        "x@a.b.hospitals.example",
        "Enquiries@HOSPITALS.Example",
    ],
)
def test_given_the_domain_or_a_subdomain_in_any_case_then_the_address_is_allowed(address: str) -> None:
    assert domain_allowed(address, DOMAINS)


@pytest.mark.parametrize(
    "address",
    [
        "x@evilhospitals.example",  # a look-alike: the domain must end at a dot
        "x@hospitals.example.evil.example",  # the allowed name as a subdomain of another
        "x@hospitals.examples",
        "x@example",
        "hospitals.example@evil.example",  # the allowed name in the local part
        "x@evil.example@hospitals",  # the last @ decides
        "no-at-sign",
        "x@",
    ],
)
def test_given_a_look_alike_or_another_domain_then_the_address_is_refused(address: str) -> None:
    assert not domain_allowed(address, DOMAINS)


def test_given_several_domains_then_any_of_them_allows() -> None:
    assert domain_allowed("x@group.example", ("hospitals.example", "group.example"))
    assert not domain_allowed("x@other.example", ("hospitals.example", "group.example"))


def read(routing: HospitalRouting, lines: list[dict[str, Any]]) -> tuple[ReadReport, list[int]]:
    report = ReadReport()
    encoded = [json.dumps(line).encode() for line in lines]
    accepted = [number for number, _ in valid_records(encoded, report, parse_line, "id", routing.check)]
    return report, accepted


def test_given_an_address_outside_the_list_then_the_line_is_invalid_naming_the_hospital_not_the_address() -> None:
    routing = HospitalRouting(DOMAINS)
    lines = [
        record(1),
        record(
            2,
            hospitals=[
                hospital("hendon", "enquiries.hendon@hospitals.example"),
                hospital("elsewhere", "enquiries@evilhospitals.example"),
            ],
        ),
        record(3),
    ]

    report, accepted = read(routing, lines)

    assert accepted == [1, 3]
    assert (report.lines, report.valid, report.invalid) == (3, 2, 1)
    problem = report.samples[0]
    assert (problem.line_number, problem.record_id) == (2, "sp-000002")
    assert problem.reason == "hospitals.1.enquiries_email: domain not allowed for enquiries (hospital elsewhere)"
    assert "evilhospitals" not in problem.reason
    assert "elsewhere" not in routing.addresses  # a rejected line sets no hospital's address


def test_given_no_list_then_any_domain_is_allowed() -> None:
    _, accepted = read(HospitalRouting(None), [record(1, hospitals=[hospital("x", "a@anywhere.example")])])

    assert accepted == [1]


def test_given_lines_disagreeing_on_a_hospitals_address_then_the_first_wins_and_the_others_are_invalid() -> None:
    routing = HospitalRouting(DOMAINS)
    lines = [
        record(1, hospitals=[hospital("hendon", "enquiries.hendon@hospitals.example")]),
        record(2, hospitals=[hospital("hendon", "other.hendon@hospitals.example")]),
        record(3, hospitals=[hospital("hendon", "ENQUIRIES.hendon@hospitals.example")]),  # the same, in other case
    ]

    report, accepted = read(routing, lines)

    assert accepted == [1, 3]
    assert report.samples[0].reason == (
        "hospitals.0.enquiries_email: differs from the address line 1 gave hospital hendon (the first line's wins)"
    )
    assert routing.addresses == {"hendon": "enquiries.hendon@hospitals.example"}
    assert routing.conflicts == {"hendon": 1}


def test_given_the_live_addresses_then_only_hospitals_in_both_that_differ_are_changes() -> None:
    routing = HospitalRouting(DOMAINS)
    read(
        routing,
        [
            record(1, hospitals=[hospital("hendon", "new.hendon@hospitals.example")]),
            record(2, hospitals=[hospital("kent", "enquiries.kent@hospitals.example")]),
            record(3, hospitals=[hospital("fresh", "enquiries.fresh@hospitals.example")]),
        ],
    )
    live = {
        "hendon": "enquiries.hendon@hospitals.example",
        "kent": "Enquiries.Kent@hospitals.example",
        "gone": "enquiries.gone@hospitals.example",
    }

    assert routing.changes(live) == [
        AddressChange("hendon", "enquiries.hendon@hospitals.example", "new.hendon@hospitals.example")
    ]


def test_given_changes_then_the_summary_lists_them_in_text_and_as_a_dict() -> None:
    summary = Summary(source="feed.jsonl", alias="specialists", outcome="swapped")
    summary.address_changes = [AddressChange("hendon", "old@hospitals.example", "new@hospitals.example")]
    summary.address_conflicts = {"kent": 2}

    assert summary.as_dict()["hospital_address_changes"] == [
        {"hospital": "hendon", "old": "old@hospitals.example", "new": "new@hospitals.example"}
    ]
    assert summary.as_dict()["hospital_address_conflicts"] == {"kent": 2}
    text = summary.as_text()
    assert "addresses  1 hospitals changed: hendon" in text
    assert "hospital hendon: old@hospitals.example -> new@hospitals.example" in text
    assert "hospital kent: 2 line(s)" in text
    assert "hospital_address_changes" not in Summary(source="t.jsonl", alias="t", feed="treatments").as_dict()


def settings(stage: str, domains: str | None) -> Any:
    environ = {"STAGE": stage, "OPENSEARCH_URL": "https://search.example", "AWS_REGION": "eu-west-2"}
    if domains is not None:
        environ["ENQUIRY_EMAIL_DOMAINS"] = domains
    return load_search_settings(environ)


def test_given_the_setting_then_it_is_read_as_distinct_lower_case_domains() -> None:
    loaded = settings("dev", " hospitals.example, group.example ,hospitals.example")

    assert loaded.enquiry_email_domains == ("hospitals.example", "group.example")


@pytest.mark.parametrize(
    "value", ["Hospitals.example", "example", "@hospitals.example", "*.hospitals.example", "hospitals.example."]
)
def test_given_a_malformed_domain_then_one_line_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="ENQUIRY_EMAIL_DOMAINS must be comma-separated lower-case domain names"):
        settings("dev", value)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_given_no_domains_outside_the_local_stage_then_a_catalog_run_refuses_to_start(stage: str) -> None:
    with pytest.raises(ConfigError, match="ENQUIRY_EMAIL_DOMAINS is not set"):
        enquiry_email_domains(settings(stage, None), SPECIALISTS)
    assert enquiry_email_domains(settings(stage, None), TREATMENTS) is None  # its lines name no addresses


def test_given_no_domains_on_the_local_stage_then_any_domain_is_allowed() -> None:
    local = load_search_settings({"STAGE": "local", "OPENSEARCH_URL": "http://127.0.0.1:9200"})

    assert local.enquiry_email_domains == ()
    assert enquiry_email_domains(local, SPECIALISTS) is None
    assert enquiry_email_domains(settings("prod", "hospitals.example"), SPECIALISTS) == ("hospitals.example",)
