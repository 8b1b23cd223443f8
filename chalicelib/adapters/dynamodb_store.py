"""The enquiry store (the API's conditional put) and enquiry progress (notify's marks) ports on DynamoDB."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from chalicelib import tables
from chalicelib.enquiries.limits import RateLimit, RateLimited
from chalicelib.enquiries.ports import (
    MESSAGE_KINDS,
    AddressSuppressed,
    Claim,
    DeliveryMarked,
    FollowUpClaim,
    StoreUnavailable,
)
from chalicelib.enquiries.record import stored_time

if TYPE_CHECKING:
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

    from chalicelib.enquiries.followup import FollowUpState, Outcome
    from chalicelib.enquiries.ports import FollowUpStage, MailKind, MessageKind
    from chalicelib.enquiries.record import Enquiry

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# The lease on an enquiry's e-mails: who holds it, and until when (epoch seconds).
LEASE_HOLDER = "claim_token"
LEASE_EXPIRES_AT = "claim_expires_at"
# The lease on its due follow-up (a reminder or an escalation), apart from the e-mails'.
FOLLOW_UP_HOLDER = "follow_up_token"
FOLLOW_UP_EXPIRES_AT = "follow_up_expires_at"
# Each lease: its holder's and its expiry's attribute names.
Lease = tuple[str, str]
EMAIL_LEASE: Lease = (LEASE_HOLDER, LEASE_EXPIRES_AT)
FOLLOW_UP_LEASE: Lease = (FOLLOW_UP_HOLDER, FOLLOW_UP_EXPIRES_AT)
AWAITING = tables.AWAITING_REPLY
# What the team's acknowledgement (or outcome) ends: no follow-up falls due any more.
_STOP_FOLLOW_UPS = f" REMOVE {AWAITING.partition_key}, {AWAITING.sort_key}"


class DynamoDBEnquiryStore:
    def __init__(self, client: DynamoDBClient, table_name: str, rate_limit_table: str) -> None:
        self._client = client
        self._table_name = table_name
        self._rate_limit_table = rate_limit_table

    def ping(self) -> None:
        self._client.describe_table(TableName=self._table_name)

    def put_new(
        self, enquiry: Enquiry, limits: Sequence[RateLimit] = (), *, suppression_key: str | None = None
    ) -> None:
        """Count the enquiry against each limit and store it, all or nothing, in one round
        trip (a transaction): over a limit, nothing is stored and nothing counted. With
        ``suppression_key``, the same transaction checks that the address is not suppressed."""
        from boto3.dynamodb.types import TypeSerializer

        serializer = TypeSerializer()
        item = {name: serializer.serialize(value) for name, value in enquiry.to_item().items()}
        # In the unsent index until finish() or mark_failed() removes it: the sweep's list.
        item[tables.UNSENT.partition_key] = {"S": tables.UNSENT.value}
        if enquiry.remind_at is not None:
            # Awaiting the team's reply: the reminder falls due first (the sweep's second list).
            item[AWAITING.partition_key] = {"S": AWAITING.value}
            item[AWAITING.sort_key] = {"S": enquiry.remind_at}
        actions: list[Any] = [{"Update": count_update(self._rate_limit_table, limit)} for limit in limits]
        if suppression_key is not None:
            # After the counters, before the put: its cancellation reason is at len(limits).
            actions.append(_not_suppressed(self._rate_limit_table, suppression_key))
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
            checked = reasons[len(limits)] if suppression_key is not None and len(reasons) > len(limits) else None
            if checked == "ConditionalCheckFailed":
                raise AddressSuppressed from None
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

    # --- Bounces and complaints (the DeliveryProblems port) ---------------------------------

    def mark_delivery(
        self, enquiry_id: str, kind: MailKind, problem: Literal["bounced", "complained"], now: datetime
    ) -> DeliveryMarked:
        """The first mark on that e-mail wins; a redelivered event (or a second problem with the
        same e-mail) finds it set and changes nothing."""
        from boto3.dynamodb.types import TypeDeserializer

        from chalicelib.enquiries.record import Routing

        try:
            answer = self._client.update_item(
                TableName=self._table_name,
                Key=self._key(enquiry_id),
                UpdateExpression="SET #delivery = :problem, #delivery_at = :now",
                ConditionExpression="attribute_exists(#id) AND attribute_not_exists(#delivery)",
                ExpressionAttributeNames={
                    "#id": tables.ENQUIRIES.partition_key,
                    "#delivery": f"{kind}_delivery",
                    "#delivery_at": f"{kind}_delivery_at",
                },
                ExpressionAttributeValues={":problem": {"S": problem}, ":now": {"S": stored_time(now)}},
                ReturnValues="ALL_NEW",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return DeliveryMarked(first=False)
        routing = answer.get("Attributes", {}).get("routing")
        if routing is None:
            return DeliveryMarked(first=True)
        return DeliveryMarked(first=True, routing=Routing.from_item(TypeDeserializer().deserialize(routing)))

    def suppress(self, key: str, expires_at: int) -> None:
        self._client.put_item(
            TableName=self._rate_limit_table,
            Item={
                tables.RATE_LIMITS.partition_key: {"S": key},
                tables.RATE_LIMITS.ttl_attribute: {"N": str(expires_at)},
            },
        )

    # --- Notify's progress marks (the EnquiryProgress port) ------------------------------

    def claim(self, enquiry_id: str, token: str, now: datetime, lease_s: int) -> Claim:
        """Status ``sending`` and a lease until ``now + lease_s``, if still to send and not
        leased; else, from the item as it was, ``busy`` (leased) or ``done``."""
        taken, old = self._lease(
            enquiry_id,
            EMAIL_LEASE,
            token,
            now,
            lease_s,
            condition="#status IN (:received, :sending)",
            also_set=", #status = :sending",
            names={"#status": "status"},
            values={":received": {"S": "received"}, ":sending": {"S": "sending"}},
        )
        if taken is None:
            status = old.get("status", {}).get("S")
            return Claim("busy") if status in ("received", "sending") else Claim("done")
        return Claim("claimed", tuple(kind for kind in MESSAGE_KINDS if _sent_at(kind) not in taken))

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
            ExpressionAttributeValues={":now": {"S": stored_time(now)}, ":message_id": {"S": message_id}},
        )

    def finish(self, enquiry_id: str, token: str) -> None:
        self._if_held(
            enquiry_id,
            EMAIL_LEASE,
            token,
            "SET #status = :sent REMOVE #token, #expires, #unsent",
            {"#status": "status", "#unsent": tables.UNSENT.partition_key},
            {":sent": "sent"},
        )

    def release(self, enquiry_id: str, token: str) -> None:
        self._if_held(enquiry_id, EMAIL_LEASE, token, "REMOVE #token, #expires", {}, {})

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
                    ":now": {"S": stored_time(now)},
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
        request: QueryInputTypeDef = {
            "TableName": self._table_name,
            "IndexName": index.name,
            "KeyConditionExpression": "#unsent = :pending AND #created < :before",
            "ExpressionAttributeNames": {"#unsent": index.partition_key, "#created": index.sort_key},
            "ExpressionAttributeValues": {
                ":pending": {"S": index.value},
                ":before": {"S": stored_time(created_before)},
            },
        }
        return _listed_ids(self._client, request, limit)

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
            "SET acknowledged_at = :at, acknowledge_s = :after" + _STOP_FOLLOW_UPS,
            "attribute_exists(#id) AND attribute_not_exists(acknowledged_at)",
            {":at": {"S": at}, ":after": {"N": str(after_s)}},
        )

    def record_outcome(self, enquiry_id: str, outcome: Outcome, at: str, after_s: int) -> bool:
        return self._follow_up_update(
            enquiry_id,
            "SET outcome = :outcome, outcome_at = :at, acknowledged_at = if_not_exists(acknowledged_at, :at), "
            "acknowledge_s = if_not_exists(acknowledge_s, :after)" + _STOP_FOLLOW_UPS,
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

    # --- The team's follow-ups (DueFollowUps) ---------------------------------------------

    def due_ids(self, now: datetime, limit: int) -> list[str]:
        request: QueryInputTypeDef = {
            "TableName": self._table_name,
            "IndexName": AWAITING.name,
            "KeyConditionExpression": "#awaiting = :due AND #due_at <= :now",
            "ExpressionAttributeNames": {"#awaiting": AWAITING.partition_key, "#due_at": AWAITING.sort_key},
            "ExpressionAttributeValues": {":due": {"S": AWAITING.value}, ":now": {"S": stored_time(now)}},
        }
        return _listed_ids(self._client, request, limit)

    def claim_follow_up(self, enquiry_id: str, token: str, now: datetime, lease_s: int) -> FollowUpClaim:
        """Due, its e-mails sent, not acknowledged, and not leased: ours; else ``busy`` when
        only a live lease stands in the way, ``done`` otherwise."""
        at = stored_time(now)
        taken, old = self._lease(
            enquiry_id,
            FOLLOW_UP_LEASE,
            token,
            now,
            lease_s,
            condition=(
                "#awaiting = :due AND #due_at <= :at AND #status = :sent AND attribute_not_exists(acknowledged_at)"
            ),
            names={"#awaiting": AWAITING.partition_key, "#due_at": AWAITING.sort_key, "#status": "status"},
            values={":due": {"S": AWAITING.value}, ":at": {"S": at}, ":sent": {"S": "sent"}},
        )
        if taken is None:
            return FollowUpClaim("busy" if _follow_up_leased_only(old, at, int(now.timestamp())) else "done")
        return FollowUpClaim("claimed", "escalate" if taken.get("reply_by", {}).get("S", "") <= at else "remind")

    def _lease(
        self,
        enquiry_id: str,
        lease: Lease,
        token: str,
        now: datetime,
        lease_s: int,
        *,
        condition: str,
        names: dict[str, str],
        values: dict[str, Any],
        also_set: str = "",
    ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """A lease (``lease`` names its holder and expiry attributes) until ``now + lease_s``
        when ``condition`` holds and no live lease stands: the item after, ours; refused, None
        and the item as it was (empty when there is none), to say why."""
        epoch = int(now.timestamp())
        try:
            answer = self._client.update_item(
                TableName=self._table_name,
                Key=self._key(enquiry_id),
                UpdateExpression="SET #token = :token, #expires = :expires" + also_set,
                ConditionExpression=f"{condition} AND (attribute_not_exists(#expires) OR #expires <= :now)",
                ExpressionAttributeNames={"#token": lease[0], "#expires": lease[1], **names},
                ExpressionAttributeValues={
                    ":token": {"S": token},
                    ":expires": {"N": str(epoch + lease_s)},
                    ":now": {"N": str(epoch)},
                    **values,
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self._client.exceptions.ConditionalCheckFailedException as exc:
            old = exc.response.get("Item")  # the item as it was: why the condition failed
            return None, old if isinstance(old, dict) else {}
        return answer["Attributes"], {}

    def mark_followed_up(self, enquiry_id: str, token: str, stage: FollowUpStage, now: datetime) -> None:
        if stage == "remind":
            update, names = "SET reminded_at = :at, #due_at = reply_by REMOVE #token, #expires", {}
        else:
            update = "SET escalated_at = :at REMOVE #awaiting, #due_at, #token, #expires"
            names = {"#awaiting": AWAITING.partition_key}
        names["#due_at"] = AWAITING.sort_key
        self._if_held(enquiry_id, FOLLOW_UP_LEASE, token, update, names, {":at": stored_time(now)})

    def release_follow_up(self, enquiry_id: str, token: str) -> None:
        self._if_held(enquiry_id, FOLLOW_UP_LEASE, token, "REMOVE #token, #expires", {}, {})

    def _if_held(
        self, enquiry_id: str, lease: Lease, token: str, update: str, names: dict[str, str], values: dict[str, str]
    ) -> None:
        """``update`` only while ``token`` holds the lease: one lost to expiry is the new
        holder's to finish or release."""
        with contextlib.suppress(self._client.exceptions.ConditionalCheckFailedException):
            self._client.update_item(
                TableName=self._table_name,
                Key=self._key(enquiry_id),
                UpdateExpression=update,
                ConditionExpression="#token = :token",
                ExpressionAttributeNames={"#token": lease[0], "#expires": lease[1], **names},
                ExpressionAttributeValues={
                    ":token": {"S": token},
                    **{name: {"S": value} for name, value in values.items()},
                },
            )

    def _key(self, enquiry_id: str) -> dict[str, Any]:
        return {tables.ENQUIRIES.partition_key: {"S": enquiry_id}}


def _listed_ids(client: DynamoDBClient, request: QueryInputTypeDef, limit: int | None = None) -> list[str]:
    """The enquiry ids a keys-only index lists for ``request``, in its order, page by page, at
    most ``limit`` (all when None)."""
    ids: list[str] = []
    page_request = request.copy()
    while limit is None or len(ids) < limit:
        if limit is not None:
            page_request["Limit"] = limit - len(ids)
        page = client.query(**page_request)
        ids.extend(item[tables.ENQUIRIES.partition_key]["S"] for item in page.get("Items", []))
        start = page.get("LastEvaluatedKey")
        if not start:
            break
        page_request["ExclusiveStartKey"] = start
    return ids


def _follow_up_leased_only(old: dict[str, Any], at: str, epoch: int) -> bool:
    """The item as it was: due, sent and unacknowledged, so a live lease alone refused the claim."""
    due = old.get(AWAITING.sort_key, {}).get("S")
    leased_until = int(old.get(FOLLOW_UP_EXPIRES_AT, {}).get("N", "0"))
    return (
        due is not None
        and due <= at
        and old.get("status", {}).get("S") == "sent"
        and "acknowledged_at" not in old
        and leased_until > epoch
    )


def count_update(table: str, limit: RateLimit) -> dict[str, Any]:
    """One more against ``limit``'s counter, refused (ConditionalCheckFailed) once it is reached:
    an ``UpdateItem`` request, or a transaction's ``Update``."""
    return {
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


def _not_suppressed(table: str, key: str) -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": {tables.RATE_LIMITS.partition_key: {"S": key}},
            # TTL deletes an expired entry only within days: past its expiry it no longer counts.
            "ConditionExpression": "attribute_not_exists(#key) OR #ttl <= :now",
            "ExpressionAttributeNames": {
                "#key": tables.RATE_LIMITS.partition_key,
                "#ttl": tables.RATE_LIMITS.ttl_attribute,
            },
            "ExpressionAttributeValues": {":now": {"N": str(int(time.time()))}},
        }
    }


def _sent_at(kind: MessageKind) -> str:
    """``team_sent_at`` or ``patient_sent_at``: set once that e-mail has gone."""
    return f"{kind}_sent_at"


class DynamoDBAddressRecords:
    """What data rights reach (the :class:`chalicelib.enquiries.rights.AddressRecords` port): a
    patient's enquiries through the ``by-email`` index (a Query, never a Scan), their idempotency
    records and the address's rate counters, each read and deleted by its key."""

    def __init__(self, client: DynamoDBClient, enquiries_table: str, idempotency_table: str, rate_limit_table: str):
        self._client = client
        self._enquiries = enquiries_table
        self._idempotency = idempotency_table
        self._rate_limits = rate_limit_table

    def enquiry_ids(self, email_key: str) -> list[str]:
        """Every enquiry id the index lists under ``email_key``, oldest first, page by page. The
        index is eventually consistent: an enquiry stored a moment ago may not be listed yet."""
        index = tables.BY_EMAIL
        request: QueryInputTypeDef = {
            "TableName": self._enquiries,
            "IndexName": index.name,
            "KeyConditionExpression": "#key = :key",
            "ExpressionAttributeNames": {"#key": index.partition_key},
            "ExpressionAttributeValues": {":key": {"S": email_key}},
        }
        return _listed_ids(self._client, request)

    def enquiry(self, enquiry_id: str) -> dict[str, Any] | None:
        """The whole item as stored now (a consistent read), plain Python values; None once gone."""
        return self._get(self._enquiries, {tables.ENQUIRIES.partition_key: {"S": enquiry_id}})

    def delete_settled_enquiry(self, enquiry_id: str) -> Literal["deleted", "in_flight", "gone"]:
        """Delete the enquiry unless its e-mails may still be going (``received``/``sending``):
        conditional, so one that a worker picks up meanwhile is refused, not half-deleted."""
        try:
            answer = self._client.delete_item(
                TableName=self._enquiries,
                Key={tables.ENQUIRIES.partition_key: {"S": enquiry_id}},
                ConditionExpression="attribute_not_exists(#id) OR NOT #status IN (:received, :sending)",
                ExpressionAttributeNames={"#id": tables.ENQUIRIES.partition_key, "#status": "status"},
                ExpressionAttributeValues={":received": {"S": "received"}, ":sending": {"S": "sending"}},
                ReturnValues="ALL_OLD",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return "in_flight"
        return "deleted" if answer.get("Attributes") else "gone"

    def idempotency_record(self, record_id: str) -> dict[str, Any] | None:
        return self._get(self._idempotency, {tables.IDEMPOTENCY.partition_key: {"S": record_id}})

    def delete_idempotency_record(self, record_id: str) -> bool:
        return self._delete(self._idempotency, {tables.IDEMPOTENCY.partition_key: {"S": record_id}})

    def rate_counter(self, counter_key: str) -> dict[str, Any] | None:
        return self._get(self._rate_limits, {tables.RATE_LIMITS.partition_key: {"S": counter_key}})

    def delete_rate_counter(self, counter_key: str) -> bool:
        return self._delete(self._rate_limits, {tables.RATE_LIMITS.partition_key: {"S": counter_key}})

    def _get(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        from boto3.dynamodb.types import TypeDeserializer

        found = self._client.get_item(TableName=table, Key=key, ConsistentRead=True)
        if "Item" not in found:
            return None
        deserializer = TypeDeserializer()
        return {name: deserializer.deserialize(value) for name, value in found["Item"].items()}

    def _delete(self, table: str, key: dict[str, Any]) -> bool:
        """True when an item was there and is now deleted."""
        return bool(self._client.delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD").get("Attributes"))
