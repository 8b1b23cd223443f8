"""How the indexer's bulk requests retry, in one place: the catalog rebuild, the availability
updates and the bench's raw baseline of them send with the same settings."""

from __future__ import annotations

from typing import Final, TypedDict


class BulkRetries(TypedDict):
    max_retries: int
    initial_backoff: int
    max_backoff: int


# 429s (the cluster's queues full) are retried with exponential backoff from 1 s up to 30 s.
BULK_RETRIES: Final[BulkRetries] = {"max_retries": 6, "initial_backoff": 1, "max_backoff": 30}
