"""The indexer's benchmarks (issue: catalog, schema and indexer).

* Throughput: a full reindex of N demo specialists (read, validate, convert, bulk,
  verify, swap) against raw ``helpers.bulk`` of the same documents, prepared in memory
  beforehand, into an index with the same mapping and the same loading settings as the
  indexer's builds (no refresh, no replicas, asynchronous translog). Ours and raw
  alternate, which goes first alternating too; the figure is the median of the paired
  per-round ratios. Target >= 0.9.
* Memory: peak RSS of the indexer's command line for 1,000,000 records against
  100,000, as the indexer reports it itself (``peak_rss_mib`` in its ``--json``
  summary: ``VmHWM`` read in the indexer's own process at the end of its run). Target
  <= 1.2x and under 128 MiB: memory must not grow with the catalog.
  :func:`peak_memory` makes both runs itself; :mod:`bench.scaling_bench` reuses
  :func:`run_cli` and :func:`memory_ratio` so that its own runs at those sizes give the
  figure.

Why not the kernel's ``ru_maxrss`` of the child (``wait4``), as this bench once used:
Linux carries a process's high-water mark across fork *and* exec (at exec the old
address space's peak is folded into the process's ``maxrss``), so a child started from
this process, which holds 100,000 prepared documents for the raw baseline, reported this
process's peak (486.6 MiB), not its own. :func:`run_cli` still records that figure
(``kernel_maxrss_mib``) beside the honest one, to show the difference.
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
from chalicelib.adapters.file_catalog_source import LocalFileSource
from chalicelib.catalog import parse_line
from chalicelib.index_schema import index_body, to_document
from devstack.stack import PROJECT_DIR
from indexer.reindex import Options, Reindexer

WARM_UP = 5_000


ROUNDS = 5
THROUGHPUT_TARGET = ">= 0.9"
MEMORY_TARGET = "<= 1.2 and < 128 MiB"
MEMORY_LIMIT_MIB = 128
# The indexer's own loading settings (indexer.reindex.Reindexer._build_and_swap), given to
# the raw baseline's index too, so that the two load into like indices.
LOAD_SETTINGS: dict[str, Any] = {
    "refresh_interval": "-1",
    "number_of_replicas": 0,
    "translog": {"durability": "async"},
}
AFTER_LOAD_SETTINGS: dict[str, Any] = {"refresh_interval": None, "translog": {"durability": "request"}}


def throughput(client: OpenSearch, count: int, rounds: int = ROUNDS) -> dict[str, Any]:
    """Ours and raw alternate for ``rounds`` rounds, which goes first alternating by round,
    and the figure is the median of the rounds' ratios (ours over raw in the same round), so
    a burst of other work on the machine weighs on one round's pair rather than on one side."""
    feed = demo_feed(count)
    _raw_bulk_docs_per_s(client, demo_feed(WARM_UP), WARM_UP)  # a cold JVM would handicap whichever runs first
    ours: list[float] = []
    raw: list[float] = []
    for number in range(rounds):
        if number % 2 == 0:
            ours.append(_full_reindex_docs_per_s(client, feed, count))
            raw.append(_raw_bulk_docs_per_s(client, feed, count))
        else:
            raw.append(_raw_bulk_docs_per_s(client, feed, count))
            ours.append(_full_reindex_docs_per_s(client, feed, count))
        print(f"  round {number + 1}: ours {ours[-1]:,.0f} docs/s, raw {raw[-1]:,.0f} docs/s", flush=True)
    ratios = [o / r for o, r in zip(ours, raw, strict=True)]
    return {
        "records": count,
        "rounds": rounds,
        "first_in_round": ["ours" if number % 2 == 0 else "raw" for number in range(rounds)],
        "method": "median of paired per-round ratios; the raw index loads with the indexer's settings",
        "load_settings": LOAD_SETTINGS,
        "reindex_docs_per_s": round(statistics.median(ours), 1),
        "raw_bulk_docs_per_s": round(statistics.median(raw), 1),
        "per_round_docs_per_s": [[round(o, 1), round(r, 1)] for o, r in zip(ours, raw, strict=True)],
        "per_round_ratios": [round(ratio, 3) for ratio in ratios],
        "ratio": round(statistics.median(ratios), 3),
        "ratio_of_medians": round(statistics.median(ours) / statistics.median(raw), 3),
        "target": THROUGHPUT_TARGET,
    }


def _full_reindex_docs_per_s(client: OpenSearch, feed: Path, count: int) -> float:
    alias = "bench-reindex"
    client.indices.delete(index=f"{alias}*", ignore=[404])
    started = time.perf_counter()
    summary = Reindexer(client, alias, Options(keep=0)).run(LocalFileSource(feed))
    elapsed = time.perf_counter() - started
    if summary.outcome != "swapped" or summary.indexed != count - summary.not_registered:  # those left out
        raise RuntimeError(f"the benchmark reindex did not complete: {summary.as_dict()}")
    client.indices.delete(index=f"{alias}*", ignore=[404])
    return count / elapsed


def _raw_bulk_docs_per_s(client: OpenSearch, feed: Path, count: int) -> float:
    index = "bench-raw-bulk"
    client.indices.delete(index=index, ignore=[404])
    with gzip.open(feed, "rb") as lines:
        documents = [to_document(parse_line(line)) for line in lines]
    body = index_body()
    body["settings"]["index"] = {**body["settings"].get("index", {}), **LOAD_SETTINGS}
    client.indices.create(index=index, body=body)
    started = time.perf_counter()
    ok, errors = bulk(client, ({"_index": index, "_id": d["id"], "_source": d} for d in documents), chunk_size=500)
    client.indices.put_settings(index=index, body={"index": AFTER_LOAD_SETTINGS})
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
    ratio = large.peak_rss_mib / small.peak_rss_mib
    return {
        "small_records": small.records,
        "large_records": large.records,
        "small_peak_rss_mib": round(small.peak_rss_mib, 1),
        "large_peak_rss_mib": round(large.peak_rss_mib, 1),
        "ratio": round(ratio, 3),
        "method": "VmHWM read by the indexer in its own process (peak_rss_mib in its --json summary)",
        "kernel_maxrss_mib": {str(run.records): run.kernel_maxrss_mib for run in (small, large)},
        "target": MEMORY_TARGET,
        "met": ratio <= 1.2 and large.peak_rss_mib < MEMORY_LIMIT_MIB,
    }


@dataclass(frozen=True)
class CliRun:
    records: int
    peak_rss_mib: float  # the indexer's own high-water mark, as its summary reports it
    kernel_maxrss_mib: float  # wait4's ru_maxrss: carries this (parent) process's peak, see the module's note
    summary: dict[str, Any]  # the command line's own ``--json`` summary: duration_s, docs_per_s...


def _measured_cli_run(opensearch_url: str, count: int) -> CliRun:
    alias = f"bench-memory-{count}"
    try:
        return run_cli(opensearch_url, alias, count)
    finally:
        OpenSearch(hosts=[opensearch_url]).indices.delete(index=f"{alias}*", ignore=[404])


def run_cli(opensearch_url: str, alias: str, count: int) -> CliRun:
    """Run ``python -m indexer`` on its own into ``alias``; its peak RSS is the one it reports
    itself. The index stays behind the alias for the caller to query and delete."""
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
    if summary["indexed"] != count - summary["not_registered"]:  # the demo's few not registered: left out
        raise RuntimeError(f"the indexer run for {count} records indexed {summary['indexed']}")
    return CliRun(
        records=count,
        peak_rss_mib=float(summary["peak_rss_mib"]),
        kernel_maxrss_mib=round(usage.ru_maxrss / 1024, 1),  # ru_maxrss: KiB on Linux
        summary=summary,
    )


def supersede(previous: dict[str, Any] | None, new: dict[str, Any], keys: tuple[str, ...], why: str) -> None:
    """Keep the figures ``new`` corrects beside it, for the report: when ``previous`` (the last
    report's) was measured another way, its ``keys`` go in ``new["superseded"]``; when it
    already carried superseded figures, they carry on."""
    if not previous:
        return
    if previous.get("method") != new.get("method"):
        new["superseded"] = {"why": why, **{key: previous[key] for key in keys if key in previous}}
    elif "superseded" in previous:
        new["superseded"] = previous["superseded"]
