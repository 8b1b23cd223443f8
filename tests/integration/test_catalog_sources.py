"""Catalog readers: local files and S3 objects (moto), plain and gzip, streamed."""

from __future__ import annotations

import gzip
from pathlib import Path

import boto3
import pytest

from chalicelib.adapters.file_catalog_source import LocalFileSource
from chalicelib.adapters.s3_catalog_source import S3ObjectSource
from chalicelib.catalog import SourceError
from indexer.sources import open_source

pytestmark = pytest.mark.integration

LINES = [b'{"id": "a"}\n', b'{"id": "b"}\n', b"\n", b'{"id": "c"}']


def read(source: LocalFileSource | S3ObjectSource) -> list[bytes]:
    with source.open_lines() as lines:
        return list(lines)


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz"])
def test_given_a_local_feed_then_its_lines_come_back_decompressed(tmp_path: Path, name: str) -> None:
    data = b"".join(LINES)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)

    assert read(LocalFileSource(path)) == LINES


@pytest.mark.parametrize("key", ["feeds/catalog.jsonl", "feeds/catalog.jsonl.gz"])
def test_given_an_s3_feed_then_its_lines_stream_back_decompressed(aws: None, key: str) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="catalog-feeds", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    data = b"".join(LINES)
    s3.put_object(Bucket="catalog-feeds", Key=key, Body=gzip.compress(data) if key.endswith(".gz") else data)

    source = open_source(f"s3://catalog-feeds/{key}", lambda: s3)

    assert source.uri == f"s3://catalog-feeds/{key}"
    assert isinstance(source, S3ObjectSource)
    assert read(source) == LINES


def test_given_a_missing_feed_then_the_error_names_it(aws: None, tmp_path: Path) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="catalog-feeds", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})

    with pytest.raises(SourceError, match=r"s3://catalog-feeds/nope\.jsonl does not exist"):
        read(S3ObjectSource("catalog-feeds", "nope.jsonl", s3))
    with pytest.raises(SourceError, match="cannot open"):
        read(LocalFileSource(tmp_path / "nope.jsonl"))


def test_given_a_malformed_s3_uri_then_it_is_refused() -> None:
    with pytest.raises(SourceError, match="s3://bucket/key"):
        open_source("s3://bucket-only", lambda: pytest.fail("no client needed"))
