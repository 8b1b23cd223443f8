"""The bootstrap creates what the code expects, under moto, and is safe to repeat."""

from __future__ import annotations

import boto3
import pytest

from chalicelib import tables
from chalicelib.config import get_settings
from devstack.bootstrap import bootstrap

pytestmark = pytest.mark.integration


def test_given_bootstrap_ran_then_tables_queue_and_sender_exist(aws: None) -> None:
    settings = get_settings()
    session = boto3.Session(region_name=settings.region)
    dynamodb = session.client("dynamodb")

    enquiries = dynamodb.describe_table(TableName=settings.enquiries_table)["Table"]
    assert enquiries["KeySchema"] == [{"AttributeName": tables.ENQUIRIES.partition_key, "KeyType": "HASH"}]
    assert enquiries["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    for name, spec in (
        (settings.enquiries_table, tables.ENQUIRIES),
        (settings.idempotency_table, tables.IDEMPOTENCY),
        (settings.rate_limit_table, tables.RATE_LIMITS),
    ):
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": spec.ttl_attribute}
    assert "StreamSpecification" not in dynamodb.describe_table(TableName=settings.rate_limit_table)["Table"]

    session.client("sqs").get_queue_url(QueueName=settings.dead_letter_queue)
    # SES refuses to send from an unverified identity: sending proves the bootstrap verified it.
    sent = session.client("sesv2").send_email(
        FromEmailAddress=settings.ses_sender,
        Destination={"ToAddresses": ["team@hospital.example"]},
        Content={"Simple": {"Subject": {"Data": "test"}, "Body": {"Text": {"Data": "test"}}}},
    )
    assert sent["MessageId"]


def test_given_bootstrap_ran_when_run_again_then_nothing_fails(aws: None) -> None:
    settings = get_settings()

    bootstrap(settings, boto3.Session(region_name=settings.region))
