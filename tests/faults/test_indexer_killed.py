"""The indexer's command line as real processes against the real node: SIGKILLed mid-bulk,
and two runs started at once. (tests/integration/test_reindex.py has the in-process forms.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch

from chalicelib.adapters.file_catalog_source import LocalFileSource
from indexer.lock import LOCK_ID
from indexer.naming import lock_index_name
from indexer.reindex import Options, Reindexer
from tests.faults.helpers import wait_until
from tests.feeds import feed

pytestmark = pytest.mark.faults

PROJECT_DIR = Path(__file__).resolve().parents[2]
OLD_COUNT = 2000
BIG_FEED = 30_000  # several seconds of bulk loading: time enough to kill it in the middle
KILL_AFTER_DOCS = 3_000
RUN_TIMEOUT_S = 240


@pytest.fixture
def client(opensearch_url: str) -> OpenSearch:
    return OpenSearch(hosts=[opensearch_url], timeout=60)


@pytest.fixture
def alias(client: OpenSearch, tmp_path: Path) -> Iterator[str]:
    """A fresh alias served by a complete build of OLD_COUNT records; every index of it removed after."""
    name = f"faults-{uuid.uuid4().hex[:8]}"
    first = Reindexer(client, name, Options()).run(LocalFileSource(feed(tmp_path / "old.jsonl", OLD_COUNT)))
    assert first.outcome == "swapped", first.reason
    yield name
    client.indices.delete(index=f"{name}-*", ignore=[404], expand_wildcards="all")


def cli(opensearch_url: str, alias: str, *args: str) -> subprocess.Popen[str]:
    """``python -m indexer ARGS --json`` in its own session, as an operator or a schedule runs it."""
    env = {**os.environ, "OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": alias, "STAGE": "local"}
    env.pop("AWS_ENDPOINT_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", *args, "--json"],
        cwd=PROJECT_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, dict[str, Any]]:
    """Its exit status and JSON summary (killed if it overruns, so no run outlives the test)."""
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    try:
        return process.returncode, json.loads(out)
    except ValueError:
        raise AssertionError(f"no JSON summary (exit {process.returncode}):\n{out[-2000:]}\n{err[-2000:]}") from None


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Indexer processes a test starts: SIGKILLed after it, whatever happened."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def live_indices(client: OpenSearch, alias: str) -> list[str]:
    return sorted(client.indices.get_alias(name=alias))


def builds(client: OpenSearch, alias: str) -> list[str]:
    """Every index the indexer made for ``alias`` (not its lock's)."""
    names = client.indices.get(index=f"{alias}-*", expand_wildcards="all")
    return sorted(name for name in names if name != lock_index_name(alias))


def indexed_so_far(client: OpenSearch, index: str) -> int:
    """Documents sent to ``index`` so far; counted while refresh is off, unlike ``_count``."""
    stats = client.indices.stats(index=index, metric="indexing")
    primaries = stats["indices"].get(index, {}).get("primaries", {})  # empty while its shard starts
    return int(primaries.get("indexing", {}).get("index_total", 0))


def test_given_the_indexer_is_killed_mid_bulk_then_the_alias_is_untouched_and_the_next_run_cleans_up(
    opensearch_url: str,
    client: OpenSearch,
    alias: str,
    tmp_path: Path,
    processes: list[subprocess.Popen[str]],
) -> None:
    [old] = live_indices(client, alias)
    big = feed(tmp_path / "big.jsonl", BIG_FEED)
    run = cli(opensearch_url, alias, "--source", str(big))
    processes.append(run)

    def loading() -> bool:
        assert run.poll() is None, f"the run ended before it could be killed: {run.communicate()}"
        new = [name for name in builds(client, alias) if name != old]
        return bool(new) and indexed_so_far(client, new[0]) >= KILL_AFTER_DOCS

    assert wait_until(loading, 120, pause_s=0.05), "the run never started loading"
    os.kill(run.pid, signal.SIGKILL)
    assert run.wait(timeout=30) == -signal.SIGKILL
    [orphan] = [name for name in builds(client, alias) if name != old]

    # Search goes on from the old build, whole.
    assert live_indices(client, alias) == [old]
    assert client.count(index=alias)["count"] == OLD_COUNT
    hits = client.search(index=alias, body={"query": {"match": {"name": "Example7"}}})["hits"]["hits"]
    assert "sp-000007" in [hit["_id"] for hit in hits]
    assert indexed_so_far(client, orphan) < BIG_FEED, "the kill came after the load: nothing was interrupted"

    # The dead run still holds its lock: a run now stops, saying so, and changes nothing.
    blocked = cli(opensearch_url, alias, "--source", str(feed(tmp_path / "next.jsonl", OLD_COUNT)))
    processes.append(blocked)
    status, summary = finish(blocked)
    assert status == 1
    assert summary["outcome"] == "aborted"
    assert "another indexer run holds the lock" in summary["reason"]
    assert live_indices(client, alias) == [old]

    # Its 20 minutes pass (the lock's TTL has no setting: its expiry is moved back instead).
    client.update(
        index=lock_index_name(alias), id=LOCK_ID, body={"doc": {"expires_at": time.time() - 1}}, refresh="true"
    )
    after = cli(opensearch_url, alias, "--source", str(tmp_path / "next.jsonl"))
    processes.append(after)
    status, summary = finish(after)

    assert status == 0, summary
    assert summary["outcome"] == "swapped"
    assert orphan in summary["deleted_indices"]
    assert live_indices(client, alias) == [summary["new_index"]]
    assert builds(client, alias) == sorted([old, summary["new_index"]])  # the old build kept for rollback
    assert client.count(index=alias)["count"] == OLD_COUNT
    assert client.count(index=lock_index_name(alias))["count"] == 0  # released


def test_given_two_indexer_processes_at_once_then_one_swaps_and_the_other_stops_saying_why(
    opensearch_url: str,
    client: OpenSearch,
    alias: str,
    tmp_path: Path,
    processes: list[subprocess.Popen[str]],
) -> None:
    [old] = live_indices(client, alias)
    path = feed(tmp_path / "feed.jsonl", 5_000, start=50_000)
    processes.extend(cli(opensearch_url, alias, "--source", str(path)) for _ in range(2))

    results = sorted((finish(process) for process in processes), key=lambda result: result[0])

    [(won, winner), (lost, loser)] = results
    assert (won, winner["outcome"]) == (0, "swapped"), winner
    assert (lost, loser["outcome"]) == (1, "aborted"), loser
    assert "another indexer run holds the lock" in loser["reason"]
    assert loser["new_index"] is None  # it built nothing
    assert live_indices(client, alias) == [winner["new_index"]]
    assert client.count(index=alias)["count"] == 5_000
    assert builds(client, alias) == sorted([old, winner["new_index"]])  # no orphan
    assert client.count(index=lock_index_name(alias))["count"] == 0
