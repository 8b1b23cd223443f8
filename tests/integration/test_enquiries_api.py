"""POST /enquiries through the Chalice app: moto for DynamoDB, the real OpenSearch node
(demo catalog) for routing."""

from __future__ import annotations

import email
import json
import logging
import threading
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.config import Config
from chalice.test import Client

from app import notify
from chalicelib import deps
from chalicelib.enquiries.submit import EnquiryAccepted, EnquiryService
from devstack.stream_worker import lambda_event
from tests.conftest import BASE_ENV, local_api
from tests.enquiries import GOOD

pytestmark = pytest.mark.integration


@pytest.fixture
def client(demo_index: str, aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    with local_api(monkeypatch, demo_index) as chalice_client:
        yield chalice_client


def post(client: Client, body: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any], Any]:
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    response = client.http.post("/enquiries", headers={"Content-Type": "application/json", **(headers or {})}, body=raw)
    return response.status_code, json.loads(response.body or b"{}"), response.headers


def stored() -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(BASE_ENV["ENQUIRIES_TABLE"])
    return list(table.scan()["Items"])


def stream_event() -> dict[str, Any]:
    """Every record of the enquiries table's stream so far, as the notify Lambda receives them."""
    config = Config(account_id_endpoint_mode="disabled")  # moto serves streams on the regional endpoint
    table = boto3.client("dynamodb", config=config).describe_table(TableName=BASE_ENV["ENQUIRIES_TABLE"])["Table"]
    streams = boto3.client("dynamodbstreams", config=config)
    arn = table["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return lambda_event([dict(record) for record in records], arn)


def sent_emails() -> list[EmailMessage]:
    """What SES (moto) sent, parsed as the recipients' mail programs would."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID][BASE_ENV["AWS_DEFAULT_REGION"]]
    parsed = [
        email.message_from_string(m.raw_data, _class=EmailMessage, policy=policy.default) for m in backend.sent_messages
    ]
    return [message for message in parsed if isinstance(message, EmailMessage)]


LAMBDA_CONTEXT = SimpleNamespace(get_remaining_time_in_millis=lambda: 120_000)


def test_given_a_good_enquiry_then_202_and_it_is_stored_with_its_routing(client: Client) -> None:
    status, body, _ = post(client, GOOD)

    assert status == 202
    assert body["status"] == "received"
    assert len(body["enquiry_id"]) == 26  # a ULID
    [item] = stored()
    assert item["enquiry_id"] == body["enquiry_id"]
    assert (item["status"], item["phone"], item["email"]) == ("received", "+442079460000", "aoife@example.com")
    assert item["routing"] == {
        "specialist_name": "Dr Krish Nandy",
        "hospital_id": "hendon",
        "hospital_name": "BMI Hendon Hospital",
        "team_email": "enquiries.hendon@hospitals.example",
    }
    assert 364 * 86400 < int(item["expires_at"]) - int(__import__("time").time()) <= 365 * 86400


@pytest.mark.parametrize("without", ["left out", "null"])
def test_given_no_hospital_then_the_primary_one_is_chosen(client: Client, without: str) -> None:
    body = {key: value for key, value in GOOD.items() if key != "hospital_id"}
    if without == "null":
        body["hospital_id"] = None

    status, _, _ = post(client, body)

    assert status == 202
    assert stored()[0]["routing"]["hospital_id"] == "london-independent"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"specialist_id": "no-such-specialist"}, "specialist_id"),
        ({"specialist_id": "Krish Nandy"}, "specialist_id"),
        ({"hospital_id": "beaumont"}, "hospital_id"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "x" * 81}, "first_name"),
        ({"last_name": "Smith\r\nBcc: victim@example.com"}, "last_name"),
        ({"last_name": "Nul\u0000"}, "last_name"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "jos\u00e9@example.com"}, "email"),
        ({"email": "a@example.com\r\nBcc: b@example.com"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"preferred_contact": "fax"}, "preferred_contact"),
        ({"phone": None, "preferred_contact": "phone"}, "phone"),
        ({"treatment": "t" * 121}, "treatment"),
        ({"message": "m" * 2001}, "message"),
        ({"consent": False}, "consent"),
        ({"consent": "true"}, "consent"),
        ({"marketing_opt_in": "yes"}, "marketing_opt_in"),
        ({"first_name": 42}, "first_name"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_given_a_bad_field_then_400_names_it_and_nothing_is_stored(
    client: Client, changes: dict[str, Any], field: str
) -> None:
    body = {key: value for key, value in {**GOOD, **changes}.items() if value is not None or key != "phone"}
    if field == "phone" and changes.get("phone") is None:
        body.pop("phone", None)

    status, answer, _ = post(client, body)

    assert status == 400, answer
    assert answer["error"]["field"] == field
    assert stored() == []


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("[]", None),
        ('"hello"', None),
        ("{not json", None),
        ('{"first_name": NaN}', None),
        ('{"consent": Infinity}', None),
        ('{"first_name": "a", "first_name": "b"}', "first_name"),
        ('{"first_name": "\\ud800"}', "first_name"),
    ],
)
def test_given_json_oddities_then_400(client: Client, raw: str, field: str | None) -> None:
    status, answer, _ = post(client, raw)

    assert status == 400
    assert answer["error"]["field"] == field


def test_given_a_body_that_is_not_json_then_415(client: Client) -> None:
    response = client.http.post("/enquiries", headers={"Content-Type": "text/plain"}, body="hello")

    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == "unsupported_media_type"


def test_given_a_body_over_16_kib_then_413(client: Client) -> None:
    status, answer, _ = post(client, {**GOOD, "message": "m" * 17_000})

    assert status == 413
    assert answer["error"]["code"] == "payload_too_large"


def test_given_the_honeypot_is_filled_then_it_looks_accepted_but_nothing_is_stored_or_counted(
    client: Client,
) -> None:
    for _ in range(6):
        status, body, _ = post(client, {**GOOD, "website": "http://spam.example"})
        assert (status, body["status"]) == (202, "received")

    assert stored() == []
    assert post(client, GOOD)[0] == 202  # the address's allowance is untouched


def test_given_six_enquiries_from_one_address_in_an_hour_then_the_sixth_is_429(client: Client) -> None:
    post(client, {**GOOD, "first_name": ""})  # invalid: spends nothing
    statuses = [post(client, {**GOOD, "email": "Same@Example.com"})[0] for _ in range(5)]

    status, answer, headers = post(client, {**GOOD, "email": "same@example.com"})

    assert statuses == [202] * 5
    assert status == 429
    assert 0 < int(headers["Retry-After"]) <= 3600
    assert answer["error"]["code"] == "rate_limited"
    assert len(stored()) == 5
    counters = boto3.resource("dynamodb").Table(BASE_ENV["RATE_LIMIT_TABLE"]).scan()["Items"]
    assert all("example" not in str(item["counter_key"]).lower() for item in counters)  # hashes only


def test_given_aliases_of_one_mailbox_then_they_share_its_hourly_allowance(client: Client) -> None:
    aliases = [
        "Jane.Doe@gmail.com",
        "jane.doe+1@gmail.com",
        "janedoe+enquiry@googlemail.com",
        "J.A.N.E.D.O.E@gmail.com",
        "Jane.Doe+2@gmail.com",
    ]
    statuses = [post(client, {**GOOD, "email": alias})[0] for alias in aliases]

    status, answer, headers = post(client, {**GOOD, "email": "Jane.Doe+6@gmail.com"})

    assert statuses == [202] * 5
    assert (status, answer["error"]["code"]) == (429, "rate_limited")
    assert 0 < int(headers["Retry-After"]) <= 3600
    assert sorted(item["email"] for item in stored()) == sorted(aliases)  # kept as typed
    assert post(client, {**GOOD, "email": "jane.doe@example.com"})[0] == 202  # another mailbox, its own allowance


def test_given_a_busy_shared_network_then_the_ip_limit_applies(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IP_RATE_PER_HOUR", "3")
    deps.reset()

    statuses = [post(client, {**GOOD, "email": f"patient{n}@example.com"})[0] for n in range(4)]

    assert statuses == [202, 202, 202, 429]


def test_given_the_same_key_and_body_then_the_first_answer_again_and_one_enquiry(client: Client) -> None:
    first = post(client, GOOD, {"Idempotency-Key": "form-1234"})
    again = post(client, GOOD, {"Idempotency-Key": "form-1234"})

    assert first[0] == again[0] == 202
    assert first[1] == again[1]
    assert len(stored()) == 1


def test_given_one_key_from_two_addresses_then_two_enquiries_each_replayed_to_its_own_patient(
    client: Client,
) -> None:
    other = {**GOOD, "first_name": "Bea", "email": "bea@example.com"}

    first = post(client, GOOD, {"Idempotency-Key": "1"})
    second = post(client, other, {"Idempotency-Key": "1"})
    first_again = post(client, GOOD, {"Idempotency-Key": "1"})
    second_again = post(client, other, {"Idempotency-Key": "1"})

    assert [first[0], second[0], first_again[0], second_again[0]] == [202] * 4
    assert first[1]["enquiry_id"] != second[1]["enquiry_id"]
    assert (first_again[1], second_again[1]) == (first[1], second[1])
    by_id = {item["enquiry_id"]: item for item in stored()}
    assert len(by_id) == 2
    assert (by_id[first[1]["enquiry_id"]]["email"], by_id[second[1]["enquiry_id"]]["email"]) == (
        "aoife@example.com",
        "bea@example.com",
    )


def test_given_one_key_from_an_alias_with_another_body_then_422_as_from_the_address_itself(client: Client) -> None:
    post(client, GOOD, {"Idempotency-Key": "form-1"})

    status, answer, _ = post(client, {**GOOD, "email": "Aoife+x@example.com"}, {"Idempotency-Key": "form-1"})

    assert (status, answer["error"]["field"]) == (422, "Idempotency-Key")
    assert [item["email"] for item in stored()] == ["aoife@example.com"]


def test_given_a_key_then_its_record_id_is_the_one_first_deployed(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys taken before a deploy still replay after it, whatever the code was renamed to:
    the record's id is the Lambda's name, the prefix as first deployed, ``#``, the MD5 of the
    scoped key. The hashed data is the scoped key, ``<key>#<HMAC of the normalised address>``,
    not the bare key (so keys taken before scoping was deployed do not replay after it)."""
    import hashlib

    from chalicelib.enquiries.limits import address_digest

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "find-a-specialist-prod-api")
    deps.reset()
    post(client, GOOD, {"Idempotency-Key": "form-deploy"})

    table = boto3.resource("dynamodb").Table(BASE_ENV["IDEMPOTENCY_TABLE"])
    [record] = table.scan()["Items"]
    scoped = f"form-deploy#{address_digest(GOOD['email'], BASE_ENV['RATE_LIMIT_SALT'])}"
    digest = hashlib.md5(json.dumps(scoped).encode(), usedforsecurity=False).hexdigest()
    prefix = "find-a-specialist-prod-api.chalicelib.enquiries.intake.EnquiryIntake.__init__.<locals>.accept_once"
    assert record["id"] == f"{prefix}#{digest}"


def test_given_a_key_then_the_body_is_validated_once(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.enquiries.request import EnquiryRequest

    validated: list[object] = []
    real = EnquiryRequest.model_validate

    def counted(value: object, *args: Any, **kwargs: Any) -> EnquiryRequest:
        validated.append(value)
        return real(value, *args, **kwargs)

    monkeypatch.setattr(EnquiryRequest, "model_validate", counted)

    status, _, _ = post(client, GOOD, {"Idempotency-Key": "form-once"})

    assert status == 202
    assert len(validated) == 1
    assert len(stored()) == 1


def test_given_the_same_key_and_another_body_then_422(client: Client) -> None:
    post(client, GOOD, {"Idempotency-Key": "form-1234"})

    status, answer, _ = post(client, {**GOOD, "message": "Something else"}, {"Idempotency-Key": "form-1234"})

    assert status == 422
    assert answer["error"]["field"] == "Idempotency-Key"
    assert len(stored()) == 1


@pytest.mark.parametrize("key", ["", "x" * 65, "has space", "caf\u00e9"])
def test_given_a_malformed_idempotency_key_then_400_names_the_header(client: Client, key: str) -> None:
    status, answer, _ = post(client, GOOD, {"Idempotency-Key": key})

    assert status == 400
    assert answer["error"]["field"] == "Idempotency-Key"


def test_given_the_same_key_still_in_flight_then_409(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = threading.Event(), threading.Event()
    real_submit = EnquiryService.submit

    def slow_submit(self: EnquiryService, request: Any, client_ip: str, *rest: Any) -> EnquiryAccepted:
        entered.set()
        release.wait(10)
        return real_submit(self, request, client_ip, *rest)

    monkeypatch.setattr(EnquiryService, "submit", slow_submit)
    results: list[int] = []
    first = threading.Thread(target=lambda: results.append(post(client, GOOD, {"Idempotency-Key": "k-1"})[0]))
    first.start()
    assert entered.wait(10)

    status, answer, _ = post(client, GOOD, {"Idempotency-Key": "k-1"})
    release.set()
    first.join()

    assert status == 409
    assert answer["error"]["code"] == "in_progress"
    assert results == [202]
    assert len(stored()) == 1


def test_given_search_is_down_then_the_enquiry_is_accepted_and_routed_later(
    client: Client, demo_index: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")
    deps.reset()

    status, body, _ = post(client, GOOD)
    [item] = stored()
    event = stream_event()
    while_down = notify(event, LAMBDA_CONTEXT)  # the stream's first delivery: search still down
    sent_while_down = sent_emails()
    monkeypatch.setenv("OPENSEARCH_URL", demo_index)  # search is back
    deps.reset()
    redelivered = notify(event, LAMBDA_CONTEXT)

    assert status == 202
    assert (item["enquiry_id"], item["specialist_id"], item["hospital_id"]) == (
        body["enquiry_id"],
        "krish-nandy",
        "hendon",
    )
    assert "routing" not in item
    assert len(while_down["batchItemFailures"]) == 1  # handed back to the stream, not failed
    assert sent_while_down == []
    assert redelivered == {"batchItemFailures": []}
    [team] = [message for message in sent_emails() if message["Reply-To"] == GOOD["email"]]
    [patient] = [message for message in sent_emails() if message["To"] == GOOD["email"]]
    assert team["To"] == "enquiries.hendon@hospitals.example"  # BMI Hendon Hospital's team, as the patient chose
    assert patient["Reply-To"] == "enquiries.hendon@hospitals.example"
    assert len(sent_emails()) == 2
    assert {row["enquiry_id"]: row["status"] for row in stored()} == {body["enquiry_id"]: "sent"}


def test_given_the_store_is_unavailable_then_503_and_nothing_is_kept(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    boto3.client("dynamodb").delete_table(TableName=BASE_ENV["ENQUIRIES_TABLE"])

    status, answer, headers = post(client, GOOD)

    assert status == 503
    assert headers["Retry-After"]
    assert answer["error"]["code"] == "unavailable"
    for personal in ("Aoife", "aoife@example.com", "7946", "appointment"):
        assert personal not in caplog.text
        assert personal not in json.dumps(answer)


# --- General enquiries: no specialist, for a hospital's team or the central team --------

GENERAL: dict[str, Any] = {key: value for key, value in GOOD.items() if key != "specialist_id"} | {
    "treatment": "knee-replacement"
}
CENTRAL: dict[str, Any] = {
    key: value for key, value in GOOD.items() if key not in ("specialist_id", "hospital_id", "treatment")
}
HENDON_TEAM = "enquiries.hendon@hospitals.example"


def _text(message: EmailMessage) -> str:
    return " ".join(
        str(part.get_content()) for subtype in ("plain", "html") if (part := message.get_body((subtype,))) is not None
    )


def _team_and_patient() -> tuple[EmailMessage, EmailMessage]:
    [team] = [message for message in sent_emails() if message["Reply-To"] == GOOD["email"]]
    [patient] = [message for message in sent_emails() if message["To"] == GOOD["email"]]
    return team, patient


def test_given_a_general_enquiry_for_a_hospital_then_it_reaches_that_hospitals_team_saying_what_it_is_about(
    client: Client,
) -> None:
    status, body, _ = post(client, GENERAL)
    [item] = stored()
    sent = notify(stream_event(), LAMBDA_CONTEXT)

    assert status == 202
    assert "specialist_id" not in item
    assert (item["hospital_id"], item["treatment"]) == ("hendon", "knee-replacement")
    assert item["routing"] == {
        "hospital_id": "hendon",
        "hospital_name": "BMI Hendon Hospital",
        "team_email": HENDON_TEAM,
        "treatment_label": "Knee replacement",
    }
    assert sent == {"batchItemFailures": []}
    team, patient = _team_and_patient()
    assert team["To"] == HENDON_TEAM
    assert team["Subject"] == f"General enquiry {body['enquiry_id']}"
    assert "General enquiry" in _text(team)
    assert "Knee replacement" in _text(team)
    assert "BMI Hendon Hospital" in _text(team)
    assert patient["Reply-To"] == HENDON_TEAM
    for shown in ("General enquiry", "Knee replacement", "BMI Hendon Hospital", body["enquiry_id"]):
        assert shown in _text(patient)
    assert len(sent_emails()) == 2


def test_given_a_general_enquiry_with_a_specialty_then_its_label_is_snapshotted_and_mailed(client: Client) -> None:
    body = {key: value for key, value in GENERAL.items() if key != "treatment"} | {
        "specialty": "trauma-and-orthopaedics"
    }

    status, _, _ = post(client, body)
    notify(stream_event(), LAMBDA_CONTEXT)

    assert status == 202
    assert stored()[0]["routing"]["specialty_label"] == "Trauma and Orthopaedics"
    team, patient = _team_and_patient()
    assert "Trauma and Orthopaedics" in _text(team)
    assert "Trauma and Orthopaedics" in _text(patient)


@pytest.mark.parametrize("search", ["up", "down"])
def test_given_a_general_enquiry_naming_no_hospital_then_the_central_team_gets_it_search_or_not(
    client: Client, monkeypatch: pytest.MonkeyPatch, search: str
) -> None:
    if search == "down":
        monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")
        deps.reset()

    status, body, _ = post(client, CENTRAL)
    [item] = stored()
    sent = notify(stream_event(), LAMBDA_CONTEXT)

    assert status == 202
    assert not {"specialist_id", "hospital_id"} & set(item)
    assert item["routing"] == {"team_email": BASE_ENV["FALLBACK_TEAM_EMAIL"]}  # snapshotted: no search needed
    assert sent == {"batchItemFailures": []}
    team, patient = _team_and_patient()
    assert team["To"] == BASE_ENV["FALLBACK_TEAM_EMAIL"]
    assert team["Subject"] == f"General enquiry {body['enquiry_id']}"
    assert "central enquiries team" in _text(team)
    assert "General enquiry" in _text(patient)
    assert patient["Reply-To"] == BASE_ENV["FALLBACK_TEAM_EMAIL"]


def test_given_search_is_down_then_a_central_enquiry_with_a_slug_still_goes_to_the_central_team_showing_the_slug(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")
    deps.reset()

    status, _, _ = post(client, {**CENTRAL, "treatment": "knee-replacement"})
    [item] = stored()
    sent = notify(stream_event(), LAMBDA_CONTEXT)

    assert status == 202
    assert item["routing"] == {"team_email": BASE_ENV["FALLBACK_TEAM_EMAIL"]}  # no label: search could not say
    assert sent == {"batchItemFailures": []}
    team, patient = _team_and_patient()
    assert team["To"] == BASE_ENV["FALLBACK_TEAM_EMAIL"]
    assert "Treatment: knee-replacement" in _text(team)
    assert "Treatment: knee-replacement" in _text(patient)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hospital_id": "no-such-hospital"}, "hospital_id"),
        ({"hospital_id": "Hendon Hospital"}, "hospital_id"),
        ({"treatment": "no-such-treatment"}, "treatment"),
        ({"treatment": "Knee replacement"}, "treatment"),  # a label, not a slug
        ({"specialty": "no-such-specialty"}, "specialty"),
        ({"specialty": "Cardiology"}, "specialty"),
        ({"specialty": "cardiology", "specialist_id": "krish-nandy"}, "specialty"),
        ({"hospital_id": None, "treatment": "no-such-treatment"}, "treatment"),
    ],
)
def test_given_a_general_enquiry_with_an_unknown_id_or_slug_then_400_names_the_field_and_nothing_is_stored(
    client: Client, changes: dict[str, Any], field: str
) -> None:
    body = {key: value for key, value in {**GENERAL, **changes}.items() if value is not None}

    status, answer, _ = post(client, body)

    assert status == 400, answer
    assert answer["error"]["field"] == field
    assert stored() == []


def test_given_six_general_enquiries_from_one_address_in_an_hour_then_the_sixth_is_429(client: Client) -> None:
    statuses = [post(client, body)[0] for body in (GENERAL, CENTRAL, GOOD, GENERAL, CENTRAL, GENERAL)]

    assert statuses == [202] * 5 + [429]
    assert len(stored()) == 5


@pytest.mark.parametrize("general", [GENERAL, CENTRAL], ids=["hospital", "central"])
def test_given_a_general_enquiry_sent_twice_with_one_key_then_one_enquiry_and_one_email_each(
    client: Client, general: dict[str, Any]
) -> None:
    first = post(client, general, {"Idempotency-Key": "general-1"})
    again = post(client, general, {"Idempotency-Key": "general-1"})
    other = post(client, {**general, "message": "Something else"}, {"Idempotency-Key": "general-1"})

    assert first[0] == again[0] == 202
    assert first[1] == again[1]
    assert other[0] == 422
    assert len(stored()) == 1


@pytest.mark.parametrize("general", [GENERAL, CENTRAL], ids=["hospital", "central"])
def test_given_a_general_enquirys_record_delivered_twice_then_each_email_is_sent_once(
    client: Client, general: dict[str, Any]
) -> None:
    post(client, general)
    event = stream_event()

    first, again = notify(event, LAMBDA_CONTEXT), notify(event, LAMBDA_CONTEXT)

    assert first == again == {"batchItemFailures": []}
    assert len(sent_emails()) == 2
    assert [row["status"] for row in stored()] == ["sent"]


def test_given_search_is_down_then_a_general_enquiry_for_a_hospital_is_accepted_and_sent_once_search_is_back(
    client: Client, demo_index: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")
    deps.reset()

    status, _, _ = post(client, GENERAL)
    [item] = stored()
    event = stream_event()
    while_down = notify(event, LAMBDA_CONTEXT)
    monkeypatch.setenv("OPENSEARCH_URL", demo_index)
    deps.reset()
    redelivered = notify(event, LAMBDA_CONTEXT)

    assert status == 202
    assert "routing" not in item
    assert len(while_down["batchItemFailures"]) == 1
    assert redelivered == {"batchItemFailures": []}
    team, patient = _team_and_patient()
    assert team["To"] == HENDON_TEAM
    assert "Knee replacement" in _text(team)
    assert patient["Reply-To"] == HENDON_TEAM
    assert len(sent_emails()) == 2
    for personal in ("Aoife", "aoife@example.com", "7946", "appointment", "Brien"):
        assert personal not in caplog.text
