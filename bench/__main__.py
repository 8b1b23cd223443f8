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

from bench import indexer_bench
from devstack.opensearch_node import OpenSearchNode

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
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
