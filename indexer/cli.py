"""``python -m indexer``: reindex from a feed, or roll back, by hand.

``--feed`` chooses the feed and so the alias: ``specialists`` (the default, the catalog,
into ``SEARCH_ALIAS``) or ``treatments`` (the treatments' content, into ``TREATMENTS_ALIAS``);
``availability`` updates the slots of the live ``SEARCH_ALIAS`` in place (no rebuild).
Reads ``OPENSEARCH_URL`` and the alias (``STAGE`` defaults to ``local`` here:
plain HTTP; any other stage signs requests with the AWS credentials in the environment).
Exit status: 0 done, 1 the run failed or was aborted, 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

from chalicelib.config import ConfigError
from indexer.feeds import FEEDS, feed_named
from indexer.handler import AVAILABILITY
from indexer.options import enquiry_email_domains, options_from_env
from indexer.progress import ProgressLine
from indexer.quality_cli import add_min_share, min_shares
from indexer.summary import peak_rss_mib


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--feed",
        choices=[*FEEDS, AVAILABILITY],
        default="specialists",
        help="which feed, and so which alias (default specialists; availability: update the live slots)",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--source", help="the feed's file: a path or s3://bucket/key (.gz is gunzipped)")
    action.add_argument("--rollback", action="store_true", help="point the alias back at the previous index")
    parser.add_argument("--dry-run", action="store_true", help="validate and check the guards; change nothing")
    parser.add_argument("--keep", type=int, metavar="N", help="old complete indices to keep for rollback (default 2)")
    parser.add_argument("--force", action="store_true", help="swap even if the count dropped more than allowed")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_min_share(parser, below="abort the run (replaces QUALITY_MIN_SHARES)")
    parser.add_argument("--quality-dir", type=Path, metavar="DIR", help="write the data-quality report in DIR")
    args = parser.parse_args(argv)
    if (args.min_share or args.quality_dir) and (args.feed != "specialists" or args.rollback):
        parser.error("--min-share and --quality-dir go with a --source run of the specialists feed")
    args.min_shares = min_shares(parser, args)
    if args.keep is not None and not 0 <= args.keep <= 100:
        parser.error("--keep must be from 0 to 100")
    if args.rollback and (args.dry_run or args.force):
        parser.error("--rollback takes neither --dry-run nor --force")
    if args.feed == AVAILABILITY and (args.rollback or args.dry_run or args.force or args.keep is not None):
        parser.error("--feed availability takes only --source and --json")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("STAGE", "local")
    if args.feed == AVAILABILITY:
        return _availability(args.source, args.json)
    from chalicelib import deps
    from chalicelib.catalog import SourceError
    from chalicelib.config import get_search_settings
    from indexer.reindex import Reindexer
    from indexer.sources import open_source

    feed = feed_named(args.feed)
    try:
        settings = get_search_settings()
        options = options_from_env(os.environ)
        domains = None if args.rollback else enquiry_email_domains(settings, feed)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    options = dataclasses.replace(
        options,
        dry_run=args.dry_run,
        force=args.force,
        keep=options.keep if args.keep is None else args.keep,
        enquiry_email_domains=domains,
        min_shares=args.min_shares or options.min_shares,
    )
    reindexer = Reindexer(deps.clients().indexing_opensearch, feed.alias(settings), options, feed=feed)
    if args.rollback:
        summary = reindexer.rollback()
    else:
        try:
            source = open_source(args.source, lambda: deps.clients().s3)
        except SourceError as exc:
            print(exc, file=sys.stderr)
            return 2
        progress = ProgressLine(what=feed.name) if sys.stderr.isatty() and not args.json else None
        try:
            summary = reindexer.run(source, progress)
        finally:
            if progress is not None:
                progress.close()
    if args.quality_dir is not None and summary.quality is not None:
        from indexer import quality_report

        written = quality_report.write(summary.quality, args.quality_dir, str(summary.run_id))
        summary.quality_files = [str(path) for path in written]
    summary.peak_rss_mib = peak_rss_mib()  # the whole run's high-water mark, this process's own
    print(json.dumps(summary.as_dict(), indent=2) if args.json else summary.as_text())
    return 0 if summary.ok else 1


def _availability(uri: str, as_json: bool) -> int:
    from chalicelib.catalog import SourceError
    from indexer.availability import apply_feed

    try:
        summary = apply_feed(uri)
    except (ConfigError, SourceError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(json.dumps(summary.as_dict(), indent=2) if as_json else summary.as_text())
    return 0 if summary.ok else 1
