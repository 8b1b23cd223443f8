"""The report read from the real node's UBI indices equals the report read from the export file
of the same records (tests/analytics_traffic.py), written through the local stage's own sink."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.opensearch_ubi_sink import EVENTS_INDEX, QUERIES_INDEX
from relevance import analytics, analytics_sources
from tests import analytics_traffic as traffic

pytestmark = pytest.mark.integration
INDICES = f"{QUERIES_INDEX},{EVENTS_INDEX}"


@pytest.fixture
def ubi_records(opensearch_url: str) -> Iterator[None]:
    """The scripted records in ``ubi_queries``/``ubi_events`` (the indices as the sink maps
    them), removed again afterwards."""
    from opensearchpy import OpenSearch

    from chalicelib.adapters.opensearch_ubi_sink import OpenSearchUbiSink

    client = OpenSearch(hosts=[opensearch_url], timeout=60)
    sink = OpenSearchUbiSink(client)
    for record in traffic.QUERIES:
        sink.record("query", record)
    for record in traffic.EVENTS:
        sink.record("event", record)
    client.indices.refresh(index=INDICES)
    try:
        yield
    finally:
        # No delete-by-query on this node (no reindex module): find the documents, delete each.
        ids = sorted({record["query_id"] for record in traffic.QUERIES + traffic.EVENTS})
        found = client.search(index=INDICES, body={"query": {"terms": {"query_id": ids}}, "size": 1000})
        for hit in found["hits"]["hits"]:
            client.delete(index=hit["_index"], id=hit["_id"])
        client.indices.refresh(index=INDICES)


def _report(out: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report


def test_given_the_records_in_the_ubi_indices_then_the_local_report_equals_the_file_one(
    opensearch_url: str, ubi_records: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analytics_sources, "PAGE_SIZE", 5)  # several scroll pages
    export = traffic.write_export(tmp_path / "ubi.jsonl", bad_lines=False)
    window = ["--now", traffic.NOW, "--since", traffic.SINCE]

    local = analytics.main(
        ["--source", "local", "--opensearch-url", opensearch_url, *window, "--out", str(tmp_path / "l")]
    )
    from_file = analytics.main(["--source", str(export), *window, "--out", str(tmp_path / "f")])

    assert (local, from_file) == (0, 0)
    local_report, file_report = _report(tmp_path / "l"), _report(tmp_path / "f")
    assert (local_report.pop("source"), file_report.pop("source")) == ("local", "file")
    assert local_report == file_report
    assert local_report["volume"]["searches"] == 17
    assert local_report["synonym_candidates"][0]["rule"] == "skin doctor => dermatologist"


def test_given_no_node_then_the_local_report_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert analytics.main(["--source", "local", "--opensearch-url", "http://127.0.0.1:9", "--out", str(tmp_path)]) == 1
    assert "cannot read the UBI indices" in capsys.readouterr().err
