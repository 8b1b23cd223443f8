"""The local OpenSearch node (devstack.opensearch_node): real queries, green health, no JVM left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from devstack.opensearch_node import OpenSearchNode

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def node() -> Iterator[OpenSearchNode]:
    with OpenSearchNode(port=0) as started:
        yield started


def call(node: OpenSearchNode, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        node.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with _HTTP.open(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {path} -> {error.code}: {error.read()!r}") from error


def hit_ids(result: Any) -> list[str]:
    return [hit["_id"] for hit in result["hits"]["hits"]]


def jvm_alive(pid: int) -> bool:
    """The LocalNode JVM with this pid still runs (a zombie or a reused pid does not count)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"findaspecialist.LocalNode" in cmdline and "\nState:\tZ" not in status


def wait_until_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while jvm_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


INDEX = "specialists-node-test"
INDEX_BODY = {
    "settings": {
        "number_of_shards": 1,
        "analysis": {
            "tokenizer": {
                "prefix_tokenizer": {
                    "type": "edge_ngram",
                    "min_gram": 2,
                    "max_gram": 15,
                    "token_chars": ["letter", "digit"],
                }
            },
            "filter": {
                "specialty_synonyms": {
                    "type": "synonym_graph",
                    "synonyms": ["heart, cardiology, cardiologist"],
                }
            },
            "analyzer": {
                "prefix": {"type": "custom", "tokenizer": "prefix_tokenizer", "filter": ["lowercase", "asciifolding"]},
                "specialty_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "specialty_synonyms"],
                },
            },
        },
    },
    "mappings": {
        "properties": {
            "name": {"type": "search_as_you_type"},
            "name_prefix": {"type": "text", "analyzer": "prefix", "search_analyzer": "standard"},
            "specialty": {"type": "text", "search_analyzer": "specialty_search"},
            "location": {"type": "geo_point"},
            "rating": {"type": "integer"},
        }
    },
}
DOCTOR = {
    "name": "Amélie Okafor",
    "name_prefix": "Amélie Okafor",
    "specialty": "Cardiology",
    "location": {"lat": 51.5074, "lon": -0.1278},  # London
}


@pytest.fixture(scope="module")
def specialists(node: OpenSearchNode) -> str:
    call(node, "PUT", f"/{INDEX}", INDEX_BODY)
    call(node, "PUT", f"/{INDEX}/_doc/doc-1", DOCTOR)
    call(node, "POST", f"/{INDEX}/_refresh")
    return INDEX


def test_match_query_uses_search_time_synonyms(node: OpenSearchNode, specialists: str) -> None:
    result = call(node, "POST", f"/{specialists}/_search", {"query": {"match": {"specialty": "heart"}}})
    assert hit_ids(result) == ["doc-1"]


def test_search_as_you_type_and_edge_ngram_prefixes(node: OpenSearchNode, specialists: str) -> None:
    as_you_type = {
        "query": {
            "multi_match": {
                "query": "Amélie Oka",
                "type": "bool_prefix",
                "fields": ["name", "name._2gram", "name._3gram"],
            }
        }
    }
    assert hit_ids(call(node, "POST", f"/{specialists}/_search", as_you_type)) == ["doc-1"]
    prefix = {"query": {"match": {"name_prefix": "ame"}}}  # edge_ngram + asciifolding: "Amélie" -> "am", "ame", ...
    assert hit_ids(call(node, "POST", f"/{specialists}/_search", prefix)) == ["doc-1"]


def test_geo_distance(node: OpenSearchNode, specialists: str) -> None:
    def near(lat: float, lon: float) -> list[str]:
        query = {
            "query": {"bool": {"filter": {"geo_distance": {"distance": "10km", "location": {"lat": lat, "lon": lon}}}}}
        }
        return hit_ids(call(node, "POST", f"/{specialists}/_search", query))

    assert near(51.5080, -0.1247) == ["doc-1"]  # Charing Cross
    assert near(53.4808, -2.2426) == []  # Manchester


def test_painless_script_update(node: OpenSearchNode, specialists: str) -> None:
    script = {"script": {"lang": "painless", "source": "ctx._source.rating = params.r", "params": {"r": 5}}}
    call(node, "POST", f"/{specialists}/_update/doc-2?refresh=true", {**script, "upsert": {**DOCTOR, "rating": 1}})
    call(node, "POST", f"/{specialists}/_update/doc-2?refresh=true", script)
    assert call(node, "GET", f"/{specialists}/_doc/doc-2")["_source"]["rating"] == 5


def test_fresh_index_is_green_with_no_replicas(node: OpenSearchNode) -> None:
    call(node, "PUT", "/fresh-index-node-test")
    settings = call(node, "GET", "/fresh-index-node-test/_settings")
    assert settings["fresh-index-node-test"]["settings"]["index"]["number_of_replicas"] == "0"
    health = call(node, "GET", "/_cluster/health/fresh-index-node-test?wait_for_status=green&timeout=10s")
    assert health["status"] == "green"
    assert call(node, "GET", "/_cluster/health")["status"] == "green"


def test_opensearch_py_client_talks_to_the_node(node: OpenSearchNode, specialists: str) -> None:
    opensearchpy = pytest.importorskip("opensearchpy")
    client = opensearchpy.OpenSearch(hosts=[node.url], timeout=30)
    assert client.info()["version"]["number"] == "2.19.6"
    result = client.search(index=specialists, body={"query": {"match": {"specialty": "cardiologist"}}})
    assert "doc-1" in hit_ids(result)


def test_stop_leaves_no_jvm_and_no_data_dir() -> None:
    other = OpenSearchNode(port=0, heap_mb=256)
    other.start()
    pid, data_dir = other.pid, other.data_dir
    assert jvm_alive(pid)
    other.stop()
    other.stop()  # idempotent
    assert not jvm_alive(pid)
    assert not data_dir.exists()


def test_killed_python_parent_leaves_no_jvm() -> None:
    child_code = textwrap.dedent(
        """
        import time
        from devstack.opensearch_node import OpenSearchNode

        node = OpenSearchNode(port=0, heap_mb=256)
        node.start()
        print(node.pid, node.data_dir, flush=True)
        time.sleep(600)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", child_code], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    java_pid = 0
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # blocks until the child's node is green (or the child died)
        assert line, f"the child exited with {child.wait(timeout=10)} before its node started"
        pid_text, data_dir = line.split(maxsplit=1)
        java_pid = int(pid_text)
        assert jvm_alive(java_pid)

        os.kill(child.pid, signal.SIGKILL)  # no atexit, no finally: only the JVM's own guards remain
        child.wait(timeout=10)

        assert wait_until_gone(java_pid, timeout=30), f"JVM {java_pid} survived its parent"
        deadline = time.monotonic() + 10
        while Path(data_dir.strip()).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(data_dir.strip()).exists(), "the JVM did not remove its temporary home"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        if java_pid and jvm_alive(java_pid):
            os.kill(java_pid, signal.SIGKILL)
