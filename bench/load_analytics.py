"""The load run's search analytics, checked against what Locust sent (issue 18, item 8: "the
Locust load test records events and the report figures match what it sent").

Before the steps, the stack's UBI indices are emptied of the records of the checks and the
warm-up (:func:`empty`). After them, the weekly report
runs as the team runs it, ``python -m relevance.analytics`` over the local indices, with a
window covering the run, writing into ``bench/analytics-report-load/``; its figures are then
compared with the steps' :class:`~bench.load_tally.Tally` (:func:`check`).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.load_tally import Tally, read_all
from chalicelib.adapters.opensearch_ubi_sink import EVENTS_INDEX, MAPPINGS, QUERIES_INDEX
from chalicelib.analytics.recorder import RECORDING_FAILURES
from relevance.analytics_figures import CTR_POSITIONS

BENCH_DIR = Path(__file__).resolve().parent
REPORT_DIR = BENCH_DIR / "analytics-report-load"
UBI_INDICES = (QUERIES_INDEX, EVENTS_INDEX)
# The recorder's EMF line when a record was not kept (chalicelib.analytics.recorder).
RECORDING_FAILED = f'"{RECORDING_FAILURES}":[1.0]'


def empty(opensearch_url: str) -> None:
    """Drop every UBI record on the node (the checks' and warm-up's): each index there is
    deleted and made again as the sink makes it (the node has no ``_delete_by_query``)."""
    from opensearchpy import OpenSearch

    client = OpenSearch(hosts=[opensearch_url], timeout=60)
    for index in UBI_INDICES:
        if client.indices.exists(index=index):
            client.indices.delete(index=index)
            client.indices.create(index=index, body={"settings": {"number_of_shards": 1}, "mappings": MAPPINGS[index]})


def check(
    opensearch_url: str, tallies: list[Path], started: datetime, api_log: Path, out: Path = REPORT_DIR
) -> dict[str, Any]:
    """Run the report over the run's window and compare it with the steps' tallies."""
    from opensearchpy import OpenSearch

    tally = read_all(tallies)
    client = OpenSearch(hosts=[opensearch_url], timeout=60)
    for index in UBI_INDICES:
        if client.indices.exists(index=index):
            client.indices.refresh(index=index)
    now = datetime.now(UTC) + timedelta(seconds=1)
    window = ["--since", f"{max(1, math.ceil((now - started).total_seconds() / 3600))}h"]
    window += ["--now", now.isoformat(timespec="milliseconds").replace("+00:00", "Z")]
    argv = [
        sys.executable, "-m", "relevance.analytics", "--source", "local", "--opensearch-url", opensearch_url,
        *window, "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(argv, cwd=BENCH_DIR.parent, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"python -m relevance.analytics exited {done.returncode}: {done.stderr[-2000:]}")
    report = json.loads((out / "report.json").read_text())
    rows = compare(tally, report)
    return {
        "command": " ".join(["python -m relevance.analytics --source local", *window, "--out", f"bench/{out.name}"]),
        "window": report["window"],
        "report": f"{out.name}/report.md",
        "rows": rows,
        "ok": all(row["match"] for row in rows),
        "sent": dict(tally.sent),
        "accepted": dict(tally.accepted),
        "positions": {action: dict(sorted(counts.items())) for action, counts in tally.positions.items()},
        "clicked_searches": len(tally.best),
        "recording_failures_logged": api_log.read_text(errors="replace").count(RECORDING_FAILED),
    }


def compare(tally: Tally, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each figure the tally can check: Locust's count, the report's, and whether they are equal."""
    volume, ctr = report["volume"], report["ctr"]
    clicked = {k: sum(best <= k for best in tally.best.values()) for k in CTR_POSITIONS}
    recomputed = tally.ctr()
    rows = [
        ("searches: page 1 answered 200 (report: `volume.searches`)", tally.first_pages, volume["searches"]),
        ("later pages answered 200 (`volume.later_pages`)", tally.later_pages, volume["later_pages"]),
        ("typeahead answered 200 (`volume.typeahead`)", tally.typeahead, volume["typeahead"]),
        ("clicks answered 202 on page-1 answers (`volume.clicks`)", tally.clicks(), volume["clicks"]),
        (
            "clicks answered 202 on later pages (`volume.events_not_on_a_search`)",
            tally.on_later_pages,
            volume["events_not_on_a_search"],
        ),
        (
            "typeahead picks answered 202 (`volume.suggest_picks`)",
            tally.accepted["suggest_pick"],
            volume["suggest_picks"],
        ),
        (
            "events answered 202, all (the three rows above)",
            sum(tally.accepted.values()),
            volume["clicks"] + volume["events_not_on_a_search"] + volume["suggest_picks"],
        ),
        ("records the report skipped (`volume.skipped_records`)", 0, volume["skipped_records"]),
        *(
            (f"CTR@{k} (tally: {clicked[k]:,} of {tally.first_pages:,} searches)", recomputed[str(k)], ctr[str(k)])
            for k in CTR_POSITIONS
        ),
    ]
    return [{"measure": name, "locust": ours, "report": theirs, "match": ours == theirs} for name, ours, theirs in rows]


def markdown(found: dict[str, Any] | None) -> list[str]:
    """The load section's part on the analytics recorded during the run."""
    if not found:
        return []
    accepted = found["accepted"]
    sent = ", ".join(f"{action} {accepted.get(action, 0):,} of {n:,}" for action, n in found["sent"].items())
    by_position = _positions(found["positions"])
    return [
        "Search analytics during the run (issue 18): each simulated patient has a random client id (`X-Client-Id`, "
        "and `client_id` in its events); after a search answer with results, some click (`POST /events`: "
        "`view_profile`, `book` or `enquire`, with the card's position, counting earlier pages, and id, and the "
        "answer's `query_id`; card n chosen in proportion to 1/n), and after a typeahead answer some pick a "
        "suggestion. Events appear in the table above as `event`; every search, typeahead answer and event is "
        "recorded, on the local stage with one index request to the local node per record (production writes a "
        "log line instead), so the figures above include that extra request in the search, typeahead and event "
        "latencies and in the node's load; each event also counts against its rate limit in DynamoDB (the moto "
        "server). The UBI indices were emptied of the checks' records before the steps; Locust kept its own "
        "tally of what it was answered and what got 202. After the steps the weekly report ran over the local "
        f"indices (`{found['command']}`; window {found['window']['start']} to {found['window']['end']}), "
        f"written to [`{found['report']}`]({found['report']}). The patients pick their queries at random from "
        "the judged set, so the report's reformulation pairs and synonym candidates from this run are chance, "
        "not findings; what is checked here is the counts and the click-through."
        + ("" if found["ok"] else " **The report does not match what Locust sent.**"),
        "",
        "| measure | Locust's tally | the report | equal |",
        "| --- | ---: | ---: | --- |",
        *(
            f"| {row['measure']} | {_cell(row['locust'])} | {_cell(row['report'])} | "
            f"{'yes' if row['match'] else '**no**'} |"
            for row in found["rows"]
        ),
        "",
        f"Events answered 202, of those sent, by action: {sent}; page-1 searches clicked: "
        f"{found['clicked_searches']:,}; accepted clicks by position: {by_position}. Records the API counted as "
        f"not kept (`AnalyticsRecordingFailures` in its log): {found['recording_failures_logged']:,}.",
        "",
    ]


def _cell(value: object) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return "-" if value is None else str(value)


def _positions(positions: dict[str, dict[Any, int]]) -> str:
    """The clicks (not the typeahead picks) by position, the first ten, then the rest together."""
    total: dict[int, int] = {}
    for action, counts in positions.items():
        if action == "suggest_pick":
            continue
        for position, n in counts.items():
            total[int(position)] = total.get(int(position), 0) + n
    ranked = sorted(total.items())
    shown = ", ".join(f"{position}: {n:,}" for position, n in ranked[:10])
    rest = sum(n for _, n in ranked[10:])
    return shown + (f", beyond 10: {rest:,}" if rest else "") if shown else "none"
