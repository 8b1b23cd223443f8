from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from indexer.read_ahead import read_ahead


def test_given_items_then_they_come_back_all_and_in_order() -> None:
    assert list(read_ahead(iter(range(1000)), depth=2)) == list(range(1000))


def test_given_the_producer_fails_then_the_consumer_sees_the_error_after_the_good_items() -> None:
    def items() -> Iterator[int]:
        yield from range(100)
        raise ValueError("broken feed")

    seen: list[int] = []
    with pytest.raises(ValueError, match="broken feed"):
        seen.extend(read_ahead(items()))
    assert seen == list(range(100))


def test_given_the_consumer_stops_early_then_the_producer_stops_too() -> None:
    produced = 0

    def endless() -> Iterator[int]:
        nonlocal produced
        while True:
            produced += 1
            yield produced

    reader = read_ahead(endless(), depth=2)
    assert next(reader) == 1
    reader.close()

    assert not any(thread.name == "indexer-read-ahead" for thread in threading.enumerate())
    assert produced <= 64 * 4  # the queue's depth plus one batch on each side
