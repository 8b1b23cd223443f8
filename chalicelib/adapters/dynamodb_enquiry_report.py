"""The report's rows (:class:`~chalicelib.enquiries.report.ReportRow`) from the enquiries table.

Only the attributes the figures need are read (a ``ProjectionExpression``): the times, the
outcome, and the routing snapshot's hospital id and name; never a name, address, phone number,
message or the team's address.

:meth:`DynamoDBEnquiryReport.rows` **scans** the table (paginated, filtered on ``created_at``
when given a range). That is acceptable here: an operator runs the weekly report by hand
(``python -m enquiries.report``), and a filter still reads, and bills, the whole table. Nothing
on a patient's or a team's path may scan (the data rights' look-ups use keys or an index).
:meth:`row` reads one enquiry by its key (the metrics of a team's acknowledgement).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from chalicelib import tables
from chalicelib.enquiries.report import ReportRow

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import ScanInputTypeDef

# Placeholder -> attribute path: every name is a placeholder, so no reserved word can bite.
NAMES = {
    "#created": "created_at",
    "#reply": "reply_by",
    "#ack": "acknowledged_at",
    "#ack_s": "acknowledge_s",
    "#outcome": "outcome",
    "#escalated": "escalated_at",
    "#routing": "routing",
    "#hid": "hospital_id",
    "#hname": "hospital_name",
}
PROJECTION = "#created, #reply, #ack, #ack_s, #outcome, #escalated, #routing.#hid, #routing.#hname"
# What a projected item may hold: a test checks that nothing else comes back.
ATTRIBUTES = frozenset(
    {"created_at", "reply_by", "acknowledged_at", "acknowledge_s", "outcome", "escalated_at", "routing"}
)


class DynamoDBEnquiryReport:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table_name = table_name

    def rows(self, since: str | None = None, until: str | None = None) -> Iterator[ReportRow]:
        """Every enquiry taken from ``since`` (inclusive) to ``until`` (exclusive), RFC 3339 UTC
        as stored; either bound may be left open. A paginated scan: see the module's note."""
        request: ScanInputTypeDef = {
            "TableName": self._table_name,
            "ProjectionExpression": PROJECTION,
            "ExpressionAttributeNames": dict(NAMES),
        }
        conditions, values = [], {}
        if since is not None:
            conditions.append("#created >= :since")
            values[":since"] = {"S": since}
        if until is not None:
            conditions.append("#created < :until")
            values[":until"] = {"S": until}
        if conditions:
            request["FilterExpression"] = " AND ".join(conditions)
            request["ExpressionAttributeValues"] = values
        while True:
            page = self._client.scan(**request)
            for item in page.get("Items", []):
                yield to_row(item)
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def row(self, enquiry_id: str) -> ReportRow | None:
        found = self._client.get_item(
            TableName=self._table_name,
            Key={tables.ENQUIRIES.partition_key: {"S": enquiry_id}},
            ConsistentRead=True,
            ProjectionExpression=PROJECTION,
            ExpressionAttributeNames=dict(NAMES),
        )
        item = found.get("Item")
        return None if item is None else to_row(item)


def to_row(item: Mapping[str, Any]) -> ReportRow:
    """A row from a projected item in DynamoDB's wire format."""

    def text(name: str, within: Mapping[str, Any] = item) -> str | None:
        value = within.get(name)
        return str(value["S"]) if value is not None and "S" in value else None

    routing: Mapping[str, Any] = item.get("routing", {}).get("M", {})
    seconds = item.get("acknowledge_s", {}).get("N")
    created_at = text("created_at")
    if created_at is None:
        raise ValueError("an enquiry without created_at")
    return ReportRow(
        created_at=created_at,
        hospital_id=text("hospital_id", routing),
        hospital_name=text("hospital_name", routing),
        reply_by=text("reply_by"),
        acknowledged_at=text("acknowledged_at"),
        acknowledge_s=None if seconds is None else int(seconds),
        outcome=text("outcome"),
        escalated_at=text("escalated_at"),
    )
