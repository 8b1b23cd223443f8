"""The availability feed's benchmarks (issue 16).

* Throughput: N slot updates, one for each specialist of an N-specialist demo catalog,
  applied through :mod:`indexer.availability` (read the gzipped feed, validate, group,
  send, account for every answer) against raw ``helpers.bulk`` of the very update actions
  it sends, built in memory beforehand, with the same client and chunk size. Each side's
  round reports newer slots than the last, so every update changes its document (an
  unchanged one is a cheap ``noop``, which would flatter both). Ours and raw alternate,
  which goes first alternating by round; the figure is the median of the paired per-round
  ratios, raw's time over ours (our throughput over raw's). Target >= 0.9.
* Index size: the primaries' store size of the catalog's documents with issue 16's fields
  (fees, registration, consultation types, next slots) against the same documents with
  those fields stripped, same mapping, each force-merged to one segment so that both are
  measured settled.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import bulk, scan

from bench.feeds import CACHE, demo_feed
from chalicelib.adapters.file_catalog_source import LocalFileSource
from chalicelib.catalog import parse_line
from chalicelib.index_schema import (
    CONSULTATION_TYPES,
    FEE_FROM,
    FEES,
    GMC_NUMBER,
    HOSPITAL_ID,
    HOSPITAL_NEXT_AVAILABLE,
    HOSPITAL_NEXT_AVAILABLE_AS_OF,
    HOSPITALS,
    REGISTRATION,
    index_body,
    to_document,
)
from indexer.availability import CHUNK_SIZE, AvailabilityUpdater, update_action
from indexer.availability_feed import grouped, parse_update
from indexer.bulk import BULK_RETRIES
from indexer.reindex import Options, Reindexer

ROUNDS = 5
WARM_UP = 2_000  # updates each side sends before the rounds
TARGET = ">= 0.9"
ALIAS = "bench-availability"
NEW_FIELDS = (FEE_FROM, CONSULTATION_TYPES, GMC_NUMBER, REGISTRATION, FEES)
NEW_HOSPITAL_FIELDS = tuple(
    name.removeprefix(f"{HOSPITALS}.") for name in (HOSPITAL_NEXT_AVAILABLE, HOSPITAL_NEXT_AVAILABLE_AS_OF)
)


def run(client: OpenSearch, count: int, rounds: int = ROUNDS) -> dict[str, Any]:
    catalog = demo_feed(count)
    return {"throughput": throughput(client, catalog, rounds), "index_size": size_growth(client, catalog)}


def throughput(client: OpenSearch, catalog: Path, rounds: int) -> dict[str, Any]:
    client.indices.delete(index=f"{ALIAS}*", ignore=[404])
    loaded = Reindexer(client, ALIAS, Options(keep=0)).run(LocalFileSource(catalog))
    if not loaded.ok:
        raise RuntimeError(f"loading the availability benchmark's catalog failed: {loaded.reason}")
    client.indices.refresh(index=ALIAS)
    slots = [
        (hit["_id"], hit["_source"][HOSPITALS][0]["id"]) for hit in scan(client, index=ALIAS, _source=[HOSPITAL_ID])
    ]
    reports = iter(range(1, 2 * rounds + 3))  # each side's round a newer report than the last
    # Both sides once, untimed: a cold JVM (and the first pass over documents just loaded)
    # would handicap whichever runs first.
    _raw_s(client, slots[:WARM_UP], next(reports))
    _ours_s(client, slots[:WARM_UP], next(reports))
    ours: list[float] = []
    raw: list[float] = []
    try:
        for number in range(rounds):
            for side in ("ours", "raw") if number % 2 == 0 else ("raw", "ours"):
                if side == "ours":
                    ours.append(_ours_s(client, slots, next(reports)))
                else:
                    raw.append(_raw_s(client, slots, next(reports)))
            print(f"  round {number + 1}: ours {ours[-1]:.2f} s, raw {raw[-1]:.2f} s", flush=True)
    finally:
        client.indices.delete(index=f"{ALIAS}*", ignore=[404])
    ratios = [r / o for o, r in zip(ours, raw, strict=True)]
    return {
        "updates": len(slots),
        "rounds": rounds,
        "chunk_size": CHUNK_SIZE,
        "method": "median of paired per-round ratios, raw time over ours; every update changes its document",
        "ours_updates_per_s": round(len(slots) / statistics.median(ours), 1),
        "raw_bulk_updates_per_s": round(len(slots) / statistics.median(raw), 1),
        "per_round_s": [[round(o, 2), round(r, 2)] for o, r in zip(ours, raw, strict=True)],
        "per_round_ratios": [round(ratio, 3) for ratio in ratios],
        "ratio": round(statistics.median(ratios), 3),
        "target": TARGET,
    }


def _lines(slots: list[tuple[str, str]], report: int) -> Iterator[dict[str, Any]]:
    # Seconds ahead of the clock (the feed allows five minutes): newer than the demo catalog's own reports.
    as_of = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=report)
    at = (as_of + timedelta(days=1, minutes=report)).isoformat()
    for specialist, hospital in slots:
        yield {"id": specialist, "hospital_id": hospital, "next_available": at, "as_of": as_of.isoformat()}


def _ours_s(client: OpenSearch, slots: list[tuple[str, str]], report: int) -> float:
    feed = CACHE / "availability-updates.jsonl.gz"
    with gzip.open(feed, "wt", compresslevel=1) as out:
        out.writelines(json.dumps(line) + "\n" for line in _lines(slots, report))
    started = time.perf_counter()
    summary = AvailabilityUpdater(client, ALIAS).run(LocalFileSource(feed))
    elapsed = time.perf_counter() - started
    if summary.outcome != "applied" or summary.applied != len(slots):
        raise RuntimeError(f"the benchmark's availability run did not apply every update: {summary.as_dict()}")
    return elapsed


def _raw_s(client: OpenSearch, slots: list[tuple[str, str]], report: int) -> float:
    updates = enumerate((parse_update(json.dumps(line).encode()) for line in _lines(slots, report)), start=1)
    actions = [update_action(ALIAS, group) for group in grouped(updates, CHUNK_SIZE)]
    started = time.perf_counter()
    ok, errors = bulk(client, actions, chunk_size=CHUNK_SIZE, **BULK_RETRIES)
    elapsed = time.perf_counter() - started
    if ok != len(slots) or errors:
        raise RuntimeError(f"raw bulk applied {ok} of {len(slots)} updates")
    return elapsed


def size_growth(client: OpenSearch, catalog: Path) -> dict[str, Any]:
    """Store sizes of the catalog's documents (those the indexer lists) with and without the new fields."""
    with_fields = _store_bytes(client, f"{ALIAS}-size-with", _documents(catalog, strip=False))
    without = _store_bytes(client, f"{ALIAS}-size-without", _documents(catalog, strip=True))
    return {
        "stripped_fields": [*NEW_FIELDS, *(f"{HOSPITALS}.{name}" for name in NEW_HOSPITAL_FIELDS)],
        "method": "primaries' store size after a force merge to one segment, same mapping",
        "with_new_fields_bytes": with_fields,
        "without_new_fields_bytes": without,
        "growth_bytes": with_fields - without,
        "growth_percent": round(100 * (with_fields - without) / without, 1),
    }


def _documents(catalog: Path, *, strip: bool) -> Iterator[dict[str, Any]]:
    with gzip.open(catalog, "rb") as lines:
        for line in lines:
            specialist = parse_line(line)
            if not specialist.is_registered:
                continue
            document = to_document(specialist)
            if strip:
                for name in NEW_FIELDS:
                    document.pop(name)
                for hospital in document[HOSPITALS]:
                    for name in NEW_HOSPITAL_FIELDS:
                        hospital.pop(name)
            yield document


def _store_bytes(client: OpenSearch, index: str, documents: Iterator[dict[str, Any]]) -> int:
    client.indices.delete(index=index, ignore=[404])
    client.indices.create(index=index, body=index_body())
    try:
        bulk(client, ({"_index": index, "_id": d["id"], "_source": d} for d in documents), chunk_size=CHUNK_SIZE)
        client.indices.refresh(index=index)
        client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=600)
        # Until a refresh and a flush the merged-away segments' files are still held (an open
        # reader, the last commit) and counted: the first index measured read twice its size.
        client.indices.refresh(index=index)
        client.indices.flush(index=index, request_timeout=600)
        stats = client.indices.stats(index=index, metric="store")
        return int(stats["indices"][index]["primaries"]["store"]["size_in_bytes"])
    finally:
        client.indices.delete(index=index, ignore=[404])


def markdown(results: dict[str, Any]) -> list[str]:
    speed, size = results["throughput"], results["index_size"]
    return [
        "## Availability updates",
        "",
        "| measure | ours | baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| {speed['updates']:,} slot updates, updates/s (ours: `indexer.availability` reading the gzipped feed; "
        f"baseline: raw `helpers.bulk` of the same scripted update actions built beforehand, same client, chunk "
        f"size {speed['chunk_size']}; every update changes its document; {speed['rounds']} rounds, which side goes "
        f"first alternating; ratio: the median of the per-round ratios of raw's time to ours "
        f"{speed['per_round_ratios']}; updates/s: each side's median) | {speed['ours_updates_per_s']:,} | "
        f"{speed['raw_bulk_updates_per_s']:,} | {speed['ratio']} | {speed['target']} |",
        f"| index size, bytes, with issue 16's fields (baseline: the same documents without "
        f"{', '.join(f'`{name}`' for name in size['stripped_fields'])}; primaries after a force merge to one "
        f"segment) | {size['with_new_fields_bytes']:,} | {size['without_new_fields_bytes']:,} | "
        f"+{size['growth_bytes']:,} bytes (+{size['growth_percent']}%) | reported |",
        "",
    ]
