"""The moto server (DynamoDB, SES, SQS) stopped mid-run: enquiries get a quick, plain 503 and
nothing is kept or sent for them; search carries on; once it is back, enquiries work again and
nothing sent before the outage is sent twice.

The local stack runs moto in-process, so "stopped" is its HTTP server shut down: connections
are refused as they would be from a dead process, while its state (tables, stream, outbox)
survives, as the real services' would, and comes back with it on the same port.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from devstack.outbox import local_outbox
from devstack.stack import LocalStack
from tests.faults.helpers import PlannedEnquiry, mails_for, planned_enquiries, stored_patient_addresses, wait_until

pytestmark = pytest.mark.faults

ENQUIRY_BOUND_S = 5.0  # the store client's bounded attempts included


def submit(stack: LocalStack, planned: PlannedEnquiry, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(f"{stack.api_url}/enquiries", json=planned.body, headers=headers, timeout=30)


def two_mails(stack: LocalStack, reference: str, planned: PlannedEnquiry) -> list[str]:
    """The recipients of the enquiry's e-mails once both arrived (and a duplicate could have)."""
    assert wait_until(lambda: len(mails_for(stack, reference)) >= 2, 30, pause_s=0.3), "the e-mails never came"
    time.sleep(1.5)
    return sorted(str(mail["to"]) for mail in mails_for(stack, reference))


def test_given_the_store_goes_away_then_enquiries_answer_503_quickly_and_nothing_is_kept_or_sent(
    stack: LocalStack,
) -> None:
    plan = planned_enquiries("store-outage")
    before = next(plan)
    accepted = submit(stack, before)
    assert accepted.status_code == 202, accepted.text
    reference = accepted.json()["enquiry_id"]
    assert two_mails(stack, reference, before) == sorted([before.team_email, before.patient_email])

    stack.stop_store()
    try:
        refused: list[PlannedEnquiry] = []
        answers: list[tuple[float, requests.Response]] = []
        for key in (None, "fault-test-key-1"):  # with an Idempotency-Key, its table is down too
            planned = next(plan)
            started = time.monotonic()
            response = submit(stack, planned, {"Idempotency-Key": key} if key else None)
            answers.append((time.monotonic() - started, response))
            refused.append(planned)
        searched = requests.get(f"{stack.api_url}/specialists", params={"q": "psychiatrist"}, timeout=30)
        health = requests.get(f"{stack.api_url}/health", timeout=30)
    finally:
        stack.start_store()

    for elapsed, response in answers:
        assert response.status_code == 503, response.text
        assert elapsed <= ENQUIRY_BOUND_S, f"{elapsed:.1f}s to say 503"
        assert response.headers["Content-Type"] == "application/json"
        assert int(response.headers["Retry-After"]) >= 1
        body: dict[str, Any] = response.json()
        assert body["error"]["code"] == "unavailable"
        assert "Traceback" not in response.text
        assert "store-outage" not in response.text  # no personal data echoed
    assert searched.status_code == 200
    assert searched.json()["results"]
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "checks": {"search": "ok", "enquiries_store": "unavailable"}}

    # Back again: a new enquiry is taken and e-mailed once; the refused ones never are; the one
    # e-mailed before the outage is not e-mailed again when the stream worker reads on.
    after = next(plan)
    accepted = submit(stack, after)
    assert accepted.status_code == 202, accepted.text
    assert two_mails(stack, accepted.json()["enquiry_id"], after) == sorted([after.team_email, after.patient_email])
    assert len(mails_for(stack, reference)) == 2
    refused_addresses = {planned.patient_email for planned in refused}
    assert not refused_addresses & stored_patient_addresses(stack), "a refused enquiry was kept"
    for mail in local_outbox(stack.moto_url):
        assert not refused_addresses & {str(mail["to"]), str(mail["reply_to"])}, "a refused enquiry was e-mailed"
