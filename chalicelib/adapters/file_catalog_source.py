"""The catalog source port on a local file (the CLI, the local stack, tests and the bench);
gzip when the name ends ``.gz``. It streams: the indexer's memory must not grow with
the size of the feed."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chalicelib.catalog import SourceError


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
