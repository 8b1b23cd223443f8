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

from bench import enquiry_bench, indexer_bench, search_bench
from bench.feeds import demo_feed
from devstack.opensearch_node import OpenSearchNode
from devstack.stack import DEMO_COUNT
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
        submissions = 100 if args.quick else enquiry_bench.SUBMISSIONS
        print(f"enquiry handler latency and DynamoDB round trips, {submissions} submissions...", flush=True)
        enquiry_catalog = Reindexer(client, "bench-enquiries", Options()).run(LocalFileSource(demo_feed(DEMO_COUNT)))
        if not enquiry_catalog.ok:
            raise RuntimeError(f"loading the enquiry benchmark's catalog failed: {enquiry_catalog.reason}")
        results["enquiry_handler"] = enquiry_bench.handler_latency(node.url, "bench-enquiries", submissions)
    # After the node above has stopped: the local stack runs its own.
    load = (200, 20) if args.quick else (enquiry_bench.LOAD_SUBMISSIONS, enquiry_bench.LOAD_CLIENTS)
    print(f"enquiry load, {load[0]:,} submissions from {load[1]} clients against the local stack...", flush=True)
    results["enquiry_load"] = enquiry_bench.load(*load)
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
        f"of the same prepared documents; median of {throughput['rounds']} alternating rounds, each round's ratio "
        f"{throughput['per_round_ratios']}) | {throughput['reindex_docs_per_s']:,} | "
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
    lines += _enquiry_markdown(results)
    return "\n".join(lines)


def _enquiry_markdown(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    handler, load = results.get("enquiry_handler"), results.get("enquiry_load")
    if handler or load:
        lines += ["## Enquiries", ""]
    if handler:
        ours, keyed, put, raw = (
            handler["handler"],
            handler["handler_with_idempotency_key"],
            handler["bare_put_item"],
            handler["raw_io"],
        )
        trips = handler["round_trips"]
        lines += [
            f"`POST /enquiries` in-process through the Chalice app, warm clients, against a moto server and the "
            f"demo catalog ({handler['submissions']} submissions after {handler['warm_up']} warm-up, each beside "
            f"its baselines; moto's state is cleared every {handler['moto_reset_every']} submissions, untimed, "
            "because its transactions copy whole tables).",
            "",
            "| measure | ours | baseline | ratio | target |",
            "| --- | ---: | ---: | ---: | --- |",
            f"| handler p50, ms (baseline: a bare `put_item` of a comparable item on the same moto server) | "
            f"{ours['p50_ms']} | {put['p50_ms']} | {handler['p50_ratio']} | - |",
            f"| handler p95, ms (baseline: bare `put_item`) | {ours['p95_ms']} | {put['p95_ms']} | "
            f"{handler['p95_ratio']} | - |",
            f"| handler p50, ms (baseline: its own I/O sent raw: the routing GET and the same transaction) | "
            f"{ours['p50_ms']} | {raw['p50_ms']} | {handler['p50_over_raw_io']} | - |",
            f"| handler p95, ms (baseline: its own I/O sent raw) | {ours['p95_ms']} | {raw['p95_ms']} | "
            f"{handler['p95_over_raw_io']} | - |",
            f"| handler with `Idempotency-Key` p50, ms (baseline: bare `put_item`) | {keyed['p50_ms']} | "
            f"{put['p50_ms']} | {handler['with_key_p50_ratio']} | - |",
            f"| handler with `Idempotency-Key` p95, ms (baseline: bare `put_item`) | {keyed['p95_ms']} | "
            f"{put['p95_ms']} | {handler['with_key_p95_ratio']} | - |",
            f"| DynamoDB round trips per accepted enquiry, no key (max; {_shapes(trips['without_key'])}) | "
            f"{trips['without_key']['max']} | - | - | {trips['target']} |",
            f"| DynamoDB round trips per accepted enquiry, with `Idempotency-Key` "
            f"(max; {_shapes(trips['with_key'])}) | "
            f"{trips['with_key']['max']} | - | - | {trips['target']} |",
            f"| DynamoDB round trips per replay of a key (max; {_shapes(trips['replay'])}) | "
            f"{trips['replay']['max']} | - | - | - |",
            "",
        ]
    if load:
        statuses = ", ".join(f"{status} x {count:,}" for status, count in load["statuses"].items())
        latency = load["latency"]
        lines += [
            f"Load: {load['submissions']:,} submissions from {load['clients']} concurrent clients over HTTP against "
            "the local stack (OpenSearch node, moto server, API server, stream worker), then up to "
            f"{load['drain_timeout_s']:.0f} s for the e-mails." + ("" if load["ok"] else " **Targets not met.**"),
            "",
            "| measure | measured | target |",
            "| --- | ---: | --- |",
            f"| wall time, s | {load['wall_s']} | - |",
            f"| throughput, submissions/s | {load['throughput_per_s']} | - |",
            f"| latency p50 / p95, ms | {latency.get('p50_ms', '-')} / {latency.get('p95_ms', '-')} | - |",
            f"| answers | {statuses} | {load['submissions']:,} x 202 |",
            f"| 5xx answers | {load['server_errors']:,} | {load['server_errors_target']} |",
            f"| stored, of those answered 202 | {load['stored']:,} | {load['stored_target']:,} |",
            f"| answered 202 but not stored | {load['acknowledged_not_stored']:,} | 0 |",
            f"| stored though answered an error | {load['stored_without_202']:,} | 0 |",
            f"| e-mails sent for the enquiries answered 202 (after {load['drain_s']} s) | {load['emails_sent']:,} | "
            f"{load['emails_target']:,} |",
            f"| duplicate e-mails (same reference, same recipient) | {load['duplicates']:,} | "
            f"{load['duplicates_target']} |",
            "",
        ]
    return lines


def _shapes(trips: dict[str, Any]) -> str:
    return "; ".join(f"{shape} x {count}" for shape, count in trips["operations"].items())


if __name__ == "__main__":
    sys.exit(main())
