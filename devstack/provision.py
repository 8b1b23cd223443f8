"""Create the tables, queue and SES identity the code expects, from its own settings.

Runs against moto (in-process or server) for tests and the local stack; in AWS the
CDK stack creates the same resources from the same :mod:`chalicelib.tables` specs.
Safe to run twice.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from chalicelib import tables
from chalicelib.config import Settings

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        CreateTableInputTypeDef,
        GlobalSecondaryIndexTypeDef,
        StreamSpecificationTypeDef,
    )


def provision(settings: Settings, session: boto3.Session, endpoint_url: str | None = None) -> None:
    """``endpoint_url`` names a moto server; leave it out under in-process ``mock_aws``."""
    from botocore.config import Config

    dynamodb = session.client("dynamodb", endpoint_url=endpoint_url, config=Config(account_id_endpoint_mode="disabled"))
    _create_table(dynamodb, settings.enquiries_table, tables.ENQUIRIES)
    _create_table(dynamodb, settings.idempotency_table, tables.IDEMPOTENCY)
    _create_table(dynamodb, settings.rate_limit_table, tables.RATE_LIMITS)
    session.client("sqs", endpoint_url=endpoint_url).create_queue(QueueName=settings.dead_letter_queue)
    ses = session.client("sesv2", endpoint_url=endpoint_url)
    with contextlib.suppress(ses.exceptions.AlreadyExistsException):
        ses.create_email_identity(EmailIdentity=settings.ses_sender)


def _create_table(client: DynamoDBClient, name: str, spec: tables.TableSpec) -> None:
    stream: StreamSpecificationTypeDef = (
        {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"} if spec.stream_new_images else {"StreamEnabled": False}
    )
    keys = [spec.partition_key]
    indexes: list[GlobalSecondaryIndexTypeDef] = []
    for index in spec.indexes:
        keys += [key for key in (index.partition_key, index.sort_key) if key not in keys]
        indexes.append(
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        )
    request: CreateTableInputTypeDef = {
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"} for key in keys],
        "KeySchema": [{"AttributeName": spec.partition_key, "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": stream,
    }
    if indexes:
        request["GlobalSecondaryIndexes"] = indexes
    try:
        client.create_table(**request)
    except client.exceptions.ResourceInUseException:
        return
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute}
    )
