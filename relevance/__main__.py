"""``python -m relevance [--opensearch-url URL]``: measure, print, write ``relevance/report.json``.

Both judged sets: ``judgments.json`` (its figures at the top level of the report) and the
natural one-box queries of ``natural.json`` (under ``natural``).

Without a URL it starts its own OpenSearch node and indexes the demo catalog with the real
indexer; with one, the demo catalog must already be behind the alias (``make run`` serves
it). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch

from relevance import evaluate, natural

REPORT = Path(__file__).resolve().parent / "report.json"
ALIAS = "specialists"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m relevance", description=__doc__.splitlines()[0])
    parser.add_argument("--opensearch-url", help="a node already serving the demo catalog; default: start one")
    parser.add_argument("--alias", default=ALIAS, help=f"the alias the catalog is behind (default {ALIAS})")
    args = parser.parse_args(argv)
    if args.opensearch_url:
        report, natural_report = _measure(args.opensearch_url, args.alias)
    else:
        report, natural_report = _on_own_node(args.alias)
    missed = evaluate.missed_targets(report)
    missed_natural = natural.missed_natural_targets(natural_report)
    natural_report = {"targets": natural.targets(), "missed": missed_natural, **natural_report}
    report = {"targets": _targets(), "missed": missed, **report, "natural": natural_report}
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(_table(report))
    print()
    print(_natural_table(natural_report))
    print("\n".join(f"MISSED: {line}" for line in missed + missed_natural) or "All targets met.")
    return 1 if missed or missed_natural else 0


def _measure(opensearch_url: str, alias: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return evaluate.measure(opensearch_url, alias), natural.measure(opensearch_url, alias)


def _on_own_node(alias: str) -> tuple[dict[str, Any], dict[str, Any]]:
    from chalicelib.adapters.file_catalog_source import LocalFileSource
    from devstack.opensearch_node import OpenSearchNode
    from indexer.demo import generate, write_lines
    from indexer.reindex import Options, Reindexer

    with OpenSearchNode() as node, tempfile.TemporaryDirectory() as workdir:
        client = OpenSearch(hosts=[node.url], timeout=120)
        feed = Path(workdir) / "demo.jsonl.gz"
        with gzip.open(feed, "wb") as out:
            write_lines(generate(evaluate.DEMO_COUNT, evaluate.DEMO_SEED), out)
        print(f"indexing the demo catalog ({evaluate.DEMO_COUNT:,} specialists)...", flush=True)
        summary = Reindexer(client, alias, Options()).run(LocalFileSource(feed))
        if summary.outcome != "swapped":
            raise SystemExit(f"indexing the demo catalog failed: {summary.reason}")
        return _measure(node.url, alias)


def _targets() -> dict[str, float]:
    return {
        "ndcg@10": evaluate.TARGET_NDCG,
        "ndcg@10_over_baseline": evaluate.TARGET_GAIN_OVER_BASELINE,
        "zero_result_rate_misspelling_and_lay_term": evaluate.TARGET_ZERO_RESULT_RATE,
    }


def _table(report: dict[str, Any]) -> str:
    header = f"{'':<26}{'nDCG@10':>17}{'MRR':>17}{'zero results':>17}"
    lines = [header, f"{'category':<20}{'queries':>6}" + "{:>9}{:>8}".format("ours", "base") * 3]
    rows = [(name, report["categories"][name]) for name in evaluate.CATEGORIES]
    rows += [("misspelling+lay_term", report["misspelling_and_lay_term"]), ("overall", report["overall"])]
    for name, summary in rows:
        ours, base = summary["ours"], summary["baseline"]
        lines.append(
            f"{name:<20}{summary['queries']:>6}"
            f"{ours['ndcg@10']:>9.3f}{base['ndcg@10']:>8.3f}"
            f"{ours['mrr']:>9.3f}{base['mrr']:>8.3f}"
            f"{ours['zero_result_rate']:>9.1%}{base['zero_result_rate']:>8.1%}"
        )
    return "\n".join(lines)


def _natural_table(report: dict[str, Any]) -> str:
    """Per half and kind: nDCG@10, MRR and zero-result rate of ours, naive and strong; the worst held out."""
    columns = "{:>8}{:>7}{:>7}".format(*natural.SIDES)
    lines = [
        f"{'natural queries':<30}{'nDCG@10':>22}{'MRR':>22}{'zero results':>22}",
        f"{'half: kind':<24}{'queries':>6}" + columns * 3,
    ]
    for half in natural.HALVES:
        rows = [(f"{half}: {kind}", report["kinds"][half][kind]) for kind in natural.KINDS]
        for name, summary in [*rows, (f"{half}: all", report["halves"][half])]:
            cells = [f"{name:<24}{summary['queries']:>6}"]
            for figure, form in (("ndcg@10", ".3f"), ("mrr", ".3f"), ("zero_result_rate", ".1%")):
                cells += [
                    f"{summary[side][figure]:>{width}{form}}"
                    for side, width in zip(natural.SIDES, (8, 7, 7), strict=True)
                ]
            lines.append("".join(cells))
    lines.append(f"the {natural.WORST} worst held-out queries (ours): nDCG@10, total, top 3")
    lines += [
        f"  {row['ndcg@10']:.3f} {row['total']:>5}  {row['q']!r} ({row['kind']}) {row['top3']}"
        for row in report["worst_held_out"]
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
