"""Which catalog source a feed's URI names: a local path or ``s3://bucket/key``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from chalicelib.adapters.file_catalog_source import LocalFileSource
from chalicelib.adapters.s3_catalog_source import S3ObjectSource
from chalicelib.catalog import SourceError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from chalicelib.catalog import CatalogSource


def open_source(uri: str, s3_client: Callable[[], S3Client]) -> CatalogSource:
    """The reader for ``uri``; the S3 client is built only when the feed is in S3."""
    if uri.startswith("s3://"):
        parts = urlsplit(uri)
        key = parts.path.lstrip("/")
        if not parts.netloc or not key:
            raise SourceError(f"{uri!r} is not of the form s3://bucket/key")
        return S3ObjectSource(parts.netloc, key, s3_client())
    return LocalFileSource(Path(uri))
