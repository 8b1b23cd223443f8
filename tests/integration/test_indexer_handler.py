"""The indexer Lambda's handler: a feed arriving in S3 (moto) reindexes the real node."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests

from chalicelib import deps
from indexer.handler import IndexerFailed, handler
from tests.feeds import feed

pytestmark = pytest.mark.integration

ALIAS = "handler-specialists"
TREATMENTS_ALIAS = "handler-treatments"


@pytest.fixture
def bucket(aws: None, opensearch_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("OPENSEARCH_URL", opensearch_url)
    monkeypatch.setenv("SEARCH_ALIAS", ALIAS)
    monkeypatch.setenv("TREATMENTS_ALIAS", TREATMENTS_ALIAS)
    deps.reset()
    boto3.client("s3").create_bucket(Bucket="feeds", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    yield "feeds"
    for alias in (ALIAS, TREATMENTS_ALIAS):
        requests.delete(f"{opensearch_url}/{alias}*", timeout=30)


def upload(bucket: str, key: str, path: Path) -> None:
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=path.read_bytes())


def test_given_a_new_feed_event_then_the_alias_serves_it(bucket: str, tmp_path: Path, opensearch_url: str) -> None:
    upload(bucket, "catalog/new feed.jsonl.gz", feed(tmp_path / "feed.jsonl.gz", 25))
    event = {"Records": [{"s3": {"bucket": {"name": bucket}, "object": {"key": "catalog/new+feed.jsonl.gz"}}}]}

    result = handler(event, None)

    assert result["outcome"] == "swapped"
    assert result["source"] == "s3://feeds/catalog/new feed.jsonl.gz"
    assert requests.get(f"{opensearch_url}/{ALIAS}/_count", timeout=5).json()["count"] == 25


def test_given_the_schedule_fires_then_the_configured_feed_is_indexed(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload(bucket, "latest.jsonl.gz", feed(tmp_path / "feed.jsonl.gz", 12))
    monkeypatch.setenv("CATALOG_URI", f"s3://{bucket}/latest.jsonl.gz")

    result = handler({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}, None)

    assert (result["outcome"], result["indexed"]) == ("swapped", 12)


def test_given_a_broken_feed_then_the_handler_raises_so_the_alarm_sees_it(bucket: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(b"not json\n" * 10))
    upload(bucket, "broken.jsonl.gz", broken)
    event = {
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": bucket}, "object": {"key": "broken.jsonl.gz"}},
    }

    with pytest.raises(IndexerFailed, match="aborted: 10 of 10 lines are invalid"):
        handler(event, None)


def test_given_enquiry_domains_then_the_handler_reports_a_line_outside_them_and_loads_the_rest(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opensearch_url: str
) -> None:
    from tests.feeds import record, write_feed

    monkeypatch.setenv("ENQUIRY_EMAIL_DOMAINS", "group.example,hospitals.example")
    deps.reset()
    lines = [record(n) for n in range(25)]
    lines[0]["hospitals"][0]["enquiries_email"] = "enquiries@hospitals.example.evil.example"
    upload(bucket, "catalog/c.jsonl", write_feed(tmp_path / "c.jsonl", lines))
    event = {
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": bucket}, "object": {"key": "catalog/c.jsonl"}},
    }

    result = handler(event, None)

    assert (result["outcome"], result["valid"], result["invalid"]) == ("swapped", 24, 1)
    assert result["invalid_samples"] == [
        {
            "line": 1,
            "id": "sp-000000",
            "reason": "hospitals.0.enquiries_email: domain not allowed for enquiries (hospital bmi-hendon)",
        }
    ]
    assert result["hospital_address_changes"] == []
    assert requests.get(f"{opensearch_url}/{ALIAS}/_count", timeout=5).json()["count"] == 24


def test_given_a_new_feed_under_treatments_then_the_treatments_alias_serves_it(
    bucket: str, tmp_path: Path, opensearch_url: str
) -> None:
    from indexer import demo_treatments

    written = demo_treatments.write(tmp_path / "treatments.jsonl")
    upload(bucket, "treatments/content.jsonl", tmp_path / "treatments.jsonl")
    event = {
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": bucket}, "object": {"key": "treatments/content.jsonl"}},
    }

    result = handler(event, None)

    assert (result["outcome"], result["feed"], result["alias"]) == ("swapped", "treatments", TREATMENTS_ALIAS)
    assert requests.get(f"{opensearch_url}/{TREATMENTS_ALIAS}/_count", timeout=5).json()["count"] == written
    assert requests.head(f"{opensearch_url}/{ALIAS}", timeout=5).status_code == 404  # the specialists: untouched


def test_given_the_treatments_schedule_fires_then_its_configured_feed_is_indexed(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer import demo_treatments

    written = demo_treatments.write(tmp_path / "treatments.jsonl")
    upload(bucket, "treatments/latest.jsonl", tmp_path / "treatments.jsonl")
    monkeypatch.setenv("TREATMENTS_CATALOG_URI", f"s3://{bucket}/treatments/latest.jsonl")
    monkeypatch.setenv("CATALOG_URI", f"s3://{bucket}/catalog/missing.jsonl.gz")

    result = handler({"feed": "treatments"}, None)

    assert (result["outcome"], result["feed"], result["indexed"]) == ("swapped", "treatments", written)
    assert result["source"] == "s3://feeds/treatments/latest.jsonl"


def test_given_an_unknown_feed_then_the_handler_fails_before_indexing(bucket: str, opensearch_url: str) -> None:
    with pytest.raises(IndexerFailed, match="unknown feed 'nonsense' in the event"):
        handler({"feed": "nonsense"}, None)

    assert requests.get(f"{opensearch_url}/_cat/indices/handler-*", timeout=5).text.strip() == ""


def test_given_a_catalog_run_then_its_quality_report_is_written_beside_the_feed_and_its_guard_fails_the_run(
    bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload(bucket, "catalog/c.jsonl.gz", feed(tmp_path / "feed.jsonl.gz", 12))
    event = {"Records": [{"s3": {"bucket": {"name": bucket}, "object": {"key": "catalog/c.jsonl.gz"}}}]}

    result = handler(event, None)

    pages = [f"quality/{result['run_id']}.md", f"quality/{result['run_id']}.html"]
    assert result["quality_files"] == [f"s3://{bucket}/{key}" for key in pages]
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix="quality/")["Contents"]
    assert sorted(item["Key"] for item in listed) == sorted(pages)
    monkeypatch.setenv("QUALITY_MIN_SHARES", "gmc_number=0.9")
    with pytest.raises(IndexerFailed, match=r"gmc_number 0\.0% < 90\.0%"):
        handler(event, None)
    assert len(boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix="quality/")["Contents"]) == 4  # it says why
