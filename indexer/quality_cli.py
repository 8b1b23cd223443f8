"""``python -m indexer.quality``: the data-quality report of a catalog feed, index untouched.

Reads the feed (a path or ``s3://bucket/key``; ``.gz`` is gunzipped) as a catalog run
would: the model, then the routing rules with ``ENQUIRY_EMAIL_DOMAINS`` (any domain when
unset). Prints the report as Markdown, or as JSON with ``--json``; ``--out-dir`` also
writes ``quality.md`` and ``quality.html`` there. ``--min-share FIELD=RATIO`` (repeatable)
is the indexer's guard: a share below its minimum is named on stderr and exits 1.
Exit status: 0 done, 1 a share below its minimum, 2 bad usage or a feed that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.quality import FIELDS, BadMinimum, Quality, Tally, parse_minimums

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_s3 import S3Client

    from chalicelib.catalog import CatalogSource


def add_min_share(parser: argparse.ArgumentParser, *, below: str) -> None:
    """``--min-share FIELD=RATIO``, as this command and ``python -m indexer`` both take it;
    ``below``: what a share below its minimum does. Read it with :func:`min_shares`."""
    parser.add_argument(
        "--min-share",
        action="append",
        default=[],
        metavar="FIELD=RATIO",
        help=f"FIELD's minimum share of the catalog's specialists, RATIO from 0 to 1 (repeatable; FIELD is one "
        f"of {', '.join(FIELDS)}); below it: {below}",
    )


def min_shares(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[tuple[str, float], ...]:
    """The ``--min-share`` values parsed, or the usage error (exit 2) naming the bad one."""
    try:
        return parse_minimums(args.min_share)
    except BadMinimum as exc:
        parser.error(f"--min-share {exc}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m indexer.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="the catalog feed: a path or s3://bucket/key")
    parser.add_argument("--out-dir", type=Path, metavar="DIR", help="write quality.md and quality.html in DIR")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of Markdown")
    add_min_share(parser, below="fail (exit 1)")
    parser.add_argument("--now", help="judge staleness as at this RFC 3339 time (default: now)")
    args = parser.parse_args(argv)
    args.minimums = min_shares(parser, args)
    try:
        args.now = datetime.now(UTC) if args.now is None else datetime.fromisoformat(args.now)
    except ValueError:
        parser.error("--now must be an RFC 3339 time such as 2026-12-05T00:00:00Z")
    if args.now.utcoffset() is None:
        parser.error("--now needs a UTC offset, such as Z")
    return args


def enquiry_domains(environ: Mapping[str, str]) -> tuple[str, ...] | None:
    """``ENQUIRY_EMAIL_DOMAINS`` (comma-separated), or None when unset: any domain."""
    domains = tuple(part.strip().lower() for part in environ.get("ENQUIRY_EMAIL_DOMAINS", "").split(","))
    return tuple(domain for domain in domains if domain) or None


def feed_quality(source: CatalogSource, now: datetime, domains: tuple[str, ...] | None) -> Quality:
    """Read ``source`` once, as a catalog run does, and report on it."""
    from chalicelib.catalog import parse_line
    from indexer.records import ReadReport, valid_records
    from indexer.routing import HospitalRouting

    report, tally = ReadReport(), Tally(now, domains)
    check = tally.watching(HospitalRouting(domains).check)
    with source.open_lines() as lines:
        for _ in valid_records(lines, report, parse_line, "id", check):
            pass
    return tally.result(report.lines, report.invalid)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from chalicelib.catalog import SourceError
    from indexer import quality_report
    from indexer.sources import open_source

    def s3_client() -> S3Client:
        import boto3

        return boto3.client("s3")

    try:
        quality = feed_quality(open_source(args.source, s3_client), args.now, enquiry_domains(os.environ))
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(quality.as_dict(), indent=2))
    else:
        print(quality_report.markdown(quality), end="")
    if args.out_dir is not None:
        written = quality_report.write(quality, args.out_dir, "quality")
        print(f"wrote {', '.join(str(path) for path in written)}", file=sys.stderr)
    shortfalls = quality.shortfalls(args.minimums)
    if shortfalls:
        print(f"below the minimum: {', '.join(shortfalls)}", file=sys.stderr)
        return 1
    return 0
