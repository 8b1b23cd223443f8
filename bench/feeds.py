"""Demo feeds for benchmarks, generated once and kept under ``.local/bench``."""

from __future__ import annotations

import gzip
from pathlib import Path

from devstack.stack import PROJECT_DIR
from indexer.demo import generate, write_lines

CACHE = PROJECT_DIR / ".local" / "bench"
SEED = 20261125


def demo_feed(count: int) -> Path:
    """A gzipped demo catalog of ``count`` specialists (deterministic, so safe to reuse)."""
    path = CACHE / f"demo-{count}-{SEED}.jsonl.gz"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with gzip.open(partial, "wb", compresslevel=1) as out:
            write_lines(generate(count, seed=SEED), out)
        partial.rename(path)
    return path
