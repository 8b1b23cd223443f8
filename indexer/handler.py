"""The indexer Lambda: a nightly schedule (EventBridge) or a new feed in S3.

A scheduled run reads the feed at ``CATALOG_URI``; an S3 "object created" event (a
bucket notification or its EventBridge form) names the feed itself. A run that did
not swap raises, so the Lambda's error metric (and its alarm) sees it.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any
from urllib.parse import unquote_plus

log = logging.getLogger(__name__)


class IndexerFailed(Exception):
    pass


def feed_uri(event: dict[str, Any], environ: dict[str, str] | os._Environ[str]) -> str:
    records = event.get("Records") or []
    s3_records = [record["s3"] for record in records if isinstance(record, dict) and "s3" in record]
    if s3_records:
        latest = s3_records[-1]
        # Keys in S3 notifications are URL-encoded, with "+" for spaces.
        return f"s3://{latest['bucket']['name']}/{unquote_plus(latest['object']['key'])}"
    detail = event.get("detail") or {}
    if event.get("detail-type") == "Object Created" and isinstance(detail, dict):
        return f"s3://{detail['bucket']['name']}/{detail['object']['key']}"
    uri = environ.get("CATALOG_URI", "").strip()
    if not uri:
        raise IndexerFailed("a scheduled run needs CATALOG_URI (s3://bucket/key of the feed)")
    return uri


def handler(event: dict[str, Any], context: object) -> dict[str, object]:
    from chalicelib import deps
    from chalicelib.config import get_search_settings
    from indexer.options import options_from_env
    from indexer.reindex import Reindexer
    from indexer.sources import open_source

    uri = feed_uri(event, os.environ)
    reindexer = Reindexer(deps.indexing_client(), get_search_settings().search_alias, options_from_env(os.environ))
    summary = reindexer.run(open_source(uri, lambda: deps.boto_session().client("s3")))
    result = summary.as_dict()
    log.info("indexer run %s", json.dumps(result))
    if not summary.ok:
        raise IndexerFailed(f"{summary.outcome}: {summary.reason}")
    return result
