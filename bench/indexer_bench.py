"""The indexer's benchmarks (issue: catalog, schema and indexer).

* Throughput: a full reindex of N demo specialists (read, validate, convert, bulk,
  verify, swap) against raw ``helpers.bulk`` of the same documents, prepared in memory
  beforehand, into an index with the same mapping and load settings; medians of
  alternating rounds. Target >= 0.8.
* Memory: peak RSS of the indexer's command line for 1,000,000 records against
  100,000. Target <= 1.3x: memory must not grow with the catalog. :func:`peak_memory`
  makes both runs itself; :mod:`bench.scaling_bench` reuses :func:`run_cli` and
  :func:`memory_ratio` so that its own runs at those sizes give the figure.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import bulk

from bench.feeds import demo_feed
from chalicelib.catalog import parse_line
from chalicelib.index_schema import index_body, to_document
from devstack.stack import PROJECT_DIR
from indexer.reindex import Options, Reindexer
from indexer.sources import LocalFileSource

WARM_UP = 5_000


def throughput(client: OpenSearch, count: int, rounds: int = 3) -> dict[str, Any]:
    """Ours and raw alternate ``rounds`` times and the medians are compared, so a burst of
    other work on the machine weighs on one round of each rather than on one side."""
    feed = demo_feed(count)
    _raw_bulk_docs_per_s(client, demo_feed(WARM_UP), WARM_UP)  # a cold JVM would handicap whichever runs first
    ours: list[float] = []
    raw: list[float] = []
    for _ in range(rounds):
        ours.append(_full_reindex_docs_per_s(client, feed, count))
        raw.append(_raw_bulk_docs_per_s(client, feed, count))
    return {
        "records": count,
        "rounds": rounds,
        "reindex_docs_per_s": round(statistics.median(ours), 1),
        "raw_bulk_docs_per_s": round(statistics.median(raw), 1),
        "ratio": round(statistics.median(ours) / statistics.median(raw), 3),
        "per_round_ratios": [round(o / r, 3) for o, r in zip(ours, raw, strict=True)],
        "target": ">= 0.8",
    }


def _full_reindex_docs_per_s(client: OpenSearch, feed: Path, count: int) -> float:
    alias = "bench-reindex"
    client.indices.delete(index=f"{alias}*", ignore=[404])
    started = time.perf_counter()
    summary = Reindexer(client, alias, Options(keep=0)).run(LocalFileSource(feed))
    elapsed = time.perf_counter() - started
    if summary.outcome != "swapped" or summary.indexed != count:
        raise RuntimeError(f"the benchmark reindex did not complete: {summary.as_dict()}")
    client.indices.delete(index=f"{alias}*", ignore=[404])
    return count / elapsed


def _raw_bulk_docs_per_s(client: OpenSearch, feed: Path, count: int) -> float:
    index = "bench-raw-bulk"
    client.indices.delete(index=index, ignore=[404])
    with gzip.open(feed, "rb") as lines:
        documents = [to_document(parse_line(line)) for line in lines]
    body = index_body()
    body["settings"]["index"] = {"refresh_interval": "-1", "number_of_replicas": 0}
    client.indices.create(index=index, body=body)
    started = time.perf_counter()
    ok, errors = bulk(client, ({"_index": index, "_id": d["id"], "_source": d} for d in documents), chunk_size=500)
    client.indices.put_settings(index=index, body={"index": {"refresh_interval": None}})
    client.indices.refresh(index=index)
    elapsed = time.perf_counter() - started
    if ok != count or errors:
        raise RuntimeError(f"raw bulk indexed {ok} of {count}")
    client.indices.delete(index=index)
    return count / elapsed


def peak_memory(opensearch_url: str, small: int, large: int) -> dict[str, Any]:
    return memory_ratio(_measured_cli_run(opensearch_url, small), _measured_cli_run(opensearch_url, large))


def memory_ratio(small: CliRun, large: CliRun) -> dict[str, Any]:
    """The memory figure from two command-line runs, whoever made them."""
    return {
        "small_records": small.records,
        "large_records": large.records,
        "small_peak_rss_mib": round(small.peak_rss_mib, 1),
        "large_peak_rss_mib": round(large.peak_rss_mib, 1),
        "ratio": round(large.peak_rss_mib / small.peak_rss_mib, 3),
        "target": "<= 1.3",
    }


@dataclass(frozen=True)
class CliRun:
    records: int
    peak_rss_mib: float
    summary: dict[str, Any]  # the command line's own ``--json`` summary: duration_s, docs_per_s...


def _measured_cli_run(opensearch_url: str, count: int) -> CliRun:
    alias = f"bench-memory-{count}"
    try:
        return run_cli(opensearch_url, alias, count)
    finally:
        OpenSearch(hosts=[opensearch_url]).indices.delete(index=f"{alias}*", ignore=[404])


def run_cli(opensearch_url: str, alias: str, count: int) -> CliRun:
    """Run ``python -m indexer`` on its own into ``alias`` and read its peak RSS from the kernel
    (wait4). The index stays behind the alias for the caller to query and delete."""
    env = {**os.environ, "OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": alias, "STAGE": "local"}
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: two pipes read in turn can deadlock
        process = subprocess.Popen(
            [sys.executable, "-m", "indexer", "--source", str(demo_feed(count)), "--json", "--keep", "0"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        output = process.stdout.read() if process.stdout else b""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        if process.returncode != 0:
            text = (output + errors.read()).decode(errors="replace")
            raise RuntimeError(f"indexer run for {count} records failed:\n{text[-2000:]}")
    summary = json.loads(output)
    if summary["indexed"] != count:
        raise RuntimeError(f"the indexer run for {count} records indexed {summary['indexed']}")
    return CliRun(records=count, peak_rss_mib=usage.ru_maxrss / 1024, summary=summary)  # ru_maxrss: kB on Linux
