"""The report's files: ``report.json``, ``report.md`` and its plots (PNG, beside it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

JSON_NAME = "report.json"
MARKDOWN_NAME = "report.md"
DAILY_PLOT = "daily.png"
CTR_PLOT = "ctr.png"


def write(report: dict[str, Any], out: Path) -> list[Path]:
    """Write the report's files into ``out`` (created if missing); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / JSON_NAME, out / MARKDOWN_NAME, out / DAILY_PLOT, out / CTR_PLOT]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(report), encoding="utf-8")
    _plots(report, paths[2], paths[3])
    return paths


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines if rows else [*lines, "| " + " | ".join(["(none)"] + [""] * (len(header) - 1)) + " |"]


def markdown(report: dict[str, Any]) -> str:
    volume, window = report["volume"], report["window"]
    mrr = report["mrr_first_click"]
    lines = [
        "# Search quality report",
        "",
        f"From {window['start']} to {window['end']} (source: {report['source']}). Every figure is defined in"
        " docs/analytics-report.md.",
        "",
        *_table(
            ["figure", "value"],
            [
                ["searches (page 1)", volume["searches"]],
                ["typeahead answers", volume["typeahead"]],
                ["zero-result rate", _share(report["zero_result_rate"])],
                ["relaxed-answer rate", _share(report["relaxed_rate"])],
                *[[f"CTR@{k}", _share(value)] for k, value in report["ctr"].items()],
                ["MRR of the first click", "n/a" if mrr is None else f"{mrr:.3f}"],
                ["abandonment rate", _share(report["abandonment_rate"])],
                ["searches followed by an enquiry sent", _share(report["enquiry_rate"])],
                ["latency p50 / p95 (ms)", f"{report['latency_ms']['p50']} / {report['latency_ms']['p95']}"],
                ["records skipped (unreadable)", volume["skipped_records"]],
            ],
        ),
        "",
        f"![Searches and zero-result rate per day]({DAILY_PLOT})",
        "",
        f"![Click-through by position]({CTR_PLOT})",
        "",
        "## Top zero-result queries",
        "",
        *_table(
            ["query", "searches", "reformulated into (pairs)"],
            [
                [row["q"], row["searches"], ", ".join(f"{r['q']} ({r['pairs']})" for r in row["reformulated_into"])]
                for row in report["top_zero_result_queries"]
            ],
        ),
        "",
        "## Reformulated within 60 s into a clicked search",
        "",
        *_table(
            ["from", "to", "pairs", "clients", "from zero results"],
            [[r["from"], r["to"], r["pairs"], r["clients"], r["from_zero_results"]] for r in report["reformulations"]],
        ),
        "",
        "## Synonym candidates (proposals for review, never applied)",
        "",
        "Rules in the format of chalicelib/synonyms.txt. Adding one is a reviewed change of that file,",
        "then its tests and a reindex.",
        "",
        *_table(
            ["rule", "pairs", "clients", "from zero results", "examples"],
            [
                [f"`{r['rule']}`", r["pairs"], r["clients"], r["from_zero_results"], "; ".join(r["examples"])]
                for r in report["synonym_candidates"]
            ],
        ),
        "",
        "## Slowest queries",
        "",
        *_table(
            ["latency (ms)", "endpoint", "page", "query", "total", "time", "query id"],
            [
                [r["latency_ms"], r["endpoint"], r["page"], r["q"], r["total"], r["timestamp"], r["query_id"]]
                for r in report["slowest"]
            ],
        ),
    ]
    return "\n".join(lines) + "\n"


def _plots(report: dict[str, Any], daily_path: Path, ctr_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = report["daily"]
    figure, volume_axis = plt.subplots(figsize=(8, 4))
    volume_axis.bar([d["date"][5:] for d in days], [d["searches"] for d in days], color="#9bb7d4")
    volume_axis.set_ylabel("searches")
    rate_axis = volume_axis.twinx()
    rates = [d["zero_result_rate"] if d["zero_result_rate"] is not None else float("nan") for d in days]
    rate_axis.plot([d["date"][5:] for d in days], rates, color="#c0392b", marker="o")
    rate_axis.set_ylabel("zero-result rate")
    rate_axis.set_ylim(0, 1)
    volume_axis.set_title("Searches and zero-result rate per day (UTC)")
    figure.tight_layout()
    figure.savefig(daily_path, dpi=100)
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(5, 4))
    ctr = report["ctr"]
    axis.bar([f"top {k}" for k in ctr], [value or 0.0 for value in ctr.values()], color="#2e86c1")
    axis.set_ylim(0, 1)
    axis.set_ylabel("share of searches with a click")
    axis.set_title("Click-through by position")
    figure.tight_layout()
    figure.savefig(ctr_path, dpi=100)
    plt.close(figure)
