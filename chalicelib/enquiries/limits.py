"""Rate limits: how many enquiries one e-mail address and one network may send an hour.

Counters live in DynamoDB under a salted hash of the address or IP (never the value
itself) and the hour they count, and expire with the table's TTL. The limit on a
network is generous: a hospital or an office shares one address among many patients. An
address is counted in its normalised form (:func:`chalicelib.enquiries.addresses.normalised`),
so one mailbox gets one allowance however many aliases (``+tag``, Gmail's dots) it is typed as.

The same salt keys :func:`address_digest`, which scopes an ``Idempotency-Key`` to the patient.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from chalicelib.enquiries.addresses import normalised

WINDOW_S = 3600


@dataclass(frozen=True)
class RateLimit:
    counter_key: str
    limit: int
    expires_at: int  # epoch seconds: TTL, an hour after the window closes
    retry_after_s: int


ENQUIRIES_LIMITED = "Too many enquiries just now. Please try again later."


class RateLimited(Exception):
    def __init__(self, retry_after_s: int, message: str = ENQUIRIES_LIMITED) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.message = message


def keyed_digest(purpose: str, value: str, salt: str) -> str:
    """HMAC-SHA256 (hex) of ``purpose:value`` under the rate-limit salt: how an address or IP is
    stored wherever it is a key (counters, idempotency scopes, the by-email index, the
    suppression list), never in clear. Each ``purpose`` keeps its digests apart from the others'."""
    return hmac.new(salt.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def rate_limit(kind: str, value: str, limit: int, salt: str, now: float) -> RateLimit:
    window = int(now) // WINDOW_S
    digest = keyed_digest(kind, value.casefold(), salt)
    return RateLimit(
        counter_key=f"{kind}#{digest}#{window}",
        limit=limit,
        expires_at=(window + 2) * WINDOW_S,
        retry_after_s=(window + 1) * WINDOW_S - int(now),
    )


def address_digest(email: str, salt: str) -> str:
    """HMAC-SHA256 (hex) of the normalised address with the rate-limit salt: the part of an
    idempotency record's identity that ties a key to one patient. Its own prefix keeps it
    apart from the counters' digests."""
    return keyed_digest("idempotency-scope", normalised(email), salt)
