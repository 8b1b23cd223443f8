"""``python -m bench [--quick]``: run the benchmarks and write the report."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch

from bench import indexer_bench, search_bench
from bench.feeds import demo_feed
from devstack.opensearch_node import OpenSearchNode
from indexer.reindex import Options, Reindexer
from indexer.sources import LocalFileSource

REPORT_DIR = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small catalogs: checks the harness, not the targets")
    args = parser.parse_args(argv)
    sizes = (2_000, 20_000) if args.quick else (100_000, 1_000_000)
    results: dict[str, Any] = {"machine": _machine(), "quick": args.quick}
    with OpenSearchNode(heap_mb=1024) as node:
        client = OpenSearch(hosts=[node.url], timeout=120)
        print(f"reindex throughput, {sizes[0]:,} specialists...", flush=True)
        results["reindex_throughput"] = indexer_bench.throughput(client, sizes[0])
        print(f"indexer peak memory, {sizes[0]:,} against {sizes[1]:,} specialists...", flush=True)
        results["indexer_memory"] = indexer_bench.peak_memory(node.url, *sizes)
        print(f"search and typeahead latency over {sizes[0]:,} specialists...", flush=True)
        loaded = Reindexer(client, "bench-search", Options()).run(LocalFileSource(demo_feed(sizes[0])))
        if not loaded.ok:
            raise RuntimeError(f"loading the search benchmark's catalog failed: {loaded.reason}")
        results["indexed_for_search"] = loaded.indexed
        results["search_latency"] = search_bench.latency(node.url, "bench-search")
    (REPORT_DIR / "report.json").write_text(json.dumps(results, indent=2) + "\n")
    (REPORT_DIR / "report.md").write_text(_markdown(results))
    print(_markdown(results))
    return 0


def _machine() -> dict[str, Any]:
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "opensearch": "2.19.6 (single local node, 1 GiB heap)",
        "opensearch-py": version("opensearch-py"),
        "platform": platform.platform(),
    }


def _markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    throughput = results["reindex_throughput"]
    memory = results["indexer_memory"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {machine['date']} on {machine['cpus']} CPUs, Python {machine['python']}, "
        f"OpenSearch {machine['opensearch']}, opensearch-py {machine['opensearch-py']}."
        + (" **Quick run: small catalogs, not the targets' sizes.**" if results["quick"] else ""),
        "Each figure stands beside a baseline measured in the same run.",
        "",
        "## Indexer",
        "",
        "| measure | ours | baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| full reindex of {throughput['records']:,} specialists, docs/s (baseline: raw `helpers.bulk` "
        f"of the same prepared documents) | {throughput['reindex_docs_per_s']:,} | "
        f"{throughput['raw_bulk_docs_per_s']:,} | {throughput['ratio']} | {throughput['target']} |",
        f"| indexer peak RSS, MiB, {memory['large_records']:,} records (baseline: "
        f"{memory['small_records']:,} records) | {memory['large_peak_rss_mib']} | "
        f"{memory['small_peak_rss_mib']} | {memory['ratio']} | {memory['target']} |",
        "",
    ]
    search = results.get("search_latency")
    if search:
        ours, raw, suggest = search["search_handler"], search["raw_opensearch"], search["typeahead"]
        lines += [
            f"## Search ({search['queries']} queries x {search['rounds']} rounds, {results['indexed_for_search']:,} "
            "specialists)",
            "",
            "| measure | ours | baseline | ratio | target |",
            "| --- | ---: | ---: | ---: | --- |",
            f"| search handler p50, ms (baseline: the same body sent raw with opensearch-py) | {ours['p50_ms']} | "
            f"{raw['p50_ms']} | {search['p50_ratio']} | {search['p50_target']} |",
            f"| search handler p95, ms (baseline: raw) | {ours['p95_ms']} | {raw['p95_ms']} | "
            f"{round(ours['p95_ms'] / raw['p95_ms'], 3)} | - |",
            f"| typeahead p95, ms (baseline: search handler p95) | {suggest['p95_ms']} | {ours['p95_ms']} | "
            f"{search['typeahead_p95_over_search_p95']} | {search['typeahead_target']} |",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
