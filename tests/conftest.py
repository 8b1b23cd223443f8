"""Shared fixtures: the real OpenSearch node (one per test session, on a free port)
and moto in-process for DynamoDB, SES and SQS."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from chalicelib import deps
from devstack.opensearch_node import OpenSearchNode
from devstack.stack import stage_environment

if TYPE_CHECKING:
    from chalice.test import Client

# Valid settings for the local stage, with OpenSearch at a placeholder address
# that tests replace when they need the real node.
BASE_ENV = {
    **stage_environment(),
    "OPENSEARCH_URL": "http://127.0.0.1:9",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def opensearch_url() -> Iterator[str]:
    node = OpenSearchNode(port=0)
    try:
        yield node.start()
    finally:
        node.stop()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The process environment the Lambda would see locally; caches reset around the test."""
    use_base_env(monkeypatch)
    deps.reset()
    yield BASE_ENV
    deps.reset()


@pytest.fixture
def aws(app_env: dict[str, str]) -> Iterator[None]:
    """moto in-process, with the tables, queue and identity provisioned."""
    with provisioned_moto():
        yield


def use_base_env(env: pytest.MonkeyPatch) -> None:
    """The local stage's settings in the process environment, no real AWS endpoint or profile."""
    env.delenv("AWS_ENDPOINT_URL", raising=False)
    env.delenv("AWS_PROFILE", raising=False)
    for name, value in BASE_ENV.items():
        env.setenv(name, value)


@contextmanager
def local_api(monkeypatch: pytest.MonkeyPatch, opensearch_url: str) -> Iterator[Client]:
    """The app in-process on the local stage, searching ``opensearch_url``, its services built afresh."""
    from chalice.test import Client

    from app import app

    monkeypatch.setenv("OPENSEARCH_URL", opensearch_url)
    deps.reset()
    with Client(app, stage_name="local") as client:
        yield client


@contextmanager
def provisioned_moto() -> Iterator[None]:
    """moto in-process with the tables, queue and identity the current environment names."""
    import boto3
    from moto import mock_aws

    from chalicelib.config import load_settings
    from devstack.provision import provision

    # Not get_settings(): a test may still change the environment before the app reads it.
    settings = load_settings(os.environ)
    with mock_aws():
        provision(settings, boto3.Session(region_name=settings.region))
        yield


DEMO_COUNT = 2000
DEMO_SEED = 1


@pytest.fixture(scope="session")
def demo_index(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo catalog `make run` serves (2,000 specialists, seed 1) behind the default alias."""
    import gzip

    from opensearchpy import OpenSearch

    from chalicelib.adapters.file_catalog_source import LocalFileSource
    from indexer.demo import generate, write_lines
    from indexer.reindex import Options, Reindexer

    feed = tmp_path_factory.mktemp("demo") / "demo.jsonl.gz"
    with gzip.open(feed, "wb") as out:
        write_lines(generate(DEMO_COUNT, seed=DEMO_SEED), out)
    client = OpenSearch(hosts=[opensearch_url], timeout=120)
    summary = Reindexer(client, BASE_ENV["SEARCH_ALIAS"], Options()).run(LocalFileSource(feed))
    assert summary.outcome == "swapped", summary.reason
    return opensearch_url


@pytest.fixture(scope="session")
def demo_treatments_index(opensearch_url: str, demo_index: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo treatments' content `make run` serves, behind the alias the app under test
    reads (``TREATMENTS_ALIAS`` of ``BASE_ENV``), beside the demo catalog."""
    from opensearchpy import OpenSearch

    from chalicelib.adapters.file_catalog_source import LocalFileSource
    from indexer import demo_treatments
    from indexer.feeds import TREATMENTS
    from indexer.reindex import Options, Reindexer

    feed = tmp_path_factory.mktemp("demo-treatments") / "treatments.jsonl"
    demo_treatments.write(feed)
    client = OpenSearch(hosts=[opensearch_url], timeout=120)
    summary = Reindexer(client, BASE_ENV["TREATMENTS_ALIAS"], Options(), feed=TREATMENTS).run(LocalFileSource(feed))
    assert summary.outcome == "swapped", summary.reason
    assert summary.invalid == 0, summary.invalid_samples
    return demo_index
