"""How cost grows with the catalog (issue: benchmarks, scaling).

For each catalog size, smallest first (the smallest is the baseline, measured in the
same run): one full reindex through the indexer's command line into an alias of its
own, which gives reindex throughput from the indexer's own summary and the indexer's
peak RSS; then, once OpenSearch's background merges have settled, search_bench's query
mix and timing loop over that alias; then the index's size on disk. The index is
deleted before the next size, so only one catalog is on disk at a time.

The indexer's peak RSS is the one it reports itself (``VmHWM`` of its own process; see
:mod:`bench.indexer_bench` for why not the kernel's ``ru_maxrss`` seen from here).
The two largest runs also give the indexer memory figure (``indexer_memory``, the same
shape as :func:`bench.indexer_bench.peak_memory`), so the largest catalog is indexed
once for both.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch

from bench import plots
from bench.indexer_bench import CliRun, memory_ratio, run_cli, supersede
from bench.search_bench import ROUNDS, Timings, percentiles, time_queries

SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (2_000, 10_000, 20_000)
ALIAS = "bench-scaling"
MERGE_SETTLE_TIMEOUT_S = 600.0
# The report's columns: (key in each size's figures, label).
MEASURES = (
    ("search_p50_ms", "search p50, ms"),
    ("search_p95_ms", "search p95, ms"),
    ("typeahead_p95_ms", "typeahead p95, ms"),
    ("reindex_docs_per_s", "reindex, docs/s"),
    ("reindex_s", "reindex time, s"),
    ("store_mib", "index on disk, MiB"),
    ("indexer_peak_rss_mib", "indexer peak RSS, MiB"),
)
# The costs whose growth the report's sentence states (throughput is their inverse).
COSTS = (
    ("search_p50_ms", "search p50"),
    ("search_p95_ms", "search p95"),
    ("typeahead_p95_ms", "typeahead p95"),
    ("reindex_s", "reindex time"),
    ("store_mib", "index size on disk"),
    ("indexer_peak_rss_mib", "indexer's peak memory"),
)


@dataclass(frozen=True)
class _Measured:
    cli: CliRun
    merge_wait_s: float
    timings: Timings
    store_bytes: int


MEMORY_METHOD = "VmHWM read by the indexer in its own process (peak_rss_mib in its --json summary)"
OLD_MEMORY = "the bench process's peak, inherited by the child"


def run(opensearch_url: str, quick: bool, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Measure every size against the node at ``opensearch_url`` and draw the plots.
    ``previous`` (the last report's scaling figures) keeps peak RSS figures this run corrects."""
    sizes = QUICK_SIZES if quick else SIZES
    client = OpenSearch(hosts=[opensearch_url], timeout=120)
    measured = []
    for count in sizes:
        print(f"  scaling: {count:,} specialists...", flush=True)
        measured.append(_measure(client, opensearch_url, count))
    figures = [_figures(one) for one in measured]
    for row in figures:
        row["vs_baseline"] = {key: _ratio(row[key], figures[0][key]) for key, _ in MEASURES}
    _supersede_memory(previous, figures)
    memory = memory_ratio(measured[-2].cli, measured[-1].cli)
    supersede(
        (previous or {}).get("indexer_memory"),
        memory,
        ("small_peak_rss_mib", "large_peak_rss_mib", "ratio"),
        OLD_MEMORY,
    )
    return {
        "memory_method": MEMORY_METHOD,
        "sizes": figures,
        "baseline_records": sizes[0],
        "queries_per_size": len(measured[0].timings.handler),
        "rounds": ROUNDS,
        "growth_exponents": _growth_exponents(figures),
        "indexer_memory": memory,
        "plots": _plot(measured, figures),
    }


def _measure(client: OpenSearch, opensearch_url: str, count: int) -> _Measured:
    alias = f"{ALIAS}-{count}"
    pattern = f"{alias}-*"  # the builds and the lock index; not another size's (10000- is no prefix of 100000-)
    client.indices.delete(index=pattern, ignore=[404])
    try:
        cli = run_cli(opensearch_url, alias, count)
        merge_wait_s = _wait_for_merges(client, alias)
        timings = time_queries(opensearch_url, alias)
        stats = client.indices.stats(index=alias, metric="store")
        return _Measured(cli, merge_wait_s, timings, stats["_all"]["primaries"]["store"]["size_in_bytes"])
    finally:
        client.indices.delete(index=pattern, ignore=[404])


def _wait_for_merges(client: OpenSearch, alias: str) -> float:
    """A bulk load leaves segment merges running for a while; timing searches during them
    would charge the larger catalogs for the load rather than for their size. Gives up
    after a while rather than lose the load (the report shows the wait)."""
    started = time.monotonic()
    while time.monotonic() - started < MERGE_SETTLE_TIMEOUT_S:
        stats = client.indices.stats(index=alias, metric="merge")
        if stats["_all"]["primaries"]["merges"]["current"] == 0:
            break
        time.sleep(1)
    else:
        print(f"  merges on {alias} still running after {MERGE_SETTLE_TIMEOUT_S:.0f} s; timing anyway", flush=True)
    return round(time.monotonic() - started, 1)


def _figures(measured: _Measured) -> dict[str, Any]:
    search, typeahead = percentiles(measured.timings.handler), percentiles(measured.timings.typeahead)
    summary = measured.cli.summary
    return {
        "records": measured.cli.records,
        "search_p50_ms": search["p50_ms"],
        "search_p95_ms": search["p95_ms"],
        "typeahead_p95_ms": typeahead["p95_ms"],
        "raw_search_p50_ms": percentiles(measured.timings.raw)["p50_ms"],
        "reindex_docs_per_s": summary["docs_per_s"],
        "reindex_s": round(summary["duration_s"], 1),
        "store_mib": round(measured.store_bytes / 2**20, 1),
        "indexer_peak_rss_mib": round(measured.cli.peak_rss_mib, 1),
        "indexer_kernel_maxrss_mib": measured.cli.kernel_maxrss_mib,
        "merge_wait_s": measured.merge_wait_s,
    }


def _supersede_memory(previous: dict[str, Any] | None, figures: list[dict[str, Any]]) -> None:
    """Each size's old peak RSS, when the last report measured it the old way (or carried it)."""
    if not previous:
        return
    old_rows = {row["records"]: row for row in previous.get("sizes", [])}
    fresh = previous.get("memory_method") != MEMORY_METHOD
    for row in figures:
        old = old_rows.get(row["records"], {})
        value = old.get("indexer_peak_rss_mib") if fresh else old.get("superseded_indexer_peak_rss_mib")
        if value is not None:
            row["superseded_indexer_peak_rss_mib"] = value


def _ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 3)


def _growth_exponents(figures: list[dict[str, Any]]) -> dict[str, float]:
    """The slope of log(cost) against log(catalog size), least squares over every size:
    0 is a cost that does not grow with the catalog, 1 one that grows in proportion."""
    sizes = [math.log(row["records"]) for row in figures]
    return {
        key: round(statistics.linear_regression(sizes, [math.log(row[key]) for row in figures]).slope, 2)
        for key, _ in COSTS
    }


def _plot(measured: list[_Measured], figures: list[dict[str, Any]]) -> dict[str, str]:
    sizes = [row["records"] for row in figures]
    paths = [
        plots.latency_distribution(
            "scaling-search-latency",
            {f"{one.cli.records:,} specialists": [s * 1000 for s in one.timings.handler] for one in measured},
            title="Search handler latency by catalog size",
        ),
        plots.lines(
            "scaling-latency",
            sizes,
            {label: [row[key] for row in figures] for key, label in MEASURES[:3]},
            title="Search and typeahead latency against catalog size",
            xlabel="specialists in the catalog (log scale)",
            ylabel="ms",
            log_x=True,
        ),
        plots.lines(
            "scaling-reindex",
            sizes,
            {"full reindex through the indexer CLI": [row["reindex_docs_per_s"] for row in figures]},
            title="Reindex throughput against catalog size",
            xlabel="specialists in the catalog (log scale)",
            ylabel="docs/s",
            log_x=True,
        ),
    ]
    return {path.stem: f"plots/{path.name}" for path in paths}  # relative to bench/, where report.md lives


def markdown(result: dict[str, Any]) -> list[str]:
    """The report's "## Scaling" section."""
    figures = result["sizes"]
    baseline = figures[0]["records"]
    plot = result["plots"]
    queries = result["queries_per_size"] // result["rounds"]
    waits = _join([f"{row['merge_wait_s']} s" for row in figures])
    return [
        "## Scaling",
        "",
        f"Per catalog size: one full reindex through `python -m indexer` (throughput, time and peak RSS from its "
        "own summary; peak RSS is `VmHWM` read in the indexer's own process at the end of its run), then the "
        f"search benchmark's {queries} queries x {result['rounds']} "
        "rounds through the handler (typeahead beside each) once the index's merges settled (waited "
        f"{waits}), then the primaries' store size. Ratios in brackets are to the {baseline:,}-specialist "
        "baseline of the same run; one reindex per size, so its throughput is noisier than the Indexer section's "
        "median of rounds.",
        "",
        "| specialists | " + " | ".join(label for _, label in MEASURES) + " |",
        "| ---: | " + " | ".join("---:" for _ in MEASURES) + " |",
        *(_table_row(row, baseline=row is figures[0]) for row in figures),
        "",
        *_memory_note(figures),
        *_growth_sentences(result),
        "",
        f"![Search handler latency by catalog size]({plot['scaling-search-latency']})",
        f"![Search and typeahead latency against catalog size]({plot['scaling-latency']})",
        f"![Reindex throughput against catalog size]({plot['scaling-reindex']})",
        "",
    ]


def _table_row(row: dict[str, Any], baseline: bool) -> str:
    cells = [
        _old(row, key) + f"{row[key]:,}" + ("" if baseline else f" ({row['vs_baseline'][key]}x)") for key, _ in MEASURES
    ]
    return f"| {row['records']:,} | " + " | ".join(cells) + " |"


def _old(row: dict[str, Any], key: str) -> str:
    old = row.get(f"superseded_{key}")
    return "" if old is None else f"{old:,} (old, {OLD_MEMORY}) -> "


def _memory_note(figures: list[dict[str, Any]]) -> list[str]:
    if not any("indexer_kernel_maxrss_mib" in row for row in figures):
        return []
    seen = _join([f"{row.get('indexer_kernel_maxrss_mib', '-')} MiB" for row in figures])
    return [
        "Peak RSS is the indexer's own: the kernel's `ru_maxrss` for the same children, as `wait4` gives it to "
        f"the bench, was {seen}, because Linux carries the parent's high-water mark across fork and exec "
        "(see docs/indexer.md).",
        "",
    ]


def _growth_sentences(result: dict[str, Any]) -> list[str]:
    figures = result["sizes"]
    baseline = figures[0]["records"]
    steps = [
        f"{_times(row['records'] / baseline)} the catalog ({row['records']:,} specialists) costs "
        + _join([f"{_times(row['vs_baseline'][key])} the {label}" for key, label in COSTS])
        for row in figures[1:]
    ]
    exponents = result["growth_exponents"]
    fitted = _join([f"{label} as n^{exponents[key]} ({_shape(exponents[key])})" for key, label in COSTS])
    return [
        f"Against {baseline:,} specialists: " + "; ".join(steps) + ".",
        "",
        f"Fitted over all {len(figures)} sizes (slope of log cost against log size; 0 flat, 1 proportional): {fitted}.",
    ]


def _times(ratio: float) -> str:
    return f"{ratio:,.0f}x" if ratio >= 10 else f"{ratio:.2g}x"


def _join(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _shape(exponent: float) -> str:
    if abs(exponent) < 0.15:
        return "about flat"
    if exponent < 0:
        return "falling"
    if exponent < 0.85:
        return "sub-linear"
    if exponent <= 1.15:
        return "about linear"
    return "super-linear"
