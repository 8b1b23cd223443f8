"""A rate limit counted alone in the rate-limit table (``POST /events``): one conditional
``UpdateItem``, the same counter item an enquiry's transaction writes
(:func:`chalicelib.adapters.dynamodb_store.count_update`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.adapters.dynamodb_store import count_update

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from chalicelib.enquiries.limits import RateLimit


class DynamoDBRateCounter:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def take(self, limit: RateLimit) -> bool:
        """Count one against ``limit``; False, counting nothing, once it is reached. Other
        errors (the table unreachable, throttled) are raised."""
        try:
            self._client.update_item(**count_update(self._table, limit))
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True
