"""Data rights on moto: export and erase what is held under one e-mail address.

Enquiries are taken through the real endpoint (general enquiries for the central team, which
need no search), with and without an Idempotency-Key, so their idempotency records and rate
counters are the ones the API writes."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client

from app import app
from chalicelib import deps
from chalicelib.bootstrap import Services
from chalicelib.enquiries.rights import NOT_REACHED, caller_of
from enquiries.rights import main as rights_cli
from tests.conftest import BASE_ENV
from tests.enquiries import GOOD

pytestmark = pytest.mark.integration

JANE = "Jane.Doe@gmail.com"
JANE_ALIAS = "janedoe+knee@googlemail.com"  # the same mailbox: a plus tag, no dots, Google's other domain
JOHN = "john@example.com"


@pytest.fixture
def services(aws: None) -> Services:
    return deps.services()


def _take(services: Services, email: str, key: str | None = None, ip: str = "198.51.100.7") -> str:
    """A general enquiry for the central team, taken as POST /enquiries takes it."""
    body = {name: value for name, value in GOOD.items() if name not in ("specialist_id", "hospital_id", "treatment")}
    body["email"] = email
    answer = services.enquiry_endpoint.accept(json.dumps(body).encode(), key, ip, None)
    return answer["enquiry_id"]


def _table(setting: str) -> Any:
    return boto3.resource("dynamodb").Table(BASE_ENV[setting])


def _enquiry_ids() -> set[str]:
    return {item["enquiry_id"] for item in _table("ENQUIRIES_TABLE").scan()["Items"]}


def _idempotency_ids() -> set[str]:
    return {item["id"] for item in _table("IDEMPOTENCY_TABLE").scan()["Items"]}


def _counters() -> list[dict[str, Any]]:
    return list(_table("RATE_LIMIT_TABLE").scan()["Items"])


def _mark(enquiry_id: str, status: str) -> None:
    """What notify leaves: ``sent`` (off the unsent index), or ``sending`` (claimed, e-mails going)."""
    update = "SET #status = :status" + (" REMOVE unsent" if status == "sent" else "")
    _table("ENQUIRIES_TABLE").update_item(
        Key={"enquiry_id": enquiry_id},
        UpdateExpression=update,
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":status": status},
    )


@contextmanager
def _no_scans(services: Services) -> Iterator[None]:
    """Data rights find an address's enquiries through the index: a Scan fails the test."""

    def refuse(**_: Any) -> Any:
        raise AssertionError("data rights scanned the table")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.clients.dynamodb, "scan", refuse)
        yield


def test_given_a_key_then_the_enquiry_names_the_record_powertools_wrote(services: Services) -> None:
    enquiry_id = _take(services, JANE, key="form-1")

    [record_id] = _idempotency_ids()
    item = _table("ENQUIRIES_TABLE").get_item(Key={"enquiry_id": enquiry_id})["Item"]
    assert item["idempotency_record"] == record_id
    assert item["consent_version"] == "2026-11"
    assert item["email_key"] == services.data_rights.email_key(JANE)
    assert "@" not in item["email_key"]


def test_given_enquiries_of_a_mailbox_and_of_another_then_export_lists_exactly_the_mailboxs(
    services: Services,
) -> None:
    first = _take(services, JANE, key="form-1")
    second = _take(services, JANE_ALIAS, ip="203.0.113.9")
    _take(services, JOHN, key="form-1")

    with _no_scans(services):
        export = services.data_rights.export("jane.doe@gmail.com")

    text = json.dumps(export)  # JSON as it is: no Decimal left
    assert [item["enquiry_id"] for item in export["enquiries"]] == [first, second]  # oldest first
    assert {item["email"] for item in export["enquiries"]} == {JANE, JANE_ALIAS}
    assert JOHN not in text
    held = export["enquiries"][0]
    assert held["message"] == GOOD["message"]
    assert held["consent_version"] == "2026-11"
    assert held["status"] == "received"
    assert isinstance(held["expires_at"], int)
    [record] = export["idempotency_records"]
    assert record["id"] == held["idempotency_record"]
    assert json.loads(record["data"]) == {"enquiry_id": first, "status": "received"}
    [counter] = export["rate_counters"]  # both aliases count on the mailbox's one counter this hour
    assert counter["count"] == 2
    assert counter["counter_key"].startswith("email#")
    assert export["not_reached"] == list(NOT_REACHED)
    assert any("35 days" in note for note in export["not_reached"])


def test_given_sent_and_in_flight_enquiries_then_erase_deletes_the_sent_with_their_records_and_keeps_the_rest(
    services: Services,
) -> None:
    sent = _take(services, JANE, key="form-1")
    failed = _take(services, JANE_ALIAS, ip="203.0.113.9")
    in_flight = _take(services, JANE, key="form-2")
    johns = _take(services, JOHN, key="form-1")
    _mark(sent, "sent")
    _mark(failed, "failed")
    _mark(in_flight, "sending")
    _mark(johns, "sent")
    records = _table("ENQUIRIES_TABLE")
    in_flight_record = records.get_item(Key={"enquiry_id": in_flight})["Item"]["idempotency_record"]
    johns_record = records.get_item(Key={"enquiry_id": johns})["Item"]["idempotency_record"]
    assert len(_idempotency_ids()) == 3

    with _no_scans(services):
        erasure = services.data_rights.erase(JANE)

    assert erasure["deleted_enquiries"] == [sent, failed]
    assert erasure["in_flight"] == [in_flight]
    assert erasure["deleted_idempotency_records"] == 1
    assert erasure["deleted_rate_counters"] == 1
    assert erasure["not_reached"] == list(NOT_REACHED)
    assert _enquiry_ids() == {in_flight, johns}
    assert _idempotency_ids() == {in_flight_record, johns_record}  # an in-flight one's record stays: no re-send
    # John's address counter is left; Jane's is gone. Counters of IPs name no address and stay.
    assert [counter["count"] for counter in _counters() if counter["counter_key"].startswith("email#")] == [1]
    assert services.data_rights.email_key(JOHN) == records.get_item(Key={"enquiry_id": johns})["Item"]["email_key"]

    _mark(in_flight, "sent")  # the e-mails went: erasing again finishes the job
    again = services.data_rights.erase(JANE)

    assert again["deleted_enquiries"] == [in_flight]
    assert again["in_flight"] == []
    assert again["deleted_idempotency_records"] == 1
    assert _enquiry_ids() == {johns}
    assert _idempotency_ids() == {johns_record}


def test_given_an_enquiry_received_and_not_yet_claimed_then_it_is_in_flight_and_kept(services: Services) -> None:
    enquiry_id = _take(services, JANE)

    erasure = services.data_rights.erase(JANE)

    assert erasure["in_flight"] == [enquiry_id]
    assert erasure["deleted_enquiries"] == []
    assert _enquiry_ids() == {enquiry_id}


def test_given_an_enquiry_stored_before_the_index_then_neither_export_nor_erase_finds_it(services: Services) -> None:
    legacy = {"enquiry_id": "01JLEGACY0000000000000000", "created_at": "2026-01-01T00:00:00.000+00:00"}
    _table("ENQUIRIES_TABLE").put_item(Item={**legacy, "email": JANE, "status": "sent", "expires_at": 1_900_000_000})

    assert services.data_rights.export(JANE)["enquiries"] == []
    assert services.data_rights.erase(JANE)["deleted_enquiries"] == []
    assert _enquiry_ids() == {legacy["enquiry_id"]}


def test_the_cli_exports_to_a_file_and_erases_with_yes(
    services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    enquiry_id = _take(services, JANE, key="form-1")
    _mark(enquiry_id, "sent")
    out = tmp_path / "export.json"

    assert rights_cli(["export", "--email", JANE_ALIAS, "--out", str(out)]) == 0

    exported = json.loads(out.read_text())
    assert [item["enquiry_id"] for item in exported["enquiries"]] == [enquiry_id]
    assert out.stat().st_mode & 0o077 == 0
    assert "jane" not in capsys.readouterr().err.lower()  # the audit line names the key, not the address

    assert rights_cli(["erase", "--email", JANE]) == 2  # no --yes and no terminal: nothing erased
    assert _enquiry_ids() == {enquiry_id}
    capsys.readouterr()

    assert rights_cli(["erase", "--email", JANE, "--yes"]) == 0

    printed = capsys.readouterr()
    assert json.loads(printed.out)["deleted_enquiries"] == [enquiry_id]
    assert "email_key=" in printed.err
    assert "jane" not in printed.err.lower()
    assert _enquiry_ids() == set()


def test_given_an_in_flight_enquiry_then_the_cli_exits_3_saying_to_run_again(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    enquiry_id = _take(services, JANE)
    capsys.readouterr()  # the taking's own output (its metric line), not the command's

    assert rights_cli(["erase", "--email", JANE, "--yes"]) == 3

    printed = capsys.readouterr()
    assert json.loads(printed.out)["in_flight"] == [enquiry_id]
    assert "run the erasure again" in printed.err


# --- The admin routes -------------------------------------------------------------------


def _admin(client: Client, operation: str, body: Any) -> tuple[int, Any]:
    response = client.http.post(
        f"/admin/rights/{operation}", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )
    return response.status_code, json.loads(response.body)


@pytest.fixture
def client(services: Services) -> Iterator[Client]:
    with Client(app, stage_name="local") as chalice_client:
        yield chalice_client


def test_given_the_admin_routes_then_they_export_and_erase_and_log_the_key_not_the_address(
    services: Services, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    enquiry_id = _take(services, JANE, key="form-1")
    _mark(enquiry_id, "sent")
    caplog.set_level(logging.INFO, logger="chalicelib.enquiries.rights")

    status, export = _admin(client, "export", {"email": JANE_ALIAS})

    assert status == 200
    assert [item["enquiry_id"] for item in export["enquiries"]] == [enquiry_id]

    status, erasure = _admin(client, "erase", {"email": JANE})

    assert status == 200
    assert erasure["deleted_enquiries"] == [enquiry_id]
    assert erasure["deleted_idempotency_records"] == 1
    assert _enquiry_ids() == set()
    audit = [record.getMessage() for record in caplog.records if record.name == "chalicelib.enquiries.rights"]
    key = services.data_rights.email_key(JANE)
    assert audit == [
        f"data-rights export caller=unknown email_key={key} enquiries=1 idempotency_records=1 rate_counters=1",
        f"data-rights erase caller=unknown email_key={key} deleted_enquiries=1 in_flight=0 "
        "deleted_idempotency_records=1 deleted_rate_counters=1",
    ]
    assert not any("jane" in record.getMessage().lower() for record in caplog.records)


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "email"), ({"email": "not an address"}, "email"), ({"email": JANE, "extra": 1}, "extra"), ([], None)],
)
def test_given_a_bad_admin_body_then_400_names_the_field_and_nothing_is_erased(
    services: Services, client: Client, body: Any, field: str | None
) -> None:
    enquiry_id = _take(services, JANE)
    _mark(enquiry_id, "sent")

    status, answer = _admin(client, "erase", body)

    assert status == 400
    assert answer["error"]["field"] == field
    assert _enquiry_ids() == {enquiry_id}


def test_given_a_deployed_stage_and_no_iam_caller_then_403_and_nothing_is_erased(
    services: Services, client: Client
) -> None:
    enquiry_id = _take(services, JANE)
    _mark(enquiry_id, "sent")
    services.settings = dataclasses.replace(services.app_settings, stage="prod")

    status, answer = _admin(client, "erase", {"email": JANE})

    assert status == 403
    assert answer["error"]["code"] == "forbidden"
    assert _enquiry_ids() == {enquiry_id}


def test_the_caller_is_the_signed_principal_from_the_request_context() -> None:
    arn = "arn:aws:iam::123456789012:user/dpo"

    assert caller_of({"identity": {"userArn": arn, "caller": "AIDAEXAMPLE"}}) == arn
    assert caller_of({"identity": {"userArn": None, "caller": "AIDAEXAMPLE"}}) == "AIDAEXAMPLE"
    assert caller_of({"identity": {}}) is None
    assert caller_of(None) is None


@pytest.mark.parametrize("version", [None, "", "2026 11", 2026])
def test_given_no_or_a_bad_consent_version_then_400_names_it_and_nothing_is_stored(
    client: Client, version: object
) -> None:
    body = {name: value for name, value in GOOD.items() if name != "consent_version"}
    if version is not None:
        body["consent_version"] = version

    response = client.http.post("/enquiries", headers={"Content-Type": "application/json"}, body=json.dumps(body))

    assert response.status_code == 400
    assert json.loads(response.body)["error"]["field"] == "consent_version"
    assert _enquiry_ids() == set()
