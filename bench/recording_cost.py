"""What recording costs the search handler (issue 18, item 8: at most 2 ms at p95).

The same handler twice for each query of the search mix, through the Chalice app on one set
of services (``search_bench.recording``: the local stage's settings, the production log sink
writing to ``/dev/null``): once recording as in production (the query record built, masked
and written as one log line, and the EMF line of the search counts, stdout sent to
``/dev/null`` too), once with the recorder switched off (:class:`Unrecorded`: not called, a
fixed ``query_id`` in the answer). Which goes first alternates by query and round; round 0
warms and is not counted. The typeahead is recorded the same way and timed beside it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import time
from typing import TYPE_CHECKING, Any
from unittest import mock
from urllib.parse import urlencode

from chalicelib import deps
from chalicelib.analytics.recorder import QueryRecorder

if TYPE_CHECKING:
    from chalicelib.search.request import SearchRequest
    from chalicelib.search.responses import SearchResults, Suggestions

ROUNDS = 5
TARGET_MS = 2.0  # the p95 difference, per round, median over the rounds
UNRECORDED_ID = "00000000-0000-4000-8000-000000000000"
ROUTES = ("search", "typeahead")


class Unrecorded(QueryRecorder):
    """Recording switched off: the handler's call answers a fixed id and does nothing else."""

    def __init__(self) -> None:  # nothing to record into
        pass

    def searched(self, request: SearchRequest, results: SearchResults, client_id: str | None, started: float) -> str:
        return UNRECORDED_ID

    def suggested(self, q: str, limit: int, answer: Suggestions, client_id: str | None, started: float) -> str:
        return UNRECORDED_ID


class _Failures(logging.Handler):
    """Counts the recorder's warnings: a record not kept would make recording look cheap."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def measure(opensearch_url: str, alias: str, mix: list[dict[str, str]], rounds: int = ROUNDS) -> dict[str, Any]:
    """Each query of ``mix`` and a typeahead prefix of it, with and without recording, ``rounds + 1`` times."""
    from chalice.test import Client

    from app import app
    from bench.search_bench import recording

    _, services, _ = recording({"OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": alias})
    switched = {True: services.query_recorder, False: Unrecorded()}
    # samples[route][recorded][round]: seconds per request
    samples: dict[str, dict[bool, list[list[float]]]] = {
        route: {on: [[] for _ in range(rounds)] for on in (True, False)} for route in ROUTES
    }
    failures = _Failures()
    recorder_log = logging.getLogger("chalicelib.analytics.recorder")
    recorder_log.addHandler(failures)
    try:
        with (
            open(os.devnull, "w") as quiet,
            contextlib.redirect_stdout(quiet),  # the EMF lines, as the log sink's, go nowhere
            mock.patch.object(deps, "services", return_value=services),
            Client(app, stage_name="local") as client,
        ):
            for round_number in range(rounds + 1):
                for position, params in enumerate(mix):
                    prefix = params.get("q", params.get("specialty", "ca"))[: 2 + round_number % 4]
                    paths = {
                        "search": f"/specialists?{urlencode(params)}",
                        "typeahead": f"/suggest?{urlencode({'q': prefix})}",
                    }
                    first = (position + round_number) % 2 == 0
                    for route, path in paths.items():
                        for on in (first, not first):
                            services.query_recorder = switched[on]
                            started = time.perf_counter()
                            answer = client.http.get(path)
                            took = time.perf_counter() - started
                            if answer.status_code != 200:
                                raise RuntimeError(f"{path}: {answer.status_code}")
                            if (answer.headers["X-Query-Id"] == UNRECORDED_ID) == on:
                                raise RuntimeError(f"{path}: recording was not switched {'on' if on else 'off'}")
                            if round_number:
                                samples[route][on][round_number - 1].append(took)
    finally:
        recorder_log.removeHandler(failures)
    if failures.count:
        raise RuntimeError(f"{failures.count} answers were not recorded: the measure would understate the cost")
    return {
        "rounds": rounds,
        "queries": len(mix),
        **{route: figures(samples[route][True], samples[route][False]) for route in ROUTES},
        "target_ms": TARGET_MS,
    }


def figures(recorded: list[list[float]], unrecorded: list[list[float]]) -> dict[str, Any]:
    """p50/p95 of each side over every counted round; per round, the p95 difference in ms and
    the ratio of the p95s; the medians of those, and of the per-request paired ratios."""
    rounds = list(zip(recorded, unrecorded, strict=True))
    differences = [_ms(_p95(on) - _p95(off)) for on, off in rounds]
    ratios = [round(_p95(on) / _p95(off), 3) for on, off in rounds]
    pooled_on = [took for one in recorded for took in one]
    pooled_off = [took for one in unrecorded for took in one]
    paired = [on / off for on, off in zip(pooled_on, pooled_off, strict=True)]
    return {
        "samples": len(pooled_on),
        "recorded": _percentiles(pooled_on),
        "unrecorded": _percentiles(pooled_off),
        "p95_difference_ms_per_round": differences,
        "p95_difference_ms": round(statistics.median(differences), 3),
        "p50_difference_ms": round(statistics.median(_ms(_p50(on) - _p50(off)) for on, off in rounds), 3),
        "p95_ratio_per_round": ratios,
        "p95_ratio": round(statistics.median(ratios), 3),
        "median_paired_ratio": round(statistics.median(paired), 3),
    }


def _cuts(samples: list[float]) -> list[float]:
    return statistics.quantiles(samples, n=100, method="inclusive")


def _p95(samples: list[float]) -> float:
    return _cuts(samples)[94]


def _p50(samples: list[float]) -> float:
    return _cuts(samples)[49]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _percentiles(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": _ms(_p50(samples)), "p95_ms": _ms(_p95(samples))}


def markdown(cost: dict[str, Any] | None) -> list[str]:
    """The search section's paragraph and table on what recording costs."""
    if not cost:
        return []
    lines = [
        f"Recording (issue 18): the same handler with and without recording, {cost['queries']} queries of the mix "
        f"x {cost['rounds']} rounds, each query twice in a row on the same services and settings, which goes first "
        "alternating by query and round (round 0 warms, not counted). Recorded: as in production, the query record "
        "built, masked and written as one log line by the production sink, and the EMF line of the search counts "
        "(both to `/dev/null`). Not recorded: the recorder switched off (not called; a fixed `query_id`). "
        "The difference is per round, the median over the rounds; so is the ratio of the p95s.",
        "",
        "| measure | recorded | not recorded | p95 difference, ms (per round) | ratio of the p95s | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for route, label in (("search", "`GET /specialists`"), ("typeahead", "`GET /suggest`")):
        one = cost[route]
        on, off = one["recorded"], one["unrecorded"]
        lines.append(
            f"| {label} p50 / p95, ms ({one['samples']:,} requests a side; median of the per-request paired "
            f"ratios {one['median_paired_ratio']}; p50 difference {one['p50_difference_ms']} ms) | "
            f"{on['p50_ms']} / {on['p95_ms']} | {off['p50_ms']} / {off['p95_ms']} | {one['p95_difference_ms']} "
            f"({', '.join(str(d) for d in one['p95_difference_ms_per_round'])}) | {one['p95_ratio']} | "
            + (f"<= {cost['target_ms']} ms |" if route == "search" else "- |")
        )
    difference = cost["search"]["p95_difference_ms"]
    verdict = "met" if difference <= cost["target_ms"] else "**missed**"
    return [*lines, "", f"Recording's cost at p95: {difference} ms, target <= {cost['target_ms']} ms: {verdict}.", ""]
