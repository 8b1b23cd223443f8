"""``python -m relevance [--opensearch-url URL]``: measure, print, write ``relevance/report.json``.

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

from relevance import evaluate

REPORT = Path(__file__).resolve().parent / "report.json"
ALIAS = "specialists"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m relevance", description=__doc__.splitlines()[0])
    parser.add_argument("--opensearch-url", help="a node already serving the demo catalog; default: start one")
    parser.add_argument("--alias", default=ALIAS, help=f"the alias the catalog is behind (default {ALIAS})")
    args = parser.parse_args(argv)
    if args.opensearch_url:
        report = evaluate.measure(OpenSearch(hosts=[args.opensearch_url], timeout=30), args.alias)
    else:
        report = _on_own_node(args.alias)
    missed = evaluate.missed_targets(report)
    report = {"targets": _targets(), "missed": missed, **report}
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(_table(report))
    print("\n".join(f"MISSED: {line}" for line in missed) or "All targets met.")
    return 1 if missed else 0


def _on_own_node(alias: str) -> dict[str, Any]:
    from devstack.opensearch_node import OpenSearchNode
    from indexer.demo import generate, write_lines
    from indexer.reindex import Options, Reindexer
    from indexer.sources import LocalFileSource

    with OpenSearchNode() as node, tempfile.TemporaryDirectory() as workdir:
        client = OpenSearch(hosts=[node.url], timeout=120)
        feed = Path(workdir) / "demo.jsonl.gz"
        with gzip.open(feed, "wb") as out:
            write_lines(generate(evaluate.DEMO_COUNT, evaluate.DEMO_SEED), out)
        print(f"indexing the demo catalog ({evaluate.DEMO_COUNT:,} specialists)...", flush=True)
        summary = Reindexer(client, alias, Options()).run(LocalFileSource(feed))
        if summary.outcome != "swapped":
            raise SystemExit(f"indexing the demo catalog failed: {summary.reason}")
        return evaluate.measure(client, alias)


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


if __name__ == "__main__":
    sys.exit(main())
