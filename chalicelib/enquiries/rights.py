"""Data rights: what is held about one e-mail address (export), and deleting it (erasure).

A patient's enquiries are found without a scan: each enquiry stored since this module
existed carries ``email_key``, an HMAC-SHA256 of the normalised address
(:func:`chalicelib.enquiries.addresses.normalised`) under the rate-limit salt with a prefix of
its own, and the enquiries table's keys-only ``by-email`` index lists them by it. The
normalised address is the patient's mailbox, so ``jane+clinic@example.com``'s enquiries are
found from ``jane@example.com`` too, as the rate limit counts them.

**Export** lists every attribute of each enquiry (a consistent read of each item the index
names), the idempotency records they were taken under (hashes and the 202 answer only), and
the address's rate counters of this hour and the last (keyed hashes, gone within 2 h).

**Erasure** deletes each enquiry whose e-mails have gone (``sent``) or failed, then its
idempotency record, then the address's rate counters. An enquiry still **in flight**
(``received`` or ``sending``: its e-mails may be going out now) is *not* deleted, nor its
idempotency record (deleting it would let a retry store the enquiry again): it is reported
with its id, and the operator runs the erasure again once it is sent, minutes later in normal
running (the sweep retries every 5 minutes). The delete is conditional, so an enquiry a worker
picks up between the read and the delete is refused too, never half-deleted.

What neither reaches is reported in every answer (:data:`NOT_REACHED`): point-in-time recovery
keeps deleted items restorable for 35 days; the e-mails already in the team's and the patient's
mailboxes and SES's sending records; enquiries stored before ``email_key`` existed (the index
cannot list them: only a scan filtered on ``email`` finds them); an enquiry stored in the last
moments (the index is eventually consistent).

Answers hold counts, ids and what the patient gave; the audit line
(:func:`audit_line`) holds the operation, the caller, the keyed hash and the counts, never
the address.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from chalicelib.enquiries.addresses import normalised
from chalicelib.enquiries.limits import WINDOW_S, keyed_digest, rate_limit
from chalicelib.patterns import EMAIL
from chalicelib.shapes import documented

log = logging.getLogger(__name__)

IN_FLIGHT = ("received", "sending")
NOT_REACHED = (
    "Point-in-time recovery keeps deleted items of the enquiries, idempotency and rate-limit tables "
    "restorable for 35 days after deletion; they age out of it then.",
    "The e-mails already sent (the hospital team's copy with every field, the patient's acknowledgement) "
    "are in those mailboxes, outside this system; SES keeps its own sending records.",
    "Enquiries stored before the by-email index existed carry no email_key and are not found here; "
    "only a table scan filtered on email finds them.",
    "The by-email index is eventually consistent: an enquiry stored in the last second may not be listed yet.",
)


def email_key(email: str, salt: str) -> str:
    """HMAC-SHA256 (hex) of the normalised address under the rate-limit salt, with its own
    prefix (``rights:``) so that it matches neither a counter's digest nor an idempotency
    scope's: the partition key of the ``by-email`` index."""
    return keyed_digest("rights", normalised(email), salt)


class AddressRecords(Protocol):
    """What data rights reach in the store (:class:`chalicelib.adapters.dynamodb_store.DynamoDBAddressRecords`)."""

    def enquiry_ids(self, email_key: str) -> list[str]: ...

    def enquiry(self, enquiry_id: str) -> dict[str, Any] | None: ...

    def delete_settled_enquiry(self, enquiry_id: str) -> Literal["deleted", "in_flight", "gone"]: ...

    def idempotency_record(self, record_id: str) -> dict[str, Any] | None: ...

    def delete_idempotency_record(self, record_id: str) -> bool: ...

    def rate_counter(self, counter_key: str) -> dict[str, Any] | None: ...

    def delete_rate_counter(self, counter_key: str) -> bool: ...


@documented
class DataExport(TypedDict):
    """Everything held under one e-mail address (and its aliases: the normalised address)."""

    email: str
    """The address asked about, as given."""
    enquiries: list[dict[str, Any]]
    """Each enquiry as stored, every attribute (numbers as integers, or as text when not whole)."""
    idempotency_records: list[dict[str, Any]]
    """The records of the Idempotency-Keys the enquiries were sent with: hashes and the 202 answer."""
    rate_counters: list[dict[str, Any]]
    """This hour's and the last hour's counters of the address: a keyed hash, a count, an expiry."""
    not_reached: list[str]
    """What is held elsewhere, or may be missed."""


@documented
class DataErasure(TypedDict):
    """What an erasure deleted, what it left and why, and what it could not reach."""

    deleted_enquiries: list[str]
    """Ids of the enquiries deleted."""
    in_flight: list[str]
    """Ids of enquiries not deleted because their e-mails may still be going: erase again once sent."""
    deleted_idempotency_records: int
    deleted_rate_counters: int
    not_reached: list[str]


class DataRights:
    def __init__(self, records: AddressRecords, salt: str, clock: Callable[[], float] = time.time) -> None:
        self._records = records
        self._salt = salt
        self._clock = clock

    def email_key(self, email: str) -> str:
        return email_key(email, self._salt)

    def export(self, email: str) -> DataExport:
        enquiries = self._enquiries(email)
        records = [self._records.idempotency_record(record_id) for record_id in _record_ids(enquiries)]
        counters = [self._records.rate_counter(key) for key in self._counter_keys(email)]
        return {
            "email": email,
            "enquiries": [_plain(item) for item in enquiries],
            "idempotency_records": [_plain(record) for record in records if record is not None],
            "rate_counters": [_plain(counter) for counter in counters if counter is not None],
            "not_reached": list(NOT_REACHED),
        }

    def erase(self, email: str) -> DataErasure:
        deleted: list[str] = []
        in_flight: list[str] = []
        records = 0
        for item in self._enquiries(email):
            enquiry_id = str(item["enquiry_id"])
            outcome = self._records.delete_settled_enquiry(enquiry_id)
            if outcome == "in_flight":
                in_flight.append(enquiry_id)
                continue  # its idempotency record stays: without it a retry would store it again
            if outcome == "deleted":
                deleted.append(enquiry_id)
            record_id = item.get("idempotency_record")
            if isinstance(record_id, str) and self._records.delete_idempotency_record(record_id):
                records += 1
        counters = sum(self._records.delete_rate_counter(key) for key in self._counter_keys(email))
        return {
            "deleted_enquiries": deleted,
            "in_flight": in_flight,
            "deleted_idempotency_records": records,
            "deleted_rate_counters": counters,
            "not_reached": list(NOT_REACHED),
        }

    def _enquiries(self, email: str) -> list[dict[str, Any]]:
        """The items the index lists under the address's key, each read as it is now; an id
        listed but deleted meanwhile (the index lags) is left out."""
        items = (self._records.enquiry(enquiry_id) for enquiry_id in self._records.enquiry_ids(self.email_key(email)))
        return [item for item in items if item is not None]

    def _counter_keys(self, email: str) -> list[str]:
        """The address's per-hour counters that can still exist: this hour's and the last one's
        (each expires an hour after its window closes)."""
        now = self._clock()
        return [
            rate_limit("email", normalised(email), 0, self._salt, moment).counter_key
            for moment in (now, now - WINDOW_S)
        ]


def _record_ids(enquiries: list[dict[str, Any]]) -> list[str]:
    return [item["idempotency_record"] for item in enquiries if isinstance(item.get("idempotency_record"), str)]


def _plain(value: Any) -> Any:
    """DynamoDB's values as JSON's: whole numbers as integers, others as text; sets as sorted
    lists; binary as base64."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(inner) for inner in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(inner) for inner in value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if hasattr(value, "value") and isinstance(value.value, (bytes, bytearray)):  # boto3's Binary
        return base64.b64encode(bytes(value.value)).decode()
    return value


def audit_line(operation: str, caller: str | None, key: str, counts: dict[str, int]) -> str:
    """One log line per data-rights call: the operation, who asked, the address's keyed hash
    (never the address) and the counts."""
    parts = [f"data-rights {operation}", f"caller={caller or 'unknown'}", f"email_key={key}"]
    parts += [f"{name}={count}" for name, count in counts.items()]
    return " ".join(parts)


class DataRightsRequest(BaseModel):
    """The address whose data to export or erase: in the body, never in the path (paths reach
    the access logs)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
        json_schema_extra={"examples": [{"email": "alex.smith@example.com"}]},
    )

    email: Annotated[str, Field(max_length=254, pattern=EMAIL)]
    """The patient's e-mail address; its aliases (`+tag`, Gmail's dots) are included."""


def caller_of(context: Mapping[str, Any] | None) -> str | None:
    """Who signed the request, as API Gateway's IAM authorisation puts it in the request context."""
    identity = (context or {}).get("identity") or {}
    caller = identity.get("userArn") or identity.get("caller")
    return str(caller) if caller else None


def admin_call(
    rights: DataRights, operation: Literal["export", "erase"], raw: bytes, caller: str | None
) -> DataExport | DataErasure:
    """An admin route's call: the body parsed (a 400 naming the field), the operation run (a
    store error is :class:`StoreUnavailable`), and one audit line logged."""
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.enquiries.ports import StoreUnavailable
    from chalicelib.json_bodies import parse_model

    email = parse_model(DataRightsRequest, raw).email
    key = rights.email_key(email)
    try:
        if operation == "export":
            export = rights.export(email)
            counts = {name: len(export[name]) for name in ("enquiries", "idempotency_records", "rate_counters")}
            log.info(audit_line("export", caller, key, counts))
            return export
        erasure = rights.erase(email)
    except (BotoCoreError, ClientError) as exc:
        log.warning(audit_line(f"{operation} failed ({type(exc).__name__})", caller, key, {}))
        raise StoreUnavailable(type(exc).__name__) from None
    log.info(audit_line("erase", caller, key, erasure_counts(erasure)))
    return erasure


def erasure_counts(erasure: DataErasure) -> dict[str, int]:
    return {
        "deleted_enquiries": len(erasure["deleted_enquiries"]),
        "in_flight": len(erasure["in_flight"]),
        "deleted_idempotency_records": erasure["deleted_idempotency_records"],
        "deleted_rate_counters": erasure["deleted_rate_counters"],
    }
