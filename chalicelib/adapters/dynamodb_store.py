"""The enquiry store (the API's conditional put) and enquiry progress (notify's marks) ports on DynamoDB."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any, TypeVar, cast

from chalicelib import tables
from chalicelib.enquiries.limits import RateLimit, RateLimited
from chalicelib.enquiries.ports import MESSAGE_KINDS, Claim, StoreUnavailable

if TYPE_CHECKING:
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

    from chalicelib.enquiries.followup import FollowUpState, Outcome
    from chalicelib.enquiries.ports import MessageKind
    from chalicelib.enquiries.record import Enquiry

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# The lease on an enquiry's e-mails: who holds it, and until when (epoch seconds).
LEASE_HOLDER = "claim_token"
LEASE_EXPIRES_AT = "claim_expires_at"


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
        # In the unsent index until finish() or mark_failed() removes it: the sweep's list.
        item[tables.UNSENT.partition_key] = {"S": tables.UNSENT.value}
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
            if reasons and reasons[-1] == "ConditionalCheckFailed" and self._is_stored(enquiry.enquiry_id):
                # Ids are fresh ULIDs: the item is ours, written by an attempt whose answer
                # was lost and that botocore then retried. The enquiry is accepted.
                return
            raise StoreUnavailable(f"transaction cancelled: {reasons}") from None
        except (BotoCoreError, ClientError) as exc:
            # The outcome is unknown (a timeout may hide a commit): never tell the patient
            # "nothing was sent" about an enquiry that is in fact stored and on its way.
            if self._is_stored(enquiry.enquiry_id):
                return
            log.error("enquiry %s not stored: %s", enquiry.enquiry_id, type(exc).__name__)
            raise StoreUnavailable(type(exc).__name__) from None

    def _is_stored(self, enquiry_id: str) -> bool:
        """A strongly consistent read; False when even that cannot be had."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            found = self._client.get_item(TableName=self._table_name, Key=self._key(enquiry_id), ConsistentRead=True)
        except (BotoCoreError, ClientError):
            return False
        return "Item" in found

    # --- Notify's progress marks (the EnquiryProgress port) ------------------------------

    def claim(self, enquiry_id: str, token: str, now: datetime, lease_s: int) -> Claim:
        """Status ``sending`` and a lease until ``now + lease_s``, if still to send and not
        leased; else, from the item as it was, ``busy`` (leased) or ``done``."""
        epoch = int(now.timestamp())
        try:
            answer = self._client.update_item(
                TableName=self._table_name,
                Key=self._key(enquiry_id),
                UpdateExpression="SET #status = :sending, #token = :token, #expires = :expires",
                ConditionExpression=(
                    "#status IN (:received, :sending) AND (attribute_not_exists(#expires) OR #expires <= :now)"
                ),
                ExpressionAttributeNames={"#status": "status", "#token": LEASE_HOLDER, "#expires": LEASE_EXPIRES_AT},
                ExpressionAttributeValues={
                    ":received": {"S": "received"},
                    ":sending": {"S": "sending"},
                    ":token": {"S": token},
                    ":expires": {"N": str(epoch + lease_s)},
                    ":now": {"N": str(epoch)},
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self._client.exceptions.ConditionalCheckFailedException as exc:
            old = exc.response.get("Item")  # the item as it was: why the condition failed
            status = old.get("status", {}).get("S") if isinstance(old, dict) else None
            return Claim("busy") if status in ("received", "sending") else Claim("done")
        item = answer["Attributes"]
        return Claim("claimed", tuple(kind for kind in MESSAGE_KINDS if _sent_at(kind) not in item))

    def mark_sent(self, enquiry_id: str, kind: MessageKind, message_id: str, now: datetime) -> None:
        """Kept even if the lease ran out meanwhile: the e-mail went, whoever holds the claim."""
        self._client.update_item(
            TableName=self._table_name,
            Key=self._key(enquiry_id),
            UpdateExpression="SET #sent_at = if_not_exists(#sent_at, :now), #id = if_not_exists(#id, :message_id)",
            ConditionExpression="attribute_exists(#key)",
            ExpressionAttributeNames={
                "#key": tables.ENQUIRIES.partition_key,
                "#sent_at": _sent_at(kind),
                "#id": f"{kind}_message_id",
            },
            ExpressionAttributeValues={":now": {"S": _timestamp(now)}, ":message_id": {"S": message_id}},
        )

    def finish(self, enquiry_id: str, token: str) -> None:
        self._if_claimed(
            enquiry_id,
            token,
            "SET #status = :sent REMOVE #token, #expires, #unsent",
            {"#status": "status", "#unsent": tables.UNSENT.partition_key},
            {":sent": "sent"},
        )

    def release(self, enquiry_id: str, token: str) -> None:
        self._if_claimed(enquiry_id, token, "REMOVE #token, #expires", {}, {})

    def mark_failed(self, enquiry_id: str, reason: str, now: datetime) -> None:
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self._table_name,
                Key=self._key(enquiry_id),
                UpdateExpression=(
                    "SET #status = :failed, #reason = :reason, #failed_at = :now REMOVE #token, #expires, #unsent"
                ),
                ConditionExpression="#status IN (:received, :sending)",
                ExpressionAttributeNames={
                    "#status": "status",
                    "#reason": "failure_reason",
                    "#failed_at": "failed_at",
                    "#token": LEASE_HOLDER,
                    "#expires": LEASE_EXPIRES_AT,
                    "#unsent": tables.UNSENT.partition_key,
                },
                ExpressionAttributeValues={
                    ":failed": {"S": "failed"},
                    ":reason": {"S": reason},
                    ":now": {"S": _timestamp(now)},
                    ":received": {"S": "received"},
                    ":sending": {"S": "sending"},
                },
            )

    # --- The sweep's list (the UnsentEnquiries port) -------------------------------------

    def unsent_ids(self, created_before: datetime, limit: int) -> list[str]:
        """Ids of enquiries not yet sent or failed, created before ``created_before``, oldest
        first, at most ``limit``: a Query on the sparse index, page by page. The index is
        eventually consistent: an id may already be done; the claim tells."""
        index = tables.UNSENT
        ids: list[str] = []
        start: dict[str, Any] | None = None
        while len(ids) < limit:
            request: QueryInputTypeDef = {
                "TableName": self._table_name,
                "IndexName": index.name,
                "KeyConditionExpression": "#unsent = :pending AND #created < :before",
                "ExpressionAttributeNames": {"#unsent": index.partition_key, "#created": index.sort_key},
                "ExpressionAttributeValues": {
                    ":pending": {"S": index.value},
                    ":before": {"S": _timestamp(created_before)},
                },
                "Limit": limit - len(ids),
            }
            if start:
                request["ExclusiveStartKey"] = start
            page = self._client.query(**request)
            ids.extend(item[tables.ENQUIRIES.partition_key]["S"] for item in page.get("Items", []))
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        return ids

    def load(self, enquiry_id: str) -> Enquiry | None:
        """The enquiry as stored now (a strongly consistent read); None once it is gone."""
        from boto3.dynamodb.types import TypeDeserializer

        from chalicelib.enquiries.record import Enquiry

        found = self._client.get_item(TableName=self._table_name, Key=self._key(enquiry_id), ConsistentRead=True)
        if "Item" not in found:
            return None
        deserializer = TypeDeserializer()
        return Enquiry.from_item({name: deserializer.deserialize(value) for name, value in found["Item"].items()})

    # --- After the e-mail: what the team records (FollowUps) ---------------------------------

    def follow_up(self, enquiry_id: str) -> FollowUpState | None:
        from chalicelib.enquiries.followup import FollowUpState

        found = self._guarded(
            lambda: self._client.get_item(
                TableName=self._table_name,
                Key=self._key(enquiry_id),
                ConsistentRead=True,
                ProjectionExpression="created_at, acknowledged_at, outcome, outcome_at",
            )
        )
        item = found.get("Item")
        if item is None:
            return None
        text = {name: value["S"] for name, value in item.items() if "S" in value}
        return FollowUpState(
            created_at=text["created_at"],
            acknowledged_at=text.get("acknowledged_at"),
            outcome=cast("Outcome | None", text.get("outcome")),
            outcome_at=text.get("outcome_at"),
        )

    def acknowledge(self, enquiry_id: str, at: str, after_s: int) -> bool:
        return self._follow_up_update(
            enquiry_id,
            "SET acknowledged_at = :at, acknowledge_s = :after",
            "attribute_exists(#id) AND attribute_not_exists(acknowledged_at)",
            {":at": {"S": at}, ":after": {"N": str(after_s)}},
        )

    def record_outcome(self, enquiry_id: str, outcome: Outcome, at: str, after_s: int) -> bool:
        return self._follow_up_update(
            enquiry_id,
            "SET outcome = :outcome, outcome_at = :at, acknowledged_at = if_not_exists(acknowledged_at, :at), "
            "acknowledge_s = if_not_exists(acknowledge_s, :after)",
            "attribute_exists(#id) AND (attribute_not_exists(outcome) OR outcome <> :outcome)",
            {":outcome": {"S": outcome}, ":at": {"S": at}, ":after": {"N": str(after_s)}},
        )

    def _follow_up_update(self, enquiry_id: str, update: str, condition: str, values: dict[str, Any]) -> bool:
        """True when the update was made; False when its condition did not hold."""
        try:
            self._guarded(
                lambda: self._client.update_item(
                    TableName=self._table_name,
                    Key=self._key(enquiry_id),
                    UpdateExpression=update,
                    ConditionExpression=condition,
                    ExpressionAttributeNames={"#id": tables.ENQUIRIES.partition_key},
                    ExpressionAttributeValues=values,
                )
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _guarded(self, call: Callable[[], _T]) -> _T:
        """The call's answer; :class:`StoreUnavailable` when the store cannot give one (a
        condition that does not hold is the caller's to catch)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return call()
        except self._client.exceptions.ConditionalCheckFailedException:
            raise
        except (BotoCoreError, ClientError) as exc:
            log.warning("enquiry store: %s", type(exc).__name__)
            raise StoreUnavailable(type(exc).__name__) from None

    def _if_claimed(
        self, enquiry_id: str, token: str, update: str, names: dict[str, str], values: dict[str, str]
    ) -> None:
        """A claim lost to an expired lease is the new holder's to finish or release."""
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self._table_name,
                Key=self._key(enquiry_id),
                UpdateExpression=update,
                ConditionExpression="#token = :token",
                ExpressionAttributeNames={"#token": LEASE_HOLDER, "#expires": LEASE_EXPIRES_AT, **names},
                ExpressionAttributeValues={
                    ":token": {"S": token},
                    **{name: {"S": value} for name, value in values.items()},
                },
            )

    def _key(self, enquiry_id: str) -> dict[str, Any]:
        return {tables.ENQUIRIES.partition_key: {"S": enquiry_id}}


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


def _sent_at(kind: MessageKind) -> str:
    """``team_sent_at`` or ``patient_sent_at``: set once that e-mail has gone."""
    return f"{kind}_sent_at"


def _timestamp(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="milliseconds")
