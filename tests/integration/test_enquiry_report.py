"""The report on moto: its rows read back from the enquiries table without a personal attribute,
``python -m enquiries.report`` printing them, and a team's click emitting its metrics through
the composition root."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from chalicelib import deps
from chalicelib.adapters.dynamodb_enquiry_report import ATTRIBUTES, NAMES, PROJECTION, DynamoDBEnquiryReport
from chalicelib.enquiries.links import issue
from chalicelib.enquiries.report import ReportRow
from enquiries import report as cli
from tests.conftest import BASE_ENV

pytestmark = pytest.mark.integration

TABLE = BASE_ENV["ENQUIRIES_TABLE"]
NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
PERSONAL = {"first_name": "Zoë", "last_name": "Quill", "email": "zoe@patients.example", "phone": "+447700900123"}


def item(number: int, created_at: str, **more: Any) -> dict[str, Any]:
    return {
        "enquiry_id": f"01JDQ3Z6V8K2M4N6P8R0S2T4V{number}",
        "created_at": created_at,
        "status": "sent",
        "message": "Panic attacks since March; evenings are best.",
        **PERSONAL,
        **more,
    }


HENDON = {
    "hospital_id": "hendon",
    "hospital_name": "Hendon Hospital",
    "team_email": "enquiries.hendon@hospitals.example",
    "specialist_name": "Dr Krish Nandy",
}
ITEMS = [
    item(
        1,
        "2026-06-08T09:00:00.000+00:00",
        routing=HENDON,
        reply_by="2026-06-09T21:00:00.000+00:00",
        acknowledged_at="2026-06-08T15:00:00.000+00:00",
        acknowledge_s=21600,
        outcome="booked",
    ),
    item(2, "2026-06-10T08:00:00.000+00:00", routing=HENDON, reply_by="2026-06-11T20:00:00.000+00:00"),
    item(3, "2026-06-11T12:00:00.000+00:00"),  # not routed at submission
    item(4, "2026-05-01T12:00:00.000+00:00", routing=HENDON),  # before the weeks asked for
]


@pytest.fixture
def table(aws: None) -> Any:
    resource = boto3.resource("dynamodb").Table(TABLE)
    for each in ITEMS:
        resource.put_item(Item=each)
    return resource


def test_given_enquiries_then_the_rows_come_back_without_a_personal_attribute(table: Any) -> None:
    reader = DynamoDBEnquiryReport(boto3.client("dynamodb"), TABLE)

    rows = sorted(reader.rows(since="2026-06-08T00:00:00.000+00:00"), key=lambda r: r.created_at)

    assert rows[0] == ReportRow(
        created_at="2026-06-08T09:00:00.000+00:00",
        hospital_id="hendon",
        hospital_name="Hendon Hospital",
        reply_by="2026-06-09T21:00:00.000+00:00",
        acknowledged_at="2026-06-08T15:00:00.000+00:00",
        acknowledge_s=21600,
        outcome="booked",
    )
    assert [(r.hospital_id, r.acknowledged_at) for r in rows[1:]] == [("hendon", None), (None, None)]
    assert reader.row("01JDQ3Z6V8K2M4N6P8R0S2T4V1") == rows[0]
    assert reader.row("01JDQ3Z6V8K2M4N6P8R0S2T4VZ") is None


def test_the_projection_reads_nothing_personal_not_even_the_teams_address(table: Any) -> None:
    client = boto3.client("dynamodb")

    items = client.scan(TableName=TABLE, ProjectionExpression=PROJECTION, ExpressionAttributeNames=NAMES)["Items"]

    assert len(items) == len(ITEMS)
    for found in items:
        assert set(found) <= ATTRIBUTES
        assert set(found.get("routing", {}).get("M", {})) <= {"hospital_id", "hospital_name"}
    assert PERSONAL["email"] not in json.dumps(items)
    assert "hospitals.example" not in json.dumps(items)


def test_the_cli_prints_a_table_per_hospital_and_week(table: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--weeks", "2"], clock=lambda: NOW) == 0

    out = capsys.readouterr().out
    hendon = next(line for line in out.splitlines() if "Hendon Hospital (hendon)" in line)
    assert hendon.split()[:6] == ["2026-W24", "Hendon", "Hospital", "(hendon)", "2", "1"]
    assert "50%" in hendon
    assert any(line.startswith("2026-W24") and "central team / unrouted" in line for line in out.splitlines())
    assert "2026-W18" not in out  # May is outside the two weeks


def test_the_cli_prints_json(table: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--weeks", "2", "--json"], clock=lambda: NOW) == 0

    answer = json.loads(capsys.readouterr().out)
    assert answer["since"] == "2026-06-07T23:00:00.000+00:00"  # Monday 8 June, 00:00 BST
    assert [(w["week"], w["hospital_id"], w["received"], w["missed"]) for w in answer["weeks"]] == [
        ("2026-W24", "central", 1, 0),
        ("2026-W24", "hendon", 2, 1),
    ]


def test_given_no_table_then_the_cli_says_so_and_exits_1(
    aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENQUIRIES_TABLE", "no-such-table")
    deps.reset()

    assert cli.main([], clock=lambda: NOW) == 1
    assert "could not be read: " in capsys.readouterr().err


class Recorded:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict[str, float]]] = []

    def emit(self, hospital: str, values: Mapping[str, float]) -> None:
        self.emitted.append((hospital, dict(values)))


def test_given_the_team_acknowledges_through_the_services_then_its_hospitals_metrics_are_emitted(
    table: Any,
) -> None:
    table.put_item(
        Item=item(5, "2026-06-12T16:00:00.000+00:00", routing=HENDON, reply_by="2026-06-16T04:00:00.000+00:00")
    )
    services = deps.services()
    sink = services.metrics_sink = Recorded()
    now = datetime(2026, 6, 15, 9, 0, tzinfo=UTC).timestamp()
    follow_up = services.team_follow_up
    follow_up._clock = lambda: now  # the services' clock is the wall's; this enquiry is in June

    key = BASE_ENV["ENQUIRY_LINK_KEY"].encode()
    follow_up.record("acknowledge", issue(key, "01JDQ3Z6V8K2M4N6P8R0S2T4V5", "acknowledge", int(now) + 3600))

    assert sink.emitted == [
        ("hendon", {"Acknowledged": 1, "HoursToAcknowledge": 17.0, "AcknowledgedWithinDeadline": 1})
    ]
