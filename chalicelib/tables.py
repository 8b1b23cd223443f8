"""Key schema and TTL attribute of each DynamoDB table, shared by the store adapters,
the local bootstrap and the CDK stack so that all three describe the same tables."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    partition_key: str
    ttl_attribute: str
    # Only the enquiries table feeds a stream: new images drive the e-mail worker.
    stream_new_images: bool = False


ENQUIRIES = TableSpec(partition_key="enquiry_id", ttl_attribute="expires_at", stream_new_images=True)
# Powertools' idempotency persistence layer uses these attribute names by default.
IDEMPOTENCY = TableSpec(partition_key="id", ttl_attribute="expiration")
RATE_LIMITS = TableSpec(partition_key="counter_key", ttl_attribute="expires_at")
