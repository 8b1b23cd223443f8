"""The data-quality report as people read it: Markdown and a standalone HTML page.

Every value from the feed is escaped in the HTML (ids are plain by the catalog's rules,
but the page must stay safe whatever a later contract lets through).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from indexer.quality import PROBLEMS, Quality

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)

TITLE = "Catalog data quality"
# Where the Lambda writes each run's report in the feed bucket: outside the prefixes whose
# new objects start a run (infra/indexing.py grants s3:PutObject here and nowhere else).
PREFIX = "quality/"


def _percent(share: float) -> str:
    return f"{share:.1%}"


def _intro(quality: Quality) -> str:
    domains = quality.enquiry_domains
    checked = "any domain (not checked)" if domains is None else ", ".join(domains)
    return (
        f"As of {quality.as_of.isoformat()}: {quality.lines:,} lines, {quality.specialists:,} valid specialists, "
        f"{quality.invalid:,} invalid lines; {quality.slots:,} specialist-hospital slots. "
        f"Enquiry addresses allowed at: {checked}."
    )


def markdown(quality: Quality) -> str:
    rows = [f"# {TITLE}", "", _intro(quality), "", "## Problems", ""]
    rows += ["| problem | count | of | first ids |", "| --- | ---: | ---: | --- |"]
    for name, problem in quality.problems.items():
        ids = ", ".join(f"`{offender}`" for offender in problem.ids) or "-"
        rows.append(f"| **{name}**: {PROBLEMS[name]} | {problem.count:,} | {problem.of:,} | {ids} |")
    rows += ["", "## Fields filled", "", "| field | filled |", "| --- | ---: |"]
    rows += [f"| `{name}` | {_percent(share)} |" for name, share in quality.shares.items()]
    return "\n".join(rows) + "\n"


def html(quality: Quality) -> str:
    problems = "".join(
        f"<tr><th scope=row><code>{escape(name)}</code><br>{escape(PROBLEMS[name])}</th>"
        f"<td>{problem.count:,}</td><td>{problem.of:,}</td>"
        f"<td>{', '.join(f'<code>{escape(offender)}</code>' for offender in problem.ids) or '-'}</td></tr>"
        for name, problem in quality.problems.items()
    )
    shares = "".join(
        f"<tr><th scope=row><code>{escape(name)}</code></th><td>{_percent(share)}</td></tr>"
        for name, share in quality.shares.items()
    )
    return (
        '<!doctype html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
        f"<title>{TITLE}</title>"
        "<style>body{font-family:sans-serif;max-width:70rem;margin:1rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;"
        "vertical-align:top}td:nth-child(2),td:nth-child(3){text-align:right}</style></head>\n"
        f"<body><h1>{TITLE}</h1><p>{escape(_intro(quality))}</p>\n"
        "<h2>Problems</h2><table><thead><tr><th scope=col>problem</th><th scope=col>count</th>"
        f"<th scope=col>of</th><th scope=col>first ids</th></tr></thead><tbody>{problems}</tbody></table>\n"
        "<h2>Fields filled</h2><table><thead><tr><th scope=col>field</th><th scope=col>filled</th></tr></thead>"
        f"<tbody>{shares}</tbody></table>\n</body></html>\n"
    )


def write(quality: Quality, directory: Path, name: str) -> list[Path]:
    """``name.md`` and ``name.html`` in ``directory`` (made if need be); their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.md", directory / f"{name}.html"]
    paths[0].write_text(markdown(quality), encoding="utf-8")
    paths[1].write_text(html(quality), encoding="utf-8")
    return paths


def publish(quality: Quality, feed_uri: str, run_id: str, s3: Callable[[], S3Client]) -> list[str]:
    """``quality/<run_id>.md`` and ``.html`` in the bucket of an ``s3://`` feed; their URIs.

    A report that cannot be written is logged, not raised: the run itself is what the
    Lambda's outcome (and its alarm) must say.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    if not feed_uri.startswith("s3://"):
        return []
    bucket, client, written = urlsplit(feed_uri).netloc, s3(), []
    pages = ((".md", markdown(quality), "text/markdown"), (".html", html(quality), "text/html"))
    for suffix, text, content_type in pages:
        key = f"{PREFIX}{run_id}{suffix}"
        try:
            client.put_object(Bucket=bucket, Key=key, Body=text.encode(), ContentType=f"{content_type}; charset=utf-8")
        except (BotoCoreError, ClientError) as exc:
            log.warning("could not write the data-quality report %s: %s", key, type(exc).__name__)
            continue
        written.append(f"s3://{bucket}/{key}")
    return written
