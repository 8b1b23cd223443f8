"""The enquiry store port on DynamoDB."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chalicelib import tables
from chalicelib.enquiries.limits import RateLimit, RateLimited
from chalicelib.ports import StoreUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from chalicelib.enquiries.record import Enquiry

log = logging.getLogger(__name__)


class DuplicateEnquiry(Exception):
    """An enquiry with this id is already stored (ids are never reused)."""


class DynamoDBEnquiryStore:
    def __init__(self, client: DynamoDBClient, table_name: str, rate_limit_table: str) -> None:
        self._client = client
        self._table_name = table_name
        self._rate_limit_table = rate_limit_table

    def ping(self) -> None:
        self._client.describe_table(TableName=self._table_name)

    def put_new(self, enquiry: Enquiry, limits: Sequence[RateLimit] = ()) -> None:
        """Count the enquiry against each limit and store it, all or nothing, in one round
        trip (a transaction): over a limit, nothing is stored and nothing counted."""
        from boto3.dynamodb.types import TypeSerializer

        serializer = TypeSerializer()
        item = {name: serializer.serialize(value) for name, value in enquiry.to_item().items()}
        actions: list[Any] = [_count(self._rate_limit_table, limit) for limit in limits]
        actions.append(
            {
                "Put": {
                    "TableName": self._table_name,
                    "Item": item,
                    "ConditionExpression": "attribute_not_exists(#id)",
                    "ExpressionAttributeNames": {"#id": tables.ENQUIRIES.partition_key},
                }
            }
        )
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client.transact_write_items(TransactItems=actions)
        except self._client.exceptions.TransactionCanceledException as exc:
            reasons = [reason.get("Code") for reason in exc.response.get("CancellationReasons", [])]
            over = [limit for limit, code in zip(limits, reasons, strict=False) if code == "ConditionalCheckFailed"]
            if over:
                raise RateLimited(max(limit.retry_after_s for limit in over)) from None
            if reasons and reasons[-1] == "ConditionalCheckFailed":
                raise DuplicateEnquiry(enquiry.enquiry_id) from None
            raise StoreUnavailable(f"transaction cancelled: {reasons}") from None
        except (BotoCoreError, ClientError) as exc:
            log.error("enquiry %s not stored: %s", enquiry.enquiry_id, type(exc).__name__)
            raise StoreUnavailable(type(exc).__name__) from None


def _count(table: str, limit: RateLimit) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table,
            "Key": {tables.RATE_LIMITS.partition_key: {"S": limit.counter_key}},
            "UpdateExpression": "ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)",
            "ConditionExpression": "attribute_not_exists(#n) OR #n < :limit",
            "ExpressionAttributeNames": {"#n": "count", "#ttl": tables.RATE_LIMITS.ttl_attribute},
            "ExpressionAttributeValues": {
                ":one": {"N": "1"},
                ":limit": {"N": str(limit.limit)},
                ":ttl": {"N": str(limit.expires_at)},
            },
        }
    }
