"""The local stack's moto server: one request at a time, and transactions whose rollback
restores exactly what moto's own (whole-table) backup would."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.config import Config

from devstack.moto_server import SerialMotoServer
from devstack.processes import free_port

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

pytestmark = pytest.mark.integration

TABLE = "moto-transactions"


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[DynamoDBClient]:
    port = free_port()
    server = SerialMotoServer("127.0.0.1", port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=5).close()
        client = boto3.client(
            "dynamodb",
            endpoint_url=url,
            region_name="eu-west-2",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(account_id_endpoint_mode="disabled", retries={"total_max_attempts": 1}),
        )
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client
    finally:
        server.stop()


def _stream_records(client: DynamoDBClient) -> int:
    streams = boto3.client(
        "dynamodbstreams",
        endpoint_url=client.meta.endpoint_url,
        region_name="eu-west-2",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])


def _count(client: DynamoDBClient, pk: str) -> int | None:
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": pk}}, ConsistentRead=True).get("Item")
    return None if item is None else int(item["n"]["N"])


def _increment(pk: str, limit: int) -> TransactWriteItemTypeDef:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": pk}},
            "UpdateExpression": "ADD n :one",
            "ConditionExpression": "attribute_not_exists(n) OR n < :limit",
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":limit": {"N": str(limit)}},
        }
    }


def _put_new(pk: str) -> TransactWriteItemTypeDef:
    return {
        "Put": {
            "TableName": TABLE,
            "Item": {"pk": {"S": pk}, "n": {"N": "0"}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def test_given_a_transaction_whose_last_condition_fails_then_nothing_it_did_remains(
    dynamodb: DynamoDBClient,
) -> None:
    dynamodb.transact_write_items(TransactItems=[_increment("counter-a", limit=10), _increment("counter-b", limit=1)])
    records_before = _stream_records(dynamodb)

    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[_put_new("new-item"), _increment("counter-a", limit=10), _increment("counter-b", limit=1)]
        )

    assert _count(dynamodb, "new-item") is None
    assert _count(dynamodb, "counter-a") == 1  # updated in place by the failed transaction, then restored
    assert _count(dynamodb, "counter-b") == 1
    assert _stream_records(dynamodb) == records_before


def test_given_a_transaction_that_succeeds_then_every_write_and_stream_record_remains(
    dynamodb: DynamoDBClient,
) -> None:
    records_before = _stream_records(dynamodb)

    dynamodb.transact_write_items(TransactItems=[_put_new("kept-item"), _increment("counter-c", limit=10)])

    assert _count(dynamodb, "kept-item") == 0
    assert _count(dynamodb, "counter-c") == 1
    assert _stream_records(dynamodb) > records_before  # moto writes one or two records per change


def test_given_concurrent_transactions_on_one_counter_then_none_is_lost(dynamodb: DynamoDBClient) -> None:
    def one(number: int) -> None:
        dynamodb.transact_write_items(TransactItems=[_put_new(f"concurrent-{number}"), _increment("shared", 1000)])

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(one, range(200)))

    assert _count(dynamodb, "shared") == 200
    assert all(_count(dynamodb, f"concurrent-{number}") == 0 for number in range(200))
