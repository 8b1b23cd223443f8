"""The catalog source port on an S3 object (the indexer Lambda's nightly feed); gzip when
the key ends ``.gz``. It streams in chunks: the indexer's memory must not grow with the
size of the feed."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from chalicelib.catalog import SourceError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Large enough for bulk throughput, small enough to bound memory.
_S3_CHUNK_BYTES = 1 << 20


class S3ObjectSource:
    def __init__(self, bucket: str, key: str, client: S3Client) -> None:
        self.bucket = bucket
        self.key = key
        self._client = client

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @contextmanager
    def open_lines(self) -> Iterator[Iterator[bytes]]:
        try:
            body = self._client.get_object(Bucket=self.bucket, Key=self.key)["Body"]
        except self._client.exceptions.NoSuchKey:
            raise SourceError(f"{self.uri} does not exist") from None
        try:
            if self.key.endswith(".gz"):
                with gzip.GzipFile(fileobj=body) as unzipped:
                    yield iter(unzipped)
            else:
                yield body.iter_lines(chunk_size=_S3_CHUNK_BYTES, keepends=True)
        finally:
            body.close()
