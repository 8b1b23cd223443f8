"""Demo feeds for benchmarks, generated once and kept under ``.local/bench``."""

from __future__ import annotations

import functools
import gzip
import hashlib
from pathlib import Path

from devstack.stack import PROJECT_DIR
from indexer import demo_treatments
from indexer.demo import generate, write_lines

CACHE = PROJECT_DIR / ".local" / "bench"
SEED = 20261125
# The modules whose code decides what the demo catalog holds: a change to them is a new feed.
GENERATOR = (PROJECT_DIR / "indexer" / "demo.py", PROJECT_DIR / "indexer" / "demo_data.py")


@functools.cache
def generator_version() -> str:
    digest = hashlib.sha256()
    for path in GENERATOR:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def demo_feed(count: int) -> Path:
    """A gzipped demo catalog of ``count`` specialists (deterministic, so safe to reuse while
    the generator's code is unchanged)."""
    path = CACHE / f"demo-{count}-{SEED}-{generator_version()}.jsonl.gz"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with gzip.open(partial, "wb", compresslevel=1) as out:
            write_lines(generate(count, seed=SEED), out)
        partial.rename(path)
    return path


def demo_treatments_feed() -> Path:
    """The demo treatments' content feed (a few KiB: written afresh each time)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "demo-treatments.jsonl"
    demo_treatments.write(path)
    return path
