"""Where the report reads its records: an Athena export file, or the local UBI indices.

Both return every record with ``start <= timestamp < end``, filtered the same way in
Python (the index query narrows what travels; the Python filter decides), so the two
sources give the same report for the same records.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from chalicelib.adapters.opensearch_ubi_sink import EVENTS_INDEX, QUERIES_INDEX
from chalicelib.analytics.ubi import rfc3339_ms
from relevance.analytics_records import Traffic

PAGE_SIZE = 1000


class SourceError(Exception):
    """The records could not be read (no such file, the node unreachable); the message names no record."""


def read_file(path: Path, start: datetime, end: datetime) -> Traffic:
    """An export in JSON Lines (see :func:`relevance.analytics_records.from_log_lines`), gzipped
    when its name ends in ``.gz`` (the delivered S3 objects, concatenated, read as they are)."""
    import gzip

    from relevance.analytics_records import from_log_lines

    try:
        with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8") as lines:
            return from_log_lines(lines).within(start, end)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {type(exc).__name__}") from exc


def read_local(opensearch_url: str, start: datetime, end: datetime) -> Traffic:
    """Every record in ``ubi_queries`` and ``ubi_events`` on the node at ``opensearch_url``,
    scrolled in pages of ``PAGE_SIZE``; an index that does not exist holds no records."""
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import OpenSearchException

    client = OpenSearch(hosts=[opensearch_url], timeout=60)
    traffic = Traffic()
    try:
        for kind, index in (("query", QUERIES_INDEX), ("event", EVENTS_INDEX)):
            for record in _scan(client, index, start, end):
                traffic.add(kind, record)
    except OpenSearchException as exc:
        raise SourceError(f"cannot read the UBI indices at {opensearch_url}: {type(exc).__name__}") from exc
    return traffic.within(start, end)


def _scan(client: Any, index: str, start: datetime, end: datetime) -> Any:
    from opensearchpy import helpers

    window = {"range": {"timestamp": {"gte": rfc3339_ms(start), "lt": rfc3339_ms(end)}}}
    hits = helpers.scan(
        client, index=index, query={"query": window}, size=PAGE_SIZE, scroll="2m", ignore_unavailable=True
    )
    return (hit["_source"] for hit in hits)
