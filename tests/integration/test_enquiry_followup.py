"""The team's links after the e-mail: GET shows, POST records, through the Chalice app with
moto for DynamoDB and the real OpenSearch node (demo catalog) for routing."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib.enquiries.links import Purpose, issue, link_expiry
from tests.conftest import BASE_ENV
from tests.enquiries import GOOD
from tests.integration.test_enquiries_api import client

pytestmark = pytest.mark.integration
__all__ = ["client"]  # the Chalice client fixture of the enquiry API tests: moto and the demo catalog

KEY = BASE_ENV["ENQUIRY_LINK_KEY"].encode()
NEVER_STORED = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


@pytest.fixture
def enquiry_id(client: Client) -> str:
    response = client.http.post("/enquiries", headers={"Content-Type": "application/json"}, body=json.dumps(GOOD))
    assert response.status_code == 202
    return str(json.loads(response.body)["enquiry_id"])


def token(enquiry_id: str, purpose: Purpose, expires_at: int | None = None) -> str:
    return issue(KEY, enquiry_id, purpose, link_expiry(int(time.time())) if expires_at is None else expires_at)


def look(client: Client, action: str, link_token: str) -> tuple[int, dict[str, Any]]:
    response = client.http.get(f"/enquiry-actions/{action}/{link_token}")
    return response.status_code, json.loads(response.body)


def confirm(client: Client, action: str, link_token: str, form: bool = False) -> tuple[int, dict[str, Any]]:
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    response = client.http.post(
        f"/enquiry-actions/{action}/{link_token}", headers={"Content-Type": content_type}, body=b"" if form else "{}"
    )
    return response.status_code, json.loads(response.body)


def stored(enquiry_id: str) -> dict[str, Any]:
    table = boto3.resource("dynamodb").Table(BASE_ENV["ENQUIRIES_TABLE"])
    return dict(table.get_item(Key={"enquiry_id": enquiry_id}, ConsistentRead=True)["Item"])


def test_given_a_link_previewed_then_the_page_says_what_it_does_and_nothing_is_recorded(
    client: Client, enquiry_id: str
) -> None:
    status, page = look(client, "acknowledge", token(enquiry_id, "acknowledge"))
    look(client, "booked", token(enquiry_id, "booked"))  # a mail scanner fetching every link

    assert status == 200
    assert page == {
        "reference": enquiry_id,
        "action": "acknowledge",
        "title": "Acknowledge this enquiry",
        "done": False,
        "recorded": {"acknowledged_at": None, "outcome": None, "outcome_at": None},
    }
    assert not {"acknowledged_at", "acknowledge_s", "outcome", "outcome_at"} & set(stored(enquiry_id))


def test_given_the_team_acknowledges_twice_then_it_is_recorded_once_with_the_time_it_took(
    client: Client, enquiry_id: str
) -> None:
    link = token(enquiry_id, "acknowledge")

    first_status, first = confirm(client, "acknowledge", link)
    again_status, again = confirm(client, "acknowledge", link)
    _, page = look(client, "acknowledge", link)

    assert (first_status, again_status) == (200, 200)
    assert (first["changed"], again["changed"]) == (True, False)
    assert first["done"]
    assert again["done"]
    assert page["done"]
    acknowledged_at = first["recorded"]["acknowledged_at"]
    assert acknowledged_at is not None
    assert again["recorded"]["acknowledged_at"] == page["recorded"]["acknowledged_at"] == acknowledged_at
    item = stored(enquiry_id)
    assert item["acknowledged_at"] == acknowledged_at
    assert 0 <= int(item["acknowledge_s"]) <= 60
    assert item["email"] == GOOD["email"]  # every other field kept


def test_given_an_outcome_then_it_acknowledges_too_and_another_outcome_replaces_it(
    client: Client, enquiry_id: str
) -> None:
    booked_status, booked = confirm(client, "booked", token(enquiry_id, "booked"), form=True)
    _, corrected = confirm(client, "not_suitable", token(enquiry_id, "not_suitable"))
    _, repeated = confirm(client, "not_suitable", token(enquiry_id, "not_suitable"))
    _, booked_page = look(client, "booked", token(enquiry_id, "booked"))

    assert booked_status == 200
    assert booked["changed"]
    assert booked["recorded"]["outcome"] == "booked"
    assert booked["recorded"]["acknowledged_at"] == booked["recorded"]["outcome_at"]
    assert corrected["changed"]
    assert corrected["recorded"]["outcome"] == "not_suitable"
    assert corrected["recorded"]["acknowledged_at"] == booked["recorded"]["acknowledged_at"]
    assert not repeated["changed"]
    assert repeated["recorded"] == corrected["recorded"]
    assert booked_page["done"] is False  # the outcome now recorded is another one
    assert stored(enquiry_id)["outcome"] == "not_suitable"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_given_links_that_are_not_ours_then_404_and_nothing_is_recorded(
    client: Client, enquiry_id: str, method: str
) -> None:
    good = token(enquiry_id, "acknowledge")
    flipped = good[:10] + ("A" if good[10] != "A" else "B") + good[11:]
    attempts = [
        ("acknowledge", flipped),  # tampered
        ("acknowledge", good[:-1]),  # cut short
        ("booked", good),  # a token for another action
        ("cancel", good),  # no such action
        ("acknowledge", issue(b"k" * 32, enquiry_id, "acknowledge", link_expiry(int(time.time())))),  # another key
    ]
    for action, link in attempts:
        response = client.http.request(method, f"/enquiry-actions/{action}/{link}", headers={}, body=b"")
        body = json.loads(response.body)

        assert response.status_code == 404, (action, link)
        assert body["error"]["code"] == "link_invalid"
        assert enquiry_id not in response.body.decode()

    assert not {"acknowledged_at", "outcome"} & set(stored(enquiry_id))


def test_given_an_expired_link_then_410_and_nothing_is_recorded(client: Client, enquiry_id: str) -> None:
    expired = token(enquiry_id, "acknowledge", expires_at=int(time.time()) - 1)

    status, body = confirm(client, "acknowledge", expired)

    assert status == 410
    assert body["error"]["code"] == "link_expired"
    assert "acknowledged_at" not in stored(enquiry_id)


def test_given_an_authentic_link_to_an_enquiry_no_longer_held_then_404_enquiry_gone(client: Client) -> None:
    status, body = confirm(client, "acknowledge", token(NEVER_STORED, "acknowledge"))
    look_status, _ = look(client, "acknowledge", token(NEVER_STORED, "acknowledge"))

    assert (status, look_status) == (404, 404)
    assert body["error"]["code"] == "enquiry_gone"
    table = boto3.resource("dynamodb").Table(BASE_ENV["ENQUIRIES_TABLE"])
    assert "Item" not in table.get_item(Key={"enquiry_id": NEVER_STORED})  # no stub item created
