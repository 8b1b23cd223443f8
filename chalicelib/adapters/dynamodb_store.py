"""The enquiry store port on DynamoDB."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import tables

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from chalicelib.enquiries.record import Enquiry


class DuplicateEnquiry(Exception):
    """An enquiry with this id is already stored (ids are never reused)."""


class DynamoDBEnquiryStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table_name = table_name

    def ping(self) -> None:
        self._client.describe_table(TableName=self._table_name)

    def put_new(self, enquiry: Enquiry) -> None:
        """Store a new enquiry; never overwrite one (a conditional put)."""
        from boto3.dynamodb.types import TypeSerializer

        serializer = TypeSerializer()
        item = {name: serializer.serialize(value) for name, value in enquiry.to_item().items()}
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": tables.ENQUIRIES.partition_key},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            raise DuplicateEnquiry(enquiry.enquiry_id) from None
