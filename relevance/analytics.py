"""``python -m relevance.analytics --since 7d``: the weekly search-quality report.

Reads the UBI records of the window (``now - since`` to ``now``) from the local node's
``ubi_queries``/``ubi_events`` indices (``--source local``, the default) or from an Athena
export in JSON Lines (``--source FILE``), and writes ``report.json``, ``report.md`` and its
plots into ``--out``. Synonym candidates appear only in those files. With ``--export-judged
FILE --month YYYY-MM`` it also writes that month's top queries as a judged-set skeleton in
the format of ``relevance/natural.json``. The figures are defined in docs/analytics-report.md.

Exit status: 0 done; 1 the records could not be read; 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from relevance.analytics_records import Traffic, timestamp

DEFAULT_URL = "http://127.0.0.1:9200"
DEFAULT_OUT = Path("analytics-report")
_SINCE = re.compile(r"([1-9][0-9]{0,2})([dh])")
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m relevance.analytics", description="The weekly search-quality report."
    )
    parser.add_argument("--since", default="7d", help="the window before --now: Nd or Nh (default 7d)")
    parser.add_argument("--now", help="the window's end, RFC 3339 (default: the current time)")
    parser.add_argument("--source", default="local", help="'local' (the UBI indices) or an export file (JSON Lines)")
    parser.add_argument("--opensearch-url", help=f"the local node (default: $OPENSEARCH_URL or {DEFAULT_URL})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write (default {DEFAULT_OUT})")
    parser.add_argument("--top", type=int, default=10, help="rows in each top-N list (default 10)")
    parser.add_argument("--min-evidence", type=int, default=2, help="pairs a synonym candidate needs (default 2)")
    parser.add_argument(
        "--export-judged", type=Path, metavar="FILE", help="write the judged-set skeleton here (with --month)"
    )
    parser.add_argument("--month", help="the month the skeleton covers, YYYY-MM (UTC)")
    args = parser.parse_args(argv)
    since = _SINCE.fullmatch(args.since)
    if since is None:
        parser.error("--since must be a number of days or hours from 1 to 999, e.g. 7d or 36h")
    args.since = timedelta(**{{"d": "days", "h": "hours"}[since[2]]: int(since[1])})
    try:
        args.now = timestamp(args.now) if args.now else datetime.now(UTC)
    except ValueError:
        parser.error("--now must be an RFC 3339 time with a zone, e.g. 2026-12-07T00:00:00Z")
    if (args.export_judged is None) != (args.month is None):
        parser.error("--export-judged and --month go together")
    if args.month is not None and not _MONTH.fullmatch(args.month):
        parser.error("--month must be YYYY-MM")
    if not 1 <= args.top <= 1000 or args.min_evidence < 1:
        parser.error("--top must be from 1 to 1000 and --min-evidence at least 1")
    return args


def month_window(month: str) -> tuple[datetime, datetime]:
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=UTC)
    return start, datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)


def read(source: str, url: str, start: datetime, end: datetime) -> Traffic:
    from relevance.analytics_sources import read_file, read_local

    return read_local(url, start, end) if source == "local" else read_file(Path(source), start, end)


def build(traffic: Traffic, source: str, start: datetime, end: datetime, top: int, min_evidence: int) -> dict[str, Any]:
    """The report: the figures over ``traffic`` and the synonym candidates."""
    from relevance.analytics_figures import figures, pairs, searches
    from relevance.analytics_synonyms import candidates

    report = {"source": source, **figures(traffic, start, end, top)}
    report["synonym_candidates"] = candidates(pairs(searches(traffic)), min_evidence)
    return report


def main(argv: list[str] | None = None) -> int:
    from relevance.analytics_output import write
    from relevance.analytics_sources import SourceError

    args = parse_args(argv)
    url = args.opensearch_url or os.environ.get("OPENSEARCH_URL", DEFAULT_URL)
    source = "local" if args.source == "local" else "file"
    start = args.now - args.since
    try:
        traffic = read(args.source, url, start, args.now)
        month = read(args.source, url, *month_window(args.month)) if args.month else None
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 1
    report = build(traffic, source, start, args.now, args.top, args.min_evidence)
    for path in write(report, args.out):
        print(f"wrote {path}")
    if month is not None:
        from relevance.analytics_figures import searches
        from relevance.analytics_judged import skeleton

        exported = skeleton(searches(month), args.month)
        args.export_judged.parent.mkdir(parents=True, exist_ok=True)
        args.export_judged.write_text(json.dumps(exported, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.export_judged} ({len(exported['queries'])} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
