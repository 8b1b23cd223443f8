"""Demo feeds for benchmarks, generated once and kept under ``.local/bench``."""

from __future__ import annotations

import functools
import gzip
import hashlib
from datetime import UTC, datetime
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
    the generator's code and the hour are unchanged: its slots are dated from the hour it
    was made, and a feed a day old would hold only stale ones, which the search treats as
    unknown, so the availability filters and sort would be measured on nothing)."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    stem = f"demo-{count}-{SEED}-{generator_version()}"
    path = CACHE / f"{stem}-{hour:%Y%m%d%H}.jsonl.gz"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        for older in CACHE.glob(f"{stem}*.jsonl.gz"):
            older.unlink()
        partial = path.with_suffix(".partial")
        with gzip.open(partial, "wb", compresslevel=1) as out:
            write_lines(generate(count, seed=SEED, now=hour), out)
        partial.rename(path)
    return path


def demo_treatments_feed() -> Path:
    """The demo treatments' content feed (a few KiB: written afresh each time)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "demo-treatments.jsonl"
    demo_treatments.write(path)
    return path
