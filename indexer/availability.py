"""Refresh specialists' next free slots in the live index, hourly, without a rebuild.

The availability feed (:mod:`indexer.availability_feed`) changes two fields of each
hospital of a specialist, ``HOSPITAL_NEXT_AVAILABLE`` and ``HOSPITAL_NEXT_AVAILABLE_AS_OF``,
and nothing else: one scripted partial update per specialist, sent with
``streaming_bulk`` through the alias search reads. The script

- sets the two fields of each hospital the update names, unless the stored ``as_of`` is
  newer (an older report never overwrites a newer one, whatever order lines arrive in);
- answers ``noop`` when nothing changed, so an unchanged specialist costs no new version;
- never creates a document: there is no upsert, so an id the index does not hold (never
  in the catalog, or left out as not registered) comes back ``document_missing_exception``
  and is reported as unknown. So is a hospital the specialist is not at, found from the
  hospital ids each answer carries.

Writes go through the alias, never to a named index, and the blue/green lock is not
taken: an hourly run never delays the nightly rebuild, and a rebuild's swap (one
``_aliases`` call) sends each later bulk request to the new index. What a run wrote to the
old index while a rebuild was loading is lost at the swap and comes back with the next
hourly run; meanwhile the rebuilt index holds the catalog feed's own ``next_available``.
The summary says when a rebuild held the lock as the run started.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from chalicelib.index_schema import HOSPITAL_ID, HOSPITAL_NEXT_AVAILABLE, HOSPITAL_NEXT_AVAILABLE_AS_OF, HOSPITALS
from indexer.availability_feed import Group, SlotUpdate, grouped, not_in_the_future, parse_update
from indexer.availability_summary import AvailabilitySummary, UnknownSlot
from indexer.bulk import BULK_RETRIES
from indexer.lock import LOCK_ID
from indexer.naming import lock_index_name
from indexer.read_ahead import read_ahead
from indexer.records import ReadReport, valid_records

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

    from chalicelib.catalog import CatalogSource

CHUNK_SIZE = 500  # updates per bulk request, as the rebuild's documents; also the grouping window
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_Request = tuple[dict[str, Any], dict[str, Any]]  # a bulk action's line and its body
_Expanded = tuple[dict[str, Any], str]  # the same, the body serialised


def _leaf(path: str) -> str:
    return path.removeprefix(f"{HOSPITALS}.")


_ID, _AT, _AS_OF = _leaf(HOSPITAL_ID), _leaf(HOSPITAL_NEXT_AVAILABLE), _leaf(HOSPITAL_NEXT_AVAILABLE_AS_OF)

# params.slots: hospital id -> {at, as_of, ms}, ``ms`` being ``as_of`` in epoch milliseconds
# (stored times keep the offset the feed gave, so they are compared as instants, not text).
SCRIPT = " ".join(
    f"""
    boolean changed = false;
    for (def hospital : ctx._source.{HOSPITALS}) {{
      def slot = params.slots[hospital.{_ID}];
      if (slot == null) {{ continue; }}
      def stored = hospital.{_AS_OF};
      if (stored != null && ZonedDateTime.parse(stored).toInstant().toEpochMilli() > slot.ms) {{ continue; }}
      if (hospital.{_AT} == slot.at && stored == slot.as_of) {{ continue; }}
      hospital.{_AT} = slot.at;
      hospital.{_AS_OF} = slot.as_of;
      changed = true;
    }}
    if (!changed) {{ ctx.op = 'noop'; }}
    """.split()
)


def update_request(alias: str, group: Group) -> _Request:
    """One specialist's bulk line and body: the script, its slots, and the answer's hospital ids."""
    slots = {hospital: _slot(update) for hospital, (_, update) in group.slots.items()}
    line = {"update": {"_index": alias, "_id": group.id, "retry_on_conflict": 3}}  # 3: another run at once
    body = {
        "script": {"source": SCRIPT, "lang": "painless", "params": {"slots": slots}},
        "_source": {"includes": [HOSPITAL_ID]},
    }
    return line, body


def update_action(alias: str, group: Group) -> dict[str, Any]:
    """The same update as an action for ``opensearchpy.helpers.bulk`` (the benchmark's baseline)."""
    line, body = update_request(alias, group)
    return {"_op_type": "update", **line["update"], "_source": body}


def _slot(update: SlotUpdate) -> dict[str, Any]:
    # As the catalog's documents write them (chalicelib.index_schema.to_document), so that
    # the same slot given by both feeds compares equal.
    at = update.next_available.isoformat() if update.next_available is not None else None
    return {"at": at, "as_of": update.as_of.isoformat(), "ms": (update.as_of - _EPOCH) // timedelta(milliseconds=1)}


class AvailabilityUpdater:
    def __init__(
        self,
        client: OpenSearch,
        alias: str,
        *,
        chunk_size: int = CHUNK_SIZE,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._alias = alias
        self._chunk_size = chunk_size
        self._now = now

    def run(self, source: CatalogSource) -> AvailabilitySummary:
        """Apply the feed; the summary says how it went (it never raises: the caller decides)."""
        summary = AvailabilitySummary(source=source.uri, alias=self._alias)
        started = time.monotonic()
        try:
            if not self._client.indices.exists(index=self._alias):
                raise LookupError(f"nothing is behind {self._alias}: load the catalog first")
            summary.rebuild_running = self._rebuild_running()
            self._apply(source, summary)
            summary.outcome = "failed" if summary.failed else "applied"
            if summary.failed:
                summary.reason = f"{summary.failed} update(s) failed, first: {summary.failure_samples[0]}"
        except Exception as exc:  # noqa: BLE001 - reported in the summary, exit status non-zero
            summary.outcome, summary.reason = "failed", f"{type(exc).__name__}: {exc}"
        summary.duration_s = time.monotonic() - started
        return summary

    def _apply(self, source: CatalogSource, summary: AvailabilitySummary) -> None:
        from opensearchpy.helpers import streaming_bulk

        report = ReadReport()
        # The groups whose answers are awaited, by id, in the order sent (an id may be in
        # flight twice when it comes back in a later window); touched by this thread only.
        pending: dict[str, deque[Group]] = {}

        def prepared(lines: Iterator[bytes]) -> Iterator[tuple[Group, _Expanded]]:
            records = valid_records(lines, report, parse_update, "id", not_in_the_future(self._now))
            for group in grouped(records, self._chunk_size):
                # Serialised here, in the read-ahead thread: the bulk helper passes a string
                # body through as it is, so the sending thread only frames the chunk.
                line, body = update_request(self._alias, group)
                yield group, (line, orjson.dumps(body).decode())

        def actions(items: Iterator[tuple[Group, _Expanded]]) -> Iterator[_Expanded]:
            for group, action in items:
                pending.setdefault(group.id, deque()).append(group)
                summary.updates += 1
                yield action

        with source.open_lines() as lines, closing(read_ahead(prepared(lines))) as items:
            for ok, item in streaming_bulk(
                self._client,
                actions(items),
                chunk_size=self._chunk_size,
                expand_action_callback=_expanded,
                **BULK_RETRIES,
                raise_on_error=False,
            ):
                result = item["update"]
                waiting = pending[result["_id"]]
                group = waiting.popleft()
                if not waiting:
                    del pending[result["_id"]]
                _take(summary, group, ok, result)
        summary.take(report)  # the read-ahead thread's until it ended

    def _rebuild_running(self) -> bool:
        """Whether a blue/green run holds the alias's lock (read, never taken)."""
        from opensearchpy import NotFoundError

        try:
            lock = self._client.get(index=lock_index_name(self._alias), id=LOCK_ID)
        except NotFoundError:
            return False
        return float(lock["_source"]["expires_at"]) > time.time()


def _expanded(action: _Expanded) -> _Expanded:
    """The bulk helper's ``expand_action_callback``: our actions come expanded already."""
    return action


def _take(summary: AvailabilitySummary, group: Group, ok: bool, result: dict[str, Any]) -> None:
    if ok:
        if result["result"] == "noop":
            summary.unchanged += 1
        else:
            summary.applied += 1
        held = {hospital[_ID] for hospital in result["get"]["_source"].get(HOSPITALS, [])}
        for hospital, (number, _) in group.slots.items():
            if hospital not in held:
                summary.unknown(UnknownSlot(number, group.id, hospital))
        return
    error = result.get("error")
    if isinstance(error, dict) and error.get("type") == "document_missing_exception":
        summary.unknown(UnknownSlot(group.first_line, group.id))
    elif isinstance(error, dict):
        summary.fail(f"{group.id}: {error.get('type')}: {error.get('reason')}")
    else:
        summary.fail(f"{group.id}: {error}")


def apply_feed(uri: str) -> AvailabilitySummary:
    """The command line's and the Lambda's run: the feed at ``uri`` (a path or ``s3://``)
    into the live ``SEARCH_ALIAS``. Raises ``ConfigError`` or ``SourceError`` before it starts."""
    from chalicelib import deps
    from chalicelib.config import get_search_settings
    from indexer.sources import open_source

    settings = get_search_settings()
    source = open_source(uri, lambda: deps.clients().s3)
    return AvailabilityUpdater(deps.clients().indexing_opensearch, settings.search_alias).run(source)
