"""The availability feed against the real node: a catalog loaded by the real indexer, then
slots updated in place through the alias, and searches answering all the while."""

from __future__ import annotations

import copy
import gzip
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from opensearchpy import OpenSearch

from chalicelib.adapters.file_catalog_source import LocalFileSource
from chalicelib.index_schema import HOSPITAL_NEXT_AVAILABLE, HOSPITAL_NEXT_AVAILABLE_AS_OF, HOSPITALS
from indexer.availability import AvailabilityUpdater
from indexer.availability_summary import AvailabilitySummary
from indexer.reindex import Options, Reindexer
from tests.feeds import hospital, record, run_indexer, write_feed

pytestmark = pytest.mark.integration

ALIAS = "availability-specialists"
AT, AS_OF = (name.removeprefix(f"{HOSPITALS}.") for name in (HOSPITAL_NEXT_AVAILABLE, HOSPITAL_NEXT_AVAILABLE_AS_OF))
NOW = datetime.now(UTC).replace(microsecond=0)


def stamp(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def slot(specialist: str, hospital_id: str, at: str | None, as_of: str) -> dict[str, Any]:
    return {"id": specialist, "hospital_id": hospital_id, "next_available": at, "as_of": as_of}


@pytest.fixture
def client(opensearch_url: str) -> Iterator[OpenSearch]:
    yield OpenSearch(hosts=[opensearch_url], timeout=60)
    requests.delete(f"{opensearch_url}/{ALIAS}*", timeout=30)


@pytest.fixture
def catalog(client: OpenSearch, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """Five specialists loaded by the real indexer; their documents as the index holds them."""
    harley = hospital("harley", "enquiries.harley@hospitals.example")
    slotted = hospital(
        "harley", "enquiries.harley@hospitals.example", next_available={"at": stamp(30), "as_of": stamp(-1)}
    )
    lines = [
        record(0, hospitals=[record(0)["hospitals"][0], harley]),
        record(1, hospitals=[slotted]),
        *(record(number) for number in range(2, 5)),
    ]
    summary = Reindexer(client, ALIAS, Options()).run(LocalFileSource(write_feed(tmp_path / "catalog.jsonl", lines)))
    assert summary.outcome == "swapped", summary.reason
    return documents(client)


def documents(client: OpenSearch) -> dict[str, dict[str, Any]]:
    client.indices.refresh(index=ALIAS)
    found = client.search(index=ALIAS, body={"size": 100, "query": {"match_all": {}}, "version": True})
    return {hit["_id"]: {"_version": hit["_version"], **hit["_source"]} for hit in found["hits"]["hits"]}


def apply(client: OpenSearch, path: Path, lines: list[dict[str, Any] | str]) -> AvailabilitySummary:
    return AvailabilityUpdater(client, ALIAS).run(LocalFileSource(write_feed(path, lines)))


def without_slots(document: dict[str, Any]) -> dict[str, Any]:
    rest = copy.deepcopy(document)
    rest.pop("_version")
    for place in rest[HOSPITALS]:
        place.pop(AT, None)
        place.pop(AS_OF, None)
    return rest


def slots(document: dict[str, Any]) -> dict[str, tuple[str | None, str | None]]:
    return {place["id"]: (place.get(AT), place.get(AS_OF)) for place in document[HOSPITALS]}


def test_given_updates_then_the_slots_change_and_nothing_else_does(
    client: OpenSearch, catalog: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    summary = apply(
        client,
        tmp_path / "updates.jsonl",
        [
            slot("sp-000000", "bmi-hendon", stamp(26), stamp(-0.5)),
            slot("sp-000000", "harley", None, stamp(-0.5)),  # no free slot
            slot("sp-000002", "bmi-hendon", "2026-12-24T09:30:00+01:00", stamp(-0.2)),
        ],
    )
    after = documents(client)

    assert (summary.outcome, summary.applied, summary.unchanged, summary.updates) == ("applied", 2, 0, 2)
    assert slots(after["sp-000000"]) == {
        "bmi-hendon": (stamp(26).replace("Z", "+00:00"), stamp(-0.5).replace("Z", "+00:00")),
        "harley": (None, stamp(-0.5).replace("Z", "+00:00")),
    }
    assert slots(after["sp-000002"]) == {
        "bmi-hendon": ("2026-12-24T09:30:00+01:00", stamp(-0.2).replace("Z", "+00:00"))
    }
    for specialist, before in catalog.items():
        assert without_slots(after[specialist]) == without_slots(before), specialist
    for untouched in ("sp-000001", "sp-000003", "sp-000004"):
        assert after[untouched] == catalog[untouched]  # the version too: never rewritten


def test_given_the_same_feed_twice_then_the_second_run_changes_nothing(
    client: OpenSearch, catalog: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    lines: list[dict[str, Any] | str] = [slot("sp-000003", "bmi-hendon", stamp(50), stamp(-0.1))]
    apply(client, tmp_path / "first.jsonl", lines)
    once = documents(client)

    again = apply(client, tmp_path / "again.jsonl", lines)

    assert (again.applied, again.unchanged) == (0, 1)
    assert documents(client) == once
    assert once["sp-000003"]["_version"] == catalog["sp-000003"]["_version"] + 1


def test_given_an_older_report_than_the_stored_one_then_it_is_ignored(
    client: OpenSearch, catalog: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    # sp-000001's catalog line reported its harley slot an hour ago; this report is older.
    summary = apply(client, tmp_path / "older.jsonl", [slot("sp-000001", "harley", stamp(2), stamp(-3))])

    assert (summary.applied, summary.unchanged) == (0, 1)
    assert documents(client)["sp-000001"] == catalog["sp-000001"]


def test_given_unknown_specialists_and_hospitals_then_they_are_reported_and_nothing_is_created(
    client: OpenSearch, catalog: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    summary = apply(
        client,
        tmp_path / "unknown.jsonl",
        [
            slot("sp-000004", "bmi-hendon", stamp(10), stamp(-0.1)),
            slot("nobody-here", "bmi-hendon", stamp(10), stamp(-0.1)),
            slot("sp-000004", "st-elsewhere", stamp(10), stamp(-0.1)),
        ],
    )
    after = documents(client)

    assert (summary.outcome, summary.applied, summary.unknown_ids, summary.unknown_hospitals) == ("applied", 1, 1, 1)
    assert [unknown.as_dict() for unknown in sorted(summary.unknown_samples, key=lambda found: found.line_number)] == [
        {"line": 2, "id": "nobody-here"},
        {"line": 3, "id": "sp-000004", "hospital_id": "st-elsewhere"},
    ]
    assert set(after) == set(catalog)  # no document created
    assert slots(after["sp-000004"]) == {
        "bmi-hendon": (stamp(10).replace("Z", "+00:00"), stamp(-0.1).replace("Z", "+00:00"))
    }
    assert "line 2: specialist nobody-here" in summary.as_text()


def test_given_invalid_lines_then_each_is_reported_by_number_and_the_rest_applied(
    client: OpenSearch, catalog: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    summary = apply(
        client,
        tmp_path / "broken.jsonl",
        [
            "not json",
            slot("sp-000002", "bmi-hendon", stamp(5), "yesterday"),
            slot("sp-000002", "bmi-hendon", stamp(5), stamp(2)),  # reported in the future
            slot("sp-000002", "bmi-hendon", stamp(5), stamp(-0.1)),
        ],
    )

    assert (summary.lines, summary.valid, summary.invalid, summary.applied) == (4, 1, 3, 1)
    assert [(problem.line_number, problem.reason.split(":")[0]) for problem in summary.invalid_samples] == [
        (1, "Invalid JSON"),
        (2, "as_of"),
        (3, "as_of"),
    ]
    assert summary.invalid_samples[1].record_id == "sp-000002"


def test_given_a_rebuild_holds_the_lock_then_the_run_neither_waits_nor_takes_it_and_says_so(
    client: OpenSearch, catalog: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    from indexer.lock import IndexerLock, LockHeld

    rebuild = IndexerLock(client, ALIAS, ttl_s=60)
    rebuild.acquire()
    try:
        summary = apply(client, tmp_path / "updates.jsonl", [slot("sp-000004", "bmi-hendon", stamp(9), stamp(-0.1))])

        assert (summary.outcome, summary.applied, summary.rebuild_running) == ("applied", 1, True)
        assert "a rebuild was running" in summary.as_text()
        with pytest.raises(LockHeld):  # still the rebuild's
            IndexerLock(client, ALIAS, ttl_s=60).acquire()
    finally:
        rebuild.release()

    assert apply(client, tmp_path / "again.jsonl", []).rebuild_running is False


def test_given_no_index_behind_the_alias_then_the_run_fails_and_creates_nothing(
    client: OpenSearch, tmp_path: Path, opensearch_url: str
) -> None:
    summary = apply(client, tmp_path / "updates.jsonl", [slot("sp-000000", "bmi-hendon", stamp(5), stamp(-1))])

    assert (summary.outcome, summary.ok) == ("failed", False)
    assert "load the catalog first" in (summary.reason or "")
    assert requests.head(f"{opensearch_url}/{ALIAS}", timeout=5).status_code == 404


def test_given_the_command_line_then_it_applies_the_feed_to_the_search_alias_and_prints_json(
    client: OpenSearch, catalog: dict[str, dict[str, Any]], tmp_path: Path, opensearch_url: str
) -> None:
    feed = write_feed(tmp_path / "updates.jsonl.gz", [slot("sp-000003", "bmi-hendon", stamp(7), stamp(-0.1))])
    env = {"PATH": "/usr/bin:/bin", "OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": ALIAS}

    result = run_indexer(env, "--feed", "availability", "--source", str(feed), "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    printed = json.loads(result.stdout)
    assert (printed["feed"], printed["outcome"], printed["applied"], printed["alias"]) == (
        "availability",
        "applied",
        1,
        ALIAS,
    )
    assert slots(documents(client)["sp-000003"])["bmi-hendon"][0] == stamp(7).replace("Z", "+00:00")


LOAD_ALIAS = f"{ALIAS}-load"
ROUNDS = 10  # x 2,000 specialists (or fewer: the unregistered are not indexed): ~20,000 scripted updates


def test_given_a_large_update_then_searches_keep_answering_with_results(
    opensearch_url: str, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from chalice.test import Client

    from app import app
    from chalicelib import deps
    from indexer.demo import generate, write_lines

    client = OpenSearch(hosts=[opensearch_url], timeout=60)
    catalog = tmp_path / "demo.jsonl.gz"
    with gzip.open(catalog, "wb") as out:
        # Reported an hour before NOW, so every update below is newer (the current hour's
        # demo could be newer than NOW when the hour turns between collection and this test).
        write_lines(generate(2000, seed=3, now=NOW - timedelta(hours=1)), out)
    try:
        assert Reindexer(client, LOAD_ALIAS, Options()).run(LocalFileSource(catalog)).outcome == "swapped"
        client.indices.refresh(index=LOAD_ALIAS)
        found = client.search(index=LOAD_ALIAS, body={"size": 2000, "_source": [f"{HOSPITALS}.id"]})["hits"]["hits"]
        specialists = [(hit["_id"], [place["id"] for place in hit["_source"][HOSPITALS]]) for hit in found]
        updates = tmp_path / "updates.jsonl.gz"
        with gzip.open(updates, "wt") as text:
            # Each round a newer report (and newer than the demo's own), so every update changes
            # its specialist.
            for number in range(ROUNDS):
                for specialist, hospitals in specialists:
                    for place in hospitals:
                        line = slot(specialist, place, stamp(24 + number), stamp(number / 3600))
                        text.write(json.dumps(line) + "\n")
        monkeypatch.setenv("OPENSEARCH_URL", opensearch_url)
        monkeypatch.setenv("SEARCH_ALIAS", LOAD_ALIAS)
        deps.reset()
        deps.services()  # built now, on this alias: the test client sets the stage's own on each request
        answers: list[tuple[int, int, int]] = []
        listed: set[str] = set()
        done = threading.Event()

        def search_meanwhile() -> None:
            queries = ["psychiatry", "knee", "back pain", "cardiology", "skin"]
            with Client(app, stage_name="local") as api:
                while not done.is_set():
                    response = api.http.get(f"/specialists?q={queries[len(answers) % len(queries)]}")
                    body = json.loads(response.body)
                    answers.append((response.status_code, body.get("total", 0), len(body.get("results", []))))
                    listed.update(card["id"] for card in body.get("results", []))

        searcher = threading.Thread(target=search_meanwhile)
        searcher.start()
        try:
            summary = AvailabilityUpdater(client, LOAD_ALIAS).run(LocalFileSource(updates))
        finally:
            done.set()
            searcher.join()

        expected = ROUNDS * len(specialists)
        assert (summary.outcome, summary.updates, summary.applied) == ("applied", expected, expected)
        assert len(answers) >= 10, "too few searches ran during the update to show anything"
        assert all(status == 200 and total > 0 and cards > 0 for status, total, cards in answers), answers
        assert listed <= {specialist for specialist, _ in specialists}  # the index under update answered
    finally:
        requests.delete(f"{opensearch_url}/{LOAD_ALIAS}*", timeout=30)


def test_given_a_new_availability_object_in_s3_then_the_lambda_applies_it(
    client: OpenSearch,
    catalog: dict[str, dict[str, Any]],
    tmp_path: Path,
    opensearch_url: str,
    aws: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3

    from chalicelib import deps
    from indexer.handler import handler

    monkeypatch.setenv("OPENSEARCH_URL", opensearch_url)
    monkeypatch.setenv("SEARCH_ALIAS", ALIAS)
    deps.reset()
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="feeds", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    feed = write_feed(tmp_path / "a.jsonl.gz", [slot("sp-000002", "bmi-hendon", stamp(11), stamp(-0.1))])
    s3.put_object(Bucket="feeds", Key="availability/a.jsonl.gz", Body=feed.read_bytes())
    event = {
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": "feeds"}, "object": {"key": "availability/a.jsonl.gz"}},
    }

    result = handler(event, None)

    assert (result["feed"], result["outcome"], result["applied"]) == ("availability", "applied", 1)
    assert result["source"] == "s3://feeds/availability/a.jsonl.gz"
    assert slots(documents(client)["sp-000002"])["bmi-hendon"][0] == stamp(11).replace("Z", "+00:00")
