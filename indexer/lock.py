"""A lock that expires, kept as one document in OpenSearch, so two indexer runs
(a schedule and a feed upload, say) never both build and swap.

Taking it is a ``create`` (atomic on one document); a lock past its expiry is taken
over with a compare-and-set on its sequence number, so a crashed run blocks the next
ones only until then.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from indexer.naming import lock_index_name

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

LOCK_ID = "reindex"


class LockHeld(Exception):
    """Another run holds the lock."""


class IndexerLock:
    def __init__(self, client: OpenSearch, alias: str, ttl_s: float, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._index = lock_index_name(alias)
        self._ttl_s = ttl_s
        self._clock = clock
        self.owner = uuid.uuid4().hex

    def acquire(self) -> None:
        from opensearchpy import ConflictError

        self._ensure_index()
        body = {"owner": self.owner, "expires_at": self._clock() + self._ttl_s}
        try:
            self._client.index(index=self._index, id=LOCK_ID, body=body, op_type="create", refresh="true")
            return
        except ConflictError:
            pass
        current = self._current()
        if current is None:
            raise LockHeld("the lock changed hands while it was being taken; try again")
        if current["_source"]["expires_at"] > self._clock():
            raise LockHeld(
                f"another indexer run holds the lock until "
                f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(current['_source']['expires_at']))}"
            )
        try:
            self._client.index(
                index=self._index,
                id=LOCK_ID,
                body=body,
                if_seq_no=current["_seq_no"],
                if_primary_term=current["_primary_term"],
                refresh="true",
            )
        except ConflictError:
            raise LockHeld("another run took over the expired lock first") from None

    def release(self) -> None:
        """Give the lock back if it is still ours (it may have expired and moved on)."""
        from opensearchpy import ConflictError, NotFoundError

        current = self._current()
        if current is None or current["_source"].get("owner") != self.owner:
            return
        with contextlib.suppress(ConflictError, NotFoundError):  # it moved on meanwhile
            self._client.delete(
                index=self._index,
                id=LOCK_ID,
                if_seq_no=current["_seq_no"],
                if_primary_term=current["_primary_term"],
                refresh="true",
            )

    def _current(self) -> dict[str, Any] | None:
        from opensearchpy import NotFoundError

        try:
            found: dict[str, Any] = self._client.get(index=self._index, id=LOCK_ID)
        except NotFoundError:
            return None
        return found

    def _ensure_index(self) -> None:
        if not self._client.indices.exists(index=self._index):
            body = {"settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}}
            self._client.indices.create(index=self._index, body=body, ignore=400)  # 400: created meanwhile
