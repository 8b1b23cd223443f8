"""The indexer Lambda: a nightly schedule (EventBridge) or a new feed in S3.

Which feed (:mod:`indexer.feeds`), and so which alias:

- a scheduled run names it in the rule's input, ``{"feed": "treatments"}``; without
  one it is the specialists catalog. It reads the feed at ``CATALOG_URI`` (specialists)
  or ``TREATMENTS_CATALOG_URI`` (treatments).
- an S3 "object created" event (a bucket notification or its EventBridge form) names
  the feed's object itself; a key under ``treatments/`` is the treatments' content,
  one under ``availability/`` the availability feed, any other key the specialists catalog.

The availability feed (hourly, ``{"feed": "availability"}``, read at ``AVAILABILITY_URI``)
is no blue/green run: it updates the live specialists' slots in place
(:mod:`indexer.availability`).

A run that did not swap raises, so the Lambda's error metric (and its alarm) sees it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus

log = logging.getLogger(__name__)

# An object under this prefix of the feed bucket is the treatments' content.
TREATMENTS_PREFIX = "treatments/"
# The partial update of the specialists' slots, and where its objects arrive.
AVAILABILITY = "availability"
AVAILABILITY_PREFIX = "availability/"
# Where a scheduled run of each feed reads it.
URI_VARIABLES = {
    "specialists": "CATALOG_URI",
    "treatments": "TREATMENTS_CATALOG_URI",
    AVAILABILITY: "AVAILABILITY_URI",
}


class IndexerFailed(Exception):
    pass


def _s3_object(event: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(bucket, key)`` of the object an S3 event announces; None for any other event."""
    records = event.get("Records") or []
    s3_records = [record["s3"] for record in records if isinstance(record, dict) and "s3" in record]
    if s3_records:
        latest = s3_records[-1]
        # Keys in S3 notifications are URL-encoded, with "+" for spaces.
        return latest["bucket"]["name"], unquote_plus(latest["object"]["key"])
    detail = event.get("detail") or {}
    if event.get("detail-type") == "Object Created" and isinstance(detail, dict):
        return detail["bucket"]["name"], detail["object"]["key"]
    return None


def feed_name(event: Mapping[str, Any]) -> str:
    """The feed an event is for: its ``feed`` field, else the S3 key's prefix, else specialists."""
    from indexer.feeds import FEEDS

    choices = (*FEEDS, AVAILABILITY)
    if "feed" in event:
        name = event["feed"]
        if not isinstance(name, str) or name not in choices:
            raise IndexerFailed(f"unknown feed {str(name)[:40]!r} in the event: choose one of {', '.join(choices)}")
        return name
    found = _s3_object(event)
    if found is not None and found[1].startswith(TREATMENTS_PREFIX):
        return "treatments"
    if found is not None and found[1].startswith(AVAILABILITY_PREFIX):
        return AVAILABILITY
    return "specialists"


def feed_uri(event: Mapping[str, Any], environ: Mapping[str, str], feed: str = "specialists") -> str:
    found = _s3_object(event)
    if found is not None:
        return f"s3://{found[0]}/{found[1]}"
    variable = URI_VARIABLES[feed]
    uri = environ.get(variable, "").strip()
    if not uri:
        raise IndexerFailed(f"a scheduled run of the {feed} feed needs {variable} (s3://bucket/key of the feed)")
    return uri


def handler(event: dict[str, Any], context: object) -> dict[str, object]:
    from chalicelib import deps
    from chalicelib.config import get_search_settings
    from indexer.feeds import feed_named
    from indexer.options import enquiry_email_domains, options_from_env
    from indexer.reindex import Reindexer
    from indexer.sources import open_source

    name = feed_name(event)
    uri = feed_uri(event, os.environ, name)
    if name == AVAILABILITY:
        return _availability(uri)
    feed = feed_named(name)
    settings = get_search_settings()
    options = options_from_env(os.environ)
    options = dataclasses.replace(options, enquiry_email_domains=enquiry_email_domains(settings, feed))
    reindexer = Reindexer(deps.clients().indexing_opensearch, feed.alias(settings), options, feed=feed)
    summary = reindexer.run(open_source(uri, lambda: deps.clients().s3))
    if summary.quality is not None:  # the catalog's data-quality report, beside its feed
        from indexer.quality_report import publish

        summary.quality_files = publish(summary.quality, uri, str(summary.run_id), lambda: deps.clients().s3)
    result = summary.as_dict()
    log.info("indexer run %s", json.dumps(result))
    if not summary.ok:
        raise IndexerFailed(f"{summary.outcome}: {summary.reason}")
    return result


def _availability(uri: str) -> dict[str, object]:
    from indexer.availability import apply_feed

    summary = apply_feed(uri)
    result = summary.as_dict()
    log.info("availability run %s", json.dumps(result))
    if not summary.ok:
        raise IndexerFailed(f"{summary.outcome}: {summary.reason}")
    return result
