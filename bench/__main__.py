"""``python -m bench [--quick] [--only SECTION,...]``: run the benchmarks and write the report.

Every section measures its own baseline in the same run. ``--only`` re-runs some
sections and keeps the others' figures from the last ``report.json``; the report
then says when each section was measured.
"""

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

from bench import availability_bench, cold_start, enquiry_bench, indexer_bench, load_bench, scaling_bench, search_bench
from bench.feeds import demo_feed, demo_treatments_feed
from chalicelib.adapters.file_catalog_source import LocalFileSource
from devstack.opensearch_node import OpenSearchNode
from devstack.stack import DEMO_COUNT
from indexer.feeds import TREATMENTS
from indexer.reindex import Options, Reindexer

REPORT_DIR = Path(__file__).resolve().parent
# In the order they run: the first five share one OpenSearch node; the others start their own.
ON_THE_NODE = ("indexer", "availability", "scaling", "search", "enquiry-handler")
ON_THEIR_OWN = ("enquiry-load", "load", "cold-start")
SECTIONS = ON_THE_NODE + ON_THEIR_OWN
PACKAGES = ("opensearch-py", "chalice", "boto3", "moto", "pydantic", "locust", "aws-xray-sdk")  # versions in the report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small catalogs: checks the harness, not the targets")
    parser.add_argument("--only", type=_sections, default=SECTIONS, help=f"comma-separated, of: {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    results = _previous() if args.only != SECTIONS else {}
    results["machine"], results["quick"] = _machine(), args.quick
    measured: dict[str, str] = results.setdefault("measured", {})
    wanted = [name for name in SECTIONS if name in args.only]
    if any(name in ON_THE_NODE for name in wanted):
        with OpenSearchNode(heap_mb=1024) as node:
            client = OpenSearch(hosts=[node.url], timeout=120)
            for name in (name for name in wanted if name in ON_THE_NODE):
                _run_on_the_node(name, node.url, client, args.quick, results)
                measured[name] = _now()
    for name in (name for name in wanted if name in ON_THEIR_OWN):
        _run_on_its_own(name, args.quick, results)
        measured[name] = _now()
    (REPORT_DIR / "report.json").write_text(json.dumps(results, indent=2) + "\n")
    (REPORT_DIR / "report.md").write_text(_markdown(results))
    print(_markdown(results))
    return 0


def _sections(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}")
    return names


def _previous() -> dict[str, Any]:
    path = REPORT_DIR / "report.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def _run_on_the_node(name: str, url: str, client: OpenSearch, quick: bool, results: dict[str, Any]) -> None:
    throughput_size = 2_000 if quick else 100_000
    if name == "indexer":
        print(f"reindex throughput, {throughput_size:,} specialists...", flush=True)
        previous = results.get("reindex_throughput")
        results["reindex_throughput"] = indexer_bench.throughput(client, throughput_size)
        indexer_bench.supersede(
            previous,
            results["reindex_throughput"],
            ("rounds", "reindex_docs_per_s", "raw_bulk_docs_per_s", "ratio", "per_round_ratios", "target"),
            "ratio of the medians of 3 rounds; the raw index loaded with a per-request (synchronous) translog",
        )
    elif name == "availability":
        print(f"availability: {throughput_size:,} slot updates against raw bulk, and the index's growth...", flush=True)
        results["availability"] = availability_bench.run(client, throughput_size)
    elif name == "scaling":
        print("scaling: reindex, search and disk at each catalog size (and the indexer's memory)...", flush=True)
        results["scaling"] = scaling_bench.run(url, quick=quick, previous=results.get("scaling"))
        results["indexer_memory"] = results["scaling"]["indexer_memory"]
    elif name == "search":
        print(f"search and typeahead latency over {throughput_size:,} specialists...", flush=True)
        loaded = Reindexer(client, "bench-search", Options()).run(LocalFileSource(demo_feed(throughput_size)))
        if not loaded.ok:
            raise RuntimeError(f"loading the search benchmark's catalog failed: {loaded.reason}")
        results["indexed_for_search"] = loaded.indexed
        content = Reindexer(client, "bench-treatments", Options(), feed=TREATMENTS).run(
            LocalFileSource(demo_treatments_feed())
        )
        if not content.ok:
            raise RuntimeError(f"loading the search benchmark's treatments failed: {content.reason}")
        results["search_latency"] = search_bench.latency(url, "bench-search", "bench-treatments")
    else:
        submissions = 100 if quick else enquiry_bench.SUBMISSIONS
        print(f"enquiry handler latency and DynamoDB round trips, {submissions} submissions...", flush=True)
        catalog = Reindexer(client, "bench-enquiries", Options()).run(LocalFileSource(demo_feed(DEMO_COUNT)))
        if not catalog.ok:
            raise RuntimeError(f"loading the enquiry benchmark's catalog failed: {catalog.reason}")
        results["enquiry_handler"] = enquiry_bench.handler_latency(url, "bench-enquiries", submissions)


def _run_on_its_own(name: str, quick: bool, results: dict[str, Any]) -> None:
    if name == "enquiry-load":
        load = (200, 20) if quick else (enquiry_bench.LOAD_SUBMISSIONS, enquiry_bench.LOAD_CLIENTS)
        print(f"enquiry load, {load[0]:,} submissions from {load[1]} clients against the local stack...", flush=True)
        results["enquiry_load"] = enquiry_bench.load(*load)
    elif name == "load":
        print("mixed load at rising concurrency against the local stack (Locust), then its analytics...", flush=True)
        results["load"] = load_bench.run(quick)
    else:
        print("cold start: fresh processes against a hello-world app, X-Ray on and off...", flush=True)
        results["cold_start"] = cold_start.run(quick)


def _machine() -> dict[str, Any]:
    return {
        "date": _now(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "opensearch": "2.19.6 (single local node, 1 GiB heap)",
        **{name: version(name) for name in PACKAGES},
        "platform": platform.platform(),
    }


def _markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    measured: dict[str, str] = results.get("measured", {})
    versions = ", ".join(f"{name} {machine[name]}" for name in PACKAGES if name in machine)
    lines = [
        "# Benchmarks",
        "",
        f"Written {machine['date']} on {machine['cpus']} CPUs ({machine['platform']}), Python {machine['python']}, "
        f"OpenSearch {machine['opensearch']}, {versions}."
        + (" **Quick run: small catalogs, not the targets' sizes.**" if results["quick"] else ""),
        "Each figure stands beside a baseline measured in the same run"
        + ("; sections measured: " + "; ".join(f"{name} {when}" for name, when in measured.items()) if measured else "")
        + ". Machine-readable: `report.json`.",
        "",
    ]
    lines += _indexer_markdown(results)
    if "availability" in results:
        lines += availability_bench.markdown(results["availability"])
    if "scaling" in results:
        lines += scaling_bench.markdown(results["scaling"])
    if "search_latency" in results:
        lines += search_bench.markdown(results["search_latency"], results["indexed_for_search"])
    lines += _enquiry_markdown(results)
    if "load" in results:
        lines += load_bench.markdown(results["load"])
    if "cold_start" in results:
        lines += cold_start.markdown(results["cold_start"])
    return "\n".join(lines)


def _indexer_markdown(results: dict[str, Any]) -> list[str]:
    throughput, memory = results.get("reindex_throughput"), results.get("indexer_memory")
    if not throughput and not memory:
        return []
    lines = ["## Indexer", "", "| measure | ours | baseline | ratio | target |", "| --- | ---: | ---: | ---: | --- |"]
    if throughput:
        lines.append(
            f"| full reindex of {throughput['records']:,} specialists, docs/s (baseline: raw `helpers.bulk` "
            f"of the same prepared documents into an index with the indexer's loading settings; "
            f"{throughput['rounds']} rounds, which side goes first alternating; ratio: the median of the paired "
            f"per-round ratios {throughput['per_round_ratios']}; docs/s: each side's median) | "
            f"{throughput['reindex_docs_per_s']:,} | {throughput['raw_bulk_docs_per_s']:,} | "
            f"{_was(throughput, 'ratio')}{throughput['ratio']} | {throughput['target']} |"
        )
    if memory:
        lines.append(
            f"| indexer peak RSS, MiB, {memory['large_records']:,} records (baseline: "
            f"{memory['small_records']:,} records; from the scaling runs; `VmHWM` read in the indexer's own "
            f"process) | {_was(memory, 'large_peak_rss_mib')}{memory['large_peak_rss_mib']} | "
            f"{_was(memory, 'small_peak_rss_mib')}{memory['small_peak_rss_mib']} | {_was(memory, 'ratio')}"
            f"{memory['ratio']} | {memory['target']} |"
        )
    for name, figures in (("throughput", throughput), ("memory", memory)):
        old = (figures or {}).get("superseded")
        if old:
            lines.append("")
            lines.append(f"Old {name} figures (before issue 14) were measured as {old['why']}; shown as old -> new.")
            if name == "throughput":
                lines.append(
                    f"Old: ours {old['reindex_docs_per_s']:,} docs/s, raw {old['raw_bulk_docs_per_s']:,} docs/s, "
                    f"per-round ratios {old['per_round_ratios']}, target {old['target']}."
                )
    return [*lines, ""]


def _was(figures: dict[str, Any], key: str) -> str:
    old = figures.get("superseded", {}).get(key)
    return "" if old is None else f"{old:,} (old) -> "


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
