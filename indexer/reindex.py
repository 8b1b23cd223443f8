"""Blue/green reindex: build a new index, load, verify, swap the alias in one call, prune.

The same run, with the same guards, for every feed (:mod:`indexer.feeds`): the
specialists catalog by default, or the treatments' content, each into its own alias.

Search keeps reading the alias throughout; it moves only after the new index holds
every valid record and answers a query, so patients never see an empty or half-built
index. A failed or aborted run deletes what it built and leaves the alias alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from indexer.bulk import BULK_RETRIES
from indexer.feeds import SPECIALISTS, Codec, Feed
from indexer.lock import IndexerLock, LockHeld
from indexer.naming import is_build_of, new_index_name
from indexer.read_ahead import read_ahead
from indexer.records import InvalidLine, ReadReport, listed_only, valid_records
from indexer.routing import HospitalRouting, live_addresses
from indexer.summary import Summary

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

    from chalicelib.catalog import CatalogSource
    from indexer.quality import Tally
    from indexer.records import Check


class ReindexAborted(Exception):
    """A guard stopped the run before the swap; the alias is untouched."""


@dataclass(frozen=True)
class Options:
    max_invalid_ratio: float = 0.05
    max_drop_ratio: float = 0.20
    force: bool = False
    keep: int = 2
    dry_run: bool = False
    replicas: int = 0
    chunk_size: int = 500
    lock_ttl_s: float = 20 * 60  # longer than the Lambda's 15-minute limit
    # The domains hospitals' enquiry addresses may use (``ENQUIRY_EMAIL_DOMAINS``, see
    # indexer.routing); None: any domain (the local stage only, see indexer.options).
    enquiry_email_domains: tuple[str, ...] | None = None
    # The data-quality guard (``--min-share``, ``QUALITY_MIN_SHARES``): a field's share of
    # the feed's specialists (indexer.quality.FIELDS) below its minimum aborts the run.
    min_shares: tuple[tuple[str, float], ...] = ()


Progress = Callable[[int], None]


class Reindexer:
    def __init__(
        self,
        client: OpenSearch,
        alias: str,
        options: Options,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        feed: Feed[Any] = SPECIALISTS,
    ) -> None:
        self._client = client
        self._alias = alias
        self._options = options
        self._now = now
        self._feed = feed

    # ----------------------------------------------------------------- entry points

    def run(self, source: CatalogSource, progress: Progress | None = None) -> Summary:
        """Build, verify and swap; the summary says how it ended (it never raises for a
        guard, a held lock or an OpenSearch error: the caller decides what failure means)."""
        summary = Summary(source=source.uri, alias=self._alias, feed=self._feed.name)
        summary.run_id = new_index_name(self._alias, self._now())  # the name of the index it builds

        def body() -> None:
            codec = self._feed.codec()
            summary.old_index = self._live_index()
            summary.live_count = None if summary.old_index is None else self._count(summary.old_index)
            routing = self._routing(summary.old_index)
            if self._options.dry_run:
                self._dry_run(codec, source, summary, routing)
                return
            summary.deleted = self._prune(only_incomplete=True)  # left by a killed run
            self._build_and_swap(codec, source, summary, progress, routing)
            summary.deleted += self._prune()

        return self._locked(summary, body)

    def rollback(self) -> Summary:
        """Point the alias back at the newest complete build older than the live one."""
        summary = Summary(source=None, alias=self._alias, feed=self._feed.name)

        def body() -> None:
            live = self._live_index()
            earlier = [name for name in self._complete_builds() if live is None or name < live]
            if not earlier:
                raise ReindexAborted("there is no earlier complete index to roll back to")
            summary.old_index, summary.new_index = live, earlier[0]
            self._swap(earlier[0], live)
            summary.swapped = True
            summary.indexed = self._count(earlier[0])
            summary.outcome = "rolled-back"

        return self._locked(summary, body)

    def _locked(self, summary: Summary, body: Callable[[], None]) -> Summary:
        started = time.monotonic()
        lock = IndexerLock(self._client, self._alias, self._options.lock_ttl_s)
        try:
            lock.acquire()
            try:
                body()
            finally:
                lock.release()
        except (ReindexAborted, LockHeld) as exc:
            summary.outcome, summary.reason = "aborted", str(exc)
        except Exception as exc:  # noqa: BLE001 - reported in the summary, exit status non-zero
            summary.outcome, summary.reason = "failed", f"{type(exc).__name__}: {exc}"
        summary.duration_s = time.monotonic() - started
        return summary

    # ----------------------------------------------------------------- the build

    def _routing(self, live_index: str | None) -> _Routing | None:
        """The run's check of hospitals' addresses, and the live index's, for a feed that has them."""
        if not self._feed.routes_enquiries:
            return None
        live = {} if live_index is None else live_addresses(self._client, live_index)
        return _Routing(HospitalRouting(self._options.enquiry_email_domains), live)

    def _tally(self) -> Tally | None:
        """The run's data-quality report, for a feed that has one."""
        if not self._feed.reports_quality:
            return None
        from indexer.quality import Tally

        return Tally(self._now(), self._options.enquiry_email_domains)

    def _records(
        self,
        codec: Codec[Any],
        lines: Iterator[bytes],
        report: ReadReport,
        routing: _Routing | None,
        tally: Tally | None,
    ) -> Iterator[tuple[int, Any]]:
        """The records to index: valid (model, then routing, watched by the tally) and listed."""
        check: Check[Any] | None = None if routing is None else routing.check.check
        if tally is not None:
            check = tally.watching(check)
        records = valid_records(lines, report, codec.parse, self._feed.id_field, check)
        listed = self._feed.listed
        return records if listed is None else listed_only(records, report, listed, codec.record_id)

    def _dry_run(self, codec: Codec[Any], source: CatalogSource, summary: Summary, routing: _Routing | None) -> None:
        report, tally = ReadReport(), self._tally()
        with source.open_lines() as lines:
            for _ in self._records(codec, lines, report, routing, tally):
                pass
        _take_report(summary, report, routing, tally)
        self._check_guards(summary)
        summary.outcome = "dry-run"

    def _build_and_swap(
        self,
        codec: Codec[Any],
        source: CatalogSource,
        summary: Summary,
        progress: Progress | None,
        routing: _Routing | None,
    ) -> None:
        name = summary.new_index = str(summary.run_id)
        body = codec.index_body()
        # Loading settings: no refresh, no replicas, and no fsync per bulk request. A crash
        # mid-load loses nothing that matters: the build is incomplete and is discarded.
        body["settings"]["index"] = {
            **body["settings"].get("index", {}),
            "refresh_interval": "-1",
            "number_of_replicas": 0,
            "translog": {"durability": "async"},
        }
        self._client.indices.create(index=name, body=body)
        try:
            tally = self._tally()
            report, smoke = self._load(codec, name, source, summary, progress, routing, tally)
            _take_report(summary, report, routing, tally)
            self._check_guards(summary)
            self._finish(name)
            self._verify(name, report.listed, smoke)
            self._client.indices.put_mapping(index=name, body={"_meta": {"complete": True, "source": source.uri}})
            self._swap(name, summary.old_index)
            summary.swapped = True
            summary.outcome = "swapped"
        except BaseException:
            self._client.indices.delete(index=name, ignore=[404])
            raise

    def _load(
        self,
        codec: Codec[Any],
        name: str,
        source: CatalogSource,
        summary: Summary,
        progress: Progress | None,
        routing: _Routing | None,
        tally: Tally | None,
    ) -> tuple[ReadReport, str | None]:
        """Load the valid records; the report, and the id of the first (for the smoke query)."""
        from opensearchpy.helpers import streaming_bulk

        report = ReadReport()
        first: list[str] = []
        # The bulk answer names the document, not the line: remember the lines of each
        # document still in flight (at most a chunk's worth), in order, to report a
        # duplicate id by its line. Answers come back in the order the actions went.
        in_flight: dict[str, list[int]] = {}

        record_id, to_document = codec.record_id, codec.document

        def actions(lines: Iterator[bytes]) -> Iterator[dict[str, Any]]:
            for number, record in self._records(codec, lines, report, routing, tally):
                doc_id = record_id(record)
                if not first:
                    first.append(doc_id)
                in_flight.setdefault(doc_id, []).append(number)
                # Serialised here, in the read-ahead thread: the bulk helper passes a string
                # source through as it is, so the sending thread only frames the chunk.
                source_json = orjson.dumps(to_document(record)).decode()
                yield {"_op_type": "create", "_index": name, "_id": doc_id, "_source": source_json}

        failures: list[str] = []
        duplicates: list[InvalidLine] = []
        with source.open_lines() as lines, closing(read_ahead(actions(lines))) as prepared:
            for ok, item in streaming_bulk(
                self._client,
                prepared,
                chunk_size=self._options.chunk_size,
                **BULK_RETRIES,
                raise_on_error=False,
            ):
                result = item["create"]
                lines_of_id = in_flight[result["_id"]]
                number = lines_of_id.pop(0)
                if not lines_of_id:
                    del in_flight[result["_id"]]
                if ok:
                    summary.indexed += 1
                    if progress is not None:
                        progress(summary.indexed)
                elif result.get("status") == 409:
                    # The feed names this id twice: the first line wins, this one is invalid.
                    duplicates.append(InvalidLine(number, result["_id"], "id: duplicate of an earlier line"))
                else:
                    failures.append(f"{result['_id']}: {_error_text(result.get('error'))}")
        # The report is the read-ahead thread's until it ends: correct it only now.
        for duplicate in duplicates:
            report.valid -= 1
            report.reject(duplicate)
        if failures:
            raise RuntimeError(f"{len(failures)} document(s) failed to index, first: {failures[0]}")
        return report, (first[0] if first else None)

    def _check_guards(self, summary: Summary) -> None:
        options = self._options
        if summary.invalid_ratio > options.max_invalid_ratio:
            raise ReindexAborted(
                f"{summary.invalid} of {summary.lines} lines are invalid "
                f"({summary.invalid_ratio:.1%} > {options.max_invalid_ratio:.1%})"
            )
        # What the index would hold against what it holds: a feed that suddenly marks many
        # specialists not registered empties the search as surely as a truncated one.
        live, listed = summary.live_count, summary.valid - summary.not_registered
        if live and not options.force and listed < live * (1 - options.max_drop_ratio):
            left_out = f" to list ({summary.not_registered} more not registered)" if summary.not_registered else ""
            raise ReindexAborted(
                f"the feed has {listed} valid {self._feed.name}{left_out}, more than "
                f"{options.max_drop_ratio:.0%} below the {live} in the live index "
                "(a truncated feed?); --force overrides"
            )
        shortfalls = [] if summary.quality is None else summary.quality.shortfalls(options.min_shares)
        if shortfalls:
            raise ReindexAborted(f"shares of the feed's specialists below their minimum: {', '.join(shortfalls)}")

    def _finish(self, name: str) -> None:
        self._client.indices.put_settings(
            index=name,
            body={
                "index": {
                    "refresh_interval": None,
                    "number_of_replicas": self._options.replicas,
                    "translog": {"durability": "request"},
                }
            },
        )
        self._client.indices.refresh(index=name)
        # The server waits up to its default 30 s (opensearch-py takes a ``timeout`` argument
        # as the client's own); a timed-out wait answers 408, which raises.
        health = self._client.cluster.health(index=name, wait_for_status="green", request_timeout=60)
        if health.get("timed_out"):
            raise RuntimeError(f"{name} did not turn green")

    def _verify(self, name: str, expected: int, smoke: str | None) -> None:
        count = self._count(name)
        if count != expected:
            raise RuntimeError(f"{name} holds {count} documents, expected {expected}")
        if smoke is None:
            return
        found = self._client.search(
            index=name, body={"query": {"ids": {"values": [smoke]}}, "size": 1}, request_timeout=10
        )
        if found["hits"]["total"]["value"] != 1:
            raise RuntimeError(f"{name} did not answer the smoke query for {smoke}")

    # ----------------------------------------------------------------- the alias

    def _swap(self, new: str, old: str | None) -> None:
        """Move the alias in one ``_aliases`` call: searches see the old index or the new."""
        actions: list[dict[str, Any]] = []
        if old == self._alias:
            actions.append({"remove_index": {"index": old}})  # a concrete index held the name
        elif old is not None:
            actions.append({"remove": {"index": old, "alias": self._alias}})
        actions.append({"add": {"index": new, "alias": self._alias}})
        self._client.indices.update_aliases(body={"actions": actions})

    def _live_index(self) -> str | None:
        from opensearchpy import NotFoundError

        try:
            found = self._client.indices.get_alias(name=self._alias)
        except NotFoundError:
            found = None
        if found:
            return str(sorted(found)[-1])
        if self._client.indices.exists(index=self._alias):
            return self._alias
        return None

    def _count(self, index: str) -> int:
        return int(self._client.count(index=index)["count"])

    # ----------------------------------------------------------------- pruning

    def _builds(self) -> dict[str, bool]:
        """Every build of this alias, newest first, with whether it completed."""
        found = self._client.indices.get_mapping(index=f"{self._alias}-*")
        builds = {
            name: bool(body.get("mappings", {}).get("_meta", {}).get("complete"))
            for name, body in found.items()
            if is_build_of(self._alias, name)
        }
        return dict(sorted(builds.items(), reverse=True))

    def _complete_builds(self) -> list[str]:
        return [name for name, complete in self._builds().items() if complete]

    def _prune(self, only_incomplete: bool = False) -> list[str]:
        """Keep the live index and the newest ``keep`` complete builds besides it; delete the
        rest, including builds a killed run left incomplete (we hold the lock: none is running)."""
        live = self._live_index()
        kept = 0
        doomed: list[str] = []
        for name, complete in self._builds().items():
            if name == live:
                continue
            if complete and (only_incomplete or kept < self._options.keep):
                kept += 1
                continue
            doomed.append(name)
        if doomed:
            self._client.indices.delete(index=",".join(doomed), ignore=[404])
        return doomed


@dataclass(frozen=True)
class _Routing:
    check: HospitalRouting
    live: dict[str, str]  # hospital id -> its enquiries address in the live index


def _take_report(summary: Summary, report: ReadReport, routing: _Routing | None, tally: Tally | None) -> None:
    """Once the feed is read (the check and the tally are the read-ahead thread's until then)."""
    summary.take(report)
    if routing is not None:
        summary.address_changes = routing.check.changes(routing.live)
        summary.address_conflicts = dict(routing.check.conflicts)
    if tally is not None:
        summary.quality = tally.result(report.lines, report.invalid)


def _error_text(error: object) -> str:
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return str(error)
