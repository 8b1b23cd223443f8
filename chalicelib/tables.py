"""Key schema and TTL attribute of each DynamoDB table, shared by the store adapters,
the local provisioning and the CDK stack so that all three describe the same tables."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SparseIndex:
    """A global secondary index over only the items that carry ``partition_key``.

    The attribute holds one constant value while the item belongs in the index and is
    removed when it no longer does, so the index stays as small as what it lists.
    """

    name: str
    partition_key: str
    sort_key: str
    value: str


@dataclass(frozen=True)
class LookupIndex:
    """A global secondary index that finds items by a value they carry (not a constant), keys
    only. Sparse too: items without ``partition_key`` are not in it."""

    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableSpec:
    partition_key: str
    ttl_attribute: str
    # Only the enquiries table feeds a stream: new images drive the e-mail worker.
    stream_new_images: bool = False
    sparse_indexes: tuple[SparseIndex, ...] = ()
    lookup_indexes: tuple[LookupIndex, ...] = ()

    @property
    def indexes(self) -> tuple[SparseIndex | LookupIndex, ...]:
        """Every global secondary index of the table."""
        return (*self.sparse_indexes, *self.lookup_indexes)


# Enquiries not yet ``sent`` or ``failed``, oldest first: what the sweep sends when the
# stream could not (chalicelib.enquiries.sweep). Keys only: no personal data is copied.
UNSENT = SparseIndex(name="unsent", partition_key="unsent", sort_key="created_at", value="pending")
# Enquiries sent to a team that has not acknowledged them yet, by when their next follow-up is
# due (the reminder at half the reply deadline, then the escalation at it): the sweep's second list.
AWAITING_REPLY = SparseIndex(name="awaiting-reply", partition_key="awaiting_reply", sort_key="due_at", value="due")
# A patient's enquiries, by the keyed hash of their normalised address (``email_key``,
# chalicelib.enquiries.rights): what export and erasure query, never a scan. Keys only.
BY_EMAIL = LookupIndex(name="by-email", partition_key="email_key", sort_key="created_at")
ENQUIRIES = TableSpec(
    partition_key="enquiry_id",
    ttl_attribute="expires_at",
    stream_new_images=True,
    sparse_indexes=(UNSENT, AWAITING_REPLY),
    lookup_indexes=(BY_EMAIL,),
)
# Powertools' idempotency persistence layer uses these attribute names by default.
IDEMPOTENCY = TableSpec(partition_key="id", ttl_attribute="expiration")
RATE_LIMITS = TableSpec(partition_key="counter_key", ttl_attribute="expires_at")
