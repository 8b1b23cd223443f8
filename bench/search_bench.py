"""The search API's benchmarks (issue: Search API).

Over the demo catalog behind the alias, a fixed mix of queries (names, specialties,
treatments, conditions, lay terms, typos, filters, places):

* the search handler, in-process through the Chalice app with warm clients, against the
  same OpenSearch request body sent raw through opensearch-py (target p50 <= 1.2x raw);
* typeahead p95 against search p95 (target <= 0.5x).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from opensearchpy import OpenSearch

from chalicelib import deps
from chalicelib.search.query import build_search_body
from chalicelib.search.request import parse_search_request
from indexer import demo_data

QUERIES = 200
ROUNDS = 3
_LAY_TERMS = ("heart doctor", "talking therapy", "skin specialist", "bone doctor", "back pain", "eye surgeon")
_TYPOS = ("cardiolgy", "dermatolgy", "orthopedic", "psychiatrist", "cateract surgery", "kne replacement")
_PLACES = ("Hendon", "Bolton", "Manchester", "NW4 1RP", "Bury St Edmunds", "Leeds", "Birmingham", "SW1")


def query_mix(seed: int = 7) -> list[dict[str, str]]:
    """The fixed mix: the same 200 parameter sets every run."""
    rng = random.Random(seed)  # noqa: S311 - a benchmark's mix, not a secret
    specialties = [s.name for s in demo_data.SPECIALTIES]
    treatments = sorted({t for s in demo_data.SPECIALTIES for t in s.treatments})
    conditions = sorted({c for s in demo_data.SPECIALTIES for c in s.conditions})
    names = [f"{s.first_name} {s.last_name}" for s in demo_data.SEED_SPECIALISTS]
    makers: list[Callable[[], dict[str, str]]] = [
        lambda: {"q": rng.choice(specialties)},
        lambda: {"q": rng.choice(treatments)},
        lambda: {"q": rng.choice(conditions)},
        lambda: {"q": rng.choice(names)},
        lambda: {"q": rng.choice(_LAY_TERMS)},
        lambda: {"q": rng.choice(_TYPOS)},
        lambda: {"q": rng.choice(treatments), "near": rng.choice(_PLACES)},
        lambda: {"q": rng.choice(conditions), "bookable_online": "true", "page": "2"},
        lambda: {"specialty": rng.choice(specialties).lower().replace(" ", "-"), "near": rng.choice(_PLACES),
                 "sort": "distance"},
    ]  # fmt: skip
    return [rng.choice(makers)() for _ in range(QUERIES)]


@dataclass(frozen=True)
class Timings:
    """Seconds per request, every counted round, in the order they were sent."""

    handler: list[float]
    raw: list[float]
    typeahead: list[float]


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds of samples in seconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 2), "p95_ms": round(cuts[94] * 1000, 2)}


def latency(opensearch_url: str, alias: str) -> dict[str, Any]:
    """The search and typeahead figures over ``alias``, each beside its baseline."""
    return summarise(time_queries(opensearch_url, alias))


def summarise(timings: Timings) -> dict[str, Any]:
    ours, baseline, suggest = percentiles(timings.handler), percentiles(timings.raw), percentiles(timings.typeahead)
    return {
        "queries": len(timings.handler) // ROUNDS,
        "rounds": ROUNDS,
        "search_handler": ours,
        "raw_opensearch": baseline,
        "p50_ratio": round(ours["p50_ms"] / baseline["p50_ms"], 3),
        "p50_target": "<= 1.2",
        "typeahead": suggest,
        "typeahead_p95_over_search_p95": round(suggest["p95_ms"] / ours["p95_ms"], 3),
        "typeahead_target": "<= 0.5",
    }


def time_queries(opensearch_url: str, alias: str) -> Timings:
    """Send the mix ``ROUNDS + 1`` times: each query through the handler, then its body raw,
    then a typeahead prefix of it. Round 0 warms every cache and is not counted."""
    from chalice.test import Client

    from app import app

    os.environ.update({"OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": alias, "STAGE": "local"})
    deps.reset()
    mix = query_mix()
    raw_client = OpenSearch(hosts=[opensearch_url], timeout=10)
    service = deps.search_service()
    timings = Timings(handler=[], raw=[], typeahead=[])
    with Client(app, stage_name="local") as client:
        for round_number in range(ROUNDS + 1):
            for params in mix:
                request = parse_search_request({name: [value] for name, value in params.items()})
                body = build_search_body(request, service.origin_of(request))  # the body the handler sends
                started = time.perf_counter()
                answer = client.http.get(f"/specialists?{urlencode(params)}")
                middle = time.perf_counter()
                raw_client.search(index=alias, body=body)
                ended = time.perf_counter()
                prefix = params.get("q", params.get("specialty", "ca"))[: 2 + round_number % 4]
                typed = time.perf_counter()
                suggested = client.http.get(f"/suggest?{urlencode({'q': prefix})}")
                done = time.perf_counter()
                if round_number == 0:
                    continue  # warming: a cold cache may still outlast the handler's timeout
                if answer.status_code != 200 or suggested.status_code != 200:
                    raise RuntimeError(f"{params}: {answer.status_code} {suggested.status_code}")
                timings.handler.append(middle - started)
                timings.raw.append(ended - middle)
                timings.typeahead.append(done - typed)
    return timings
