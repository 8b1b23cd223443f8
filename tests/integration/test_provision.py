"""Provisioning creates what the code expects, under moto, and is safe to repeat.

The expected names are written out here rather than read from :mod:`chalicelib.tables`:
Powertools finds its records under ``id`` and ``expiration``, the sweep queries the
``unsent`` index, and a spec that drifted from them must fail here too."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.config import Settings, get_settings
from devstack.provision import provision

pytestmark = pytest.mark.integration


def assert_provisioned(settings: Settings, session: boto3.Session) -> None:
    """Each table with its key, TTL attribute, stream and index; the queue; the sender verified."""
    dynamodb = session.client("dynamodb")
    enquiries = dynamodb.describe_table(TableName=settings.enquiries_table)["Table"]
    assert enquiries["KeySchema"] == [{"AttributeName": "enquiry_id", "KeyType": "HASH"}]
    assert enquiries["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    indexes = {index["IndexName"]: index for index in enquiries["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"unsent", "awaiting-reply", "by-email"}
    unsent, awaiting, by_email = indexes["unsent"], indexes["awaiting-reply"], indexes["by-email"]
    assert (unsent["IndexName"], unsent["KeySchema"], unsent["Projection"]) == (
        "unsent",
        [{"AttributeName": "unsent", "KeyType": "HASH"}, {"AttributeName": "created_at", "KeyType": "RANGE"}],
        {"ProjectionType": "KEYS_ONLY"},
    )
    assert (awaiting["IndexName"], awaiting["KeySchema"], awaiting["Projection"]) == (
        "awaiting-reply",
        [{"AttributeName": "awaiting_reply", "KeyType": "HASH"}, {"AttributeName": "due_at", "KeyType": "RANGE"}],
        {"ProjectionType": "KEYS_ONLY"},
    )
    # Data rights find a patient's enquiries by the keyed hash of the address (chalicelib.enquiries.rights).
    assert (by_email["KeySchema"], by_email["Projection"]) == (
        [{"AttributeName": "email_key", "KeyType": "HASH"}, {"AttributeName": "created_at", "KeyType": "RANGE"}],
        {"ProjectionType": "KEYS_ONLY"},
    )
    for name, key, ttl_attribute in (
        (settings.enquiries_table, "enquiry_id", "expires_at"),
        (settings.idempotency_table, "id", "expiration"),
        (settings.rate_limit_table, "counter_key", "expires_at"),
    ):
        table = dynamodb.describe_table(TableName=name)["Table"]
        assert table["KeySchema"] == [{"AttributeName": key, "KeyType": "HASH"}], name
        assert {"AttributeName": key, "AttributeType": "S"} in table["AttributeDefinitions"], name
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", name
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl_attribute}, name
    for name in (settings.idempotency_table, settings.rate_limit_table):
        assert "StreamSpecification" not in dynamodb.describe_table(TableName=name)["Table"], name

    sqs = session.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=settings.dead_letter_queue)["QueueUrl"]
    assert queue_url.endswith(f"/{settings.dead_letter_queue}")

    ses = session.client("sesv2")
    assert ses.get_email_identity(EmailIdentity=settings.ses_sender)["IdentityType"] == "EMAIL_ADDRESS"
    # SES refuses to send from an unverified identity: sending proves provisioning verified it.
    sent = ses.send_email(
        FromEmailAddress=settings.ses_sender,
        Destination={"ToAddresses": ["team@hospital.example"]},
        Content={"Simple": {"Subject": {"Data": "test"}, "Body": {"Text": {"Data": "test"}}}},
    )
    assert sent["MessageId"]


def test_given_provisioning_ran_then_tables_queue_and_sender_exist(aws: None) -> None:
    settings = get_settings()

    assert_provisioned(settings, boto3.Session(region_name=settings.region))


def test_given_provisioning_ran_when_run_again_then_nothing_fails_and_nothing_is_lost(aws: None) -> None:
    settings = get_settings()
    session = boto3.Session(region_name=settings.region)
    dynamodb, sqs = session.client("dynamodb"), session.client("sqs")
    dynamodb.put_item(TableName=settings.enquiries_table, Item={"enquiry_id": {"S": "kept"}})
    queue_url = sqs.get_queue_url(QueueName=settings.dead_letter_queue)["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody='{"enquiry_id": "parked"}')

    provision(settings, session)

    assert_provisioned(settings, session)
    kept = dynamodb.get_item(TableName=settings.enquiries_table, Key={"enquiry_id": {"S": "kept"}}, ConsistentRead=True)
    assert kept["Item"] == {"enquiry_id": {"S": "kept"}}
    [parked] = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert parked["Body"] == '{"enquiry_id": "parked"}'
