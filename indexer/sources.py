"""Catalog readers: a local path or ``s3://bucket/key``, gzip when the name ends ``.gz``.

Both stream: the indexer's memory must not grow with the size of the feed.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from chalicelib.ports import CatalogSource

# Large enough for bulk throughput, small enough to bound memory.
_S3_CHUNK_BYTES = 1 << 20


class SourceError(Exception):
    """The feed cannot be found or opened."""


class LocalFileSource:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def uri(self) -> str:
        return str(self.path)

    @contextmanager
    def open_lines(self) -> Iterator[Iterator[bytes]]:
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 - closed below, also on error
        except OSError as exc:
            raise SourceError(f"cannot open {self.path}: {exc.strerror}") from None
        with raw:
            if self.path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw) as unzipped:
                    yield iter(unzipped)
            else:
                yield iter(raw)


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


def open_source(uri: str, s3_client: Callable[[], S3Client]) -> CatalogSource:
    """The reader for ``uri``; the S3 client is built only when the feed is in S3."""
    if uri.startswith("s3://"):
        parts = urlsplit(uri)
        key = parts.path.lstrip("/")
        if not parts.netloc or not key:
            raise SourceError(f"{uri!r} is not of the form s3://bucket/key")
        return S3ObjectSource(parts.netloc, key, s3_client())
    return LocalFileSource(Path(uri))
