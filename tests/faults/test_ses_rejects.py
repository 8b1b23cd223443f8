"""SES refusing mail in the local stack's own path: API → DynamoDB stream → worker → notify →
SES (moto's), with the dead-letter queue on moto's SQS. The sender identity is withdrawn, so
SES answers MessageRejected as it does for an unverified sender.

tests/integration/test_notify.py covers the rest of the SES item with scripted SES answers
(throttled then accepted, throttled past every attempt, one rejection in a batch, the same
record twice, the dead-letter queue unreachable); this is the one end-to-end check.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest
import requests

from devstack.stack import LocalStack
from tests.faults.helpers import mails_for, planned_enquiries, stored_enquiry, wait_until

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

pytestmark = pytest.mark.faults


def _sesv2(stack: LocalStack) -> SESV2Client:
    import boto3

    region = stack.settings().region
    return boto3.client(
        "sesv2",
        endpoint_url=stack.moto_url,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def _sqs(stack: LocalStack) -> SQSClient:
    import boto3

    region = stack.settings().region
    return boto3.client(
        "sqs", endpoint_url=stack.moto_url, region_name=region, aws_access_key_id="local", aws_secret_access_key="local"
    )


def _parked(sqs: SQSClient, queue_url: str) -> list[dict[str, Any]]:
    received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return [json.loads(message["Body"]) for message in received.get("Messages", [])]


def test_given_ses_rejects_in_the_worker_path_then_the_enquiry_is_parked_and_failed_once_and_later_ones_are_sent(
    stack: LocalStack,
) -> None:
    settings = stack.settings()
    ses = _sesv2(stack)
    sqs = _sqs(stack)
    queue_url = sqs.get_queue_url(QueueName=settings.dead_letter_queue)["QueueUrl"]
    plan = planned_enquiries("ses-rejects")

    ses.delete_email_identity(EmailIdentity=settings.ses_sender)
    try:
        rejected = requests.post(f"{stack.api_url}/enquiries", json=next(plan).body, timeout=30)
        assert rejected.status_code == 202, rejected.text
        reference = rejected.json()["enquiry_id"]

        def failed() -> bool:
            item = stored_enquiry(stack, reference)
            return item is not None and item["status"] == "failed"

        assert wait_until(failed, 30, pause_s=0.3), stored_enquiry(stack, reference)
    finally:
        ses.create_email_identity(EmailIdentity=settings.ses_sender)

    item = stored_enquiry(stack, reference)
    assert item is not None
    assert item["failure_reason"] == "team:MessageRejected"
    assert item["email"] == "ses-rejects.0@example.com"  # the enquiry is kept whole for a replay
    assert _parked(sqs, queue_url) == [{"enquiry_id": reference, "reason": "team:MessageRejected"}]

    # SES takes mail again: the next enquiry goes out once each; the failed one is not retried.
    planned = next(plan)
    accepted = requests.post(f"{stack.api_url}/enquiries", json=planned.body, timeout=30)
    assert accepted.status_code == 202, accepted.text
    later = accepted.json()["enquiry_id"]
    assert wait_until(lambda: len(mails_for(stack, later)) >= 2, 30, pause_s=0.3)
    time.sleep(1.5)  # a duplicate, or a late send of the failed one, would have come by now
    assert sorted(str(mail["to"]) for mail in mails_for(stack, later)) == sorted(
        [planned.team_email, planned.patient_email]
    )
    assert mails_for(stack, reference) == []
    assert _parked(sqs, queue_url) == []  # parked once only
    assert stored_enquiry(stack, reference) == item
