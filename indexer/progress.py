"""A one-line progress bar with docs/s, for a person at a terminal (stderr only)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    def __init__(self, stream: TextIO = sys.stderr, every_s: float = 0.25, what: str = "specialists") -> None:
        self._stream = stream
        self._what = what
        self._every_s = every_s
        self._started = time.monotonic()
        self._last = 0.0
        self._count = 0

    def __call__(self, indexed: int) -> None:
        self._count = indexed
        now = time.monotonic()
        if now - self._last >= self._every_s:
            self._last = now
            self._draw(now)

    def close(self) -> None:
        if self._count:
            self._draw(time.monotonic())
            self._stream.write("\n")
            self._stream.flush()

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        spinner = "|/-\\"[int(elapsed * 4) % 4]
        self._stream.write(f"\r{spinner} indexed {self._count:>9,} {self._what}  {self._count / elapsed:>8,.0f} docs/s")
        self._stream.flush()
