"""Prepare the next documents while OpenSearch indexes the current chunk.

Bulk loading alternates between Python work (read, validate, convert, serialise) and
waiting for OpenSearch. Running the preparation in a thread overlaps the two; the
thread holds at most ``depth`` batches, so memory stays flat for any catalog.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_BATCH = 64
_END = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterator[T], depth: int = 64) -> Generator[T, None, None]:
    """Yield ``items`` in order, produced by a background thread up to ``depth`` batches ahead.

    An exception in the producer is raised here; closing this generator early stops the
    producer before it returns.
    """
    batches: queue.Queue[list[T] | object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: list[T] | object) -> bool:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        batch: list[T] = []
        try:
            for item in items:
                batch.append(item)
                if len(batch) == _BATCH:
                    if not put(batch):
                        return
                    batch = []
            if batch and not put(batch):
                return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            # What came before the failure still reaches the consumer, then the failure.
            if batch and not put(batch):
                return
            put(_Failed(exc))

    thread = threading.Thread(target=produce, name="indexer-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            batch = batches.get()
            if batch is _END:
                return
            if isinstance(batch, _Failed):
                raise batch.error
            yield from batch  # type: ignore[misc]  # a list[T] by elimination
    finally:
        stop.set()
        thread.join()
