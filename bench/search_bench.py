"""The search API's benchmarks (issue: Search API).

Over the demo catalog behind the alias, a fixed mix of queries (names, specialties,
treatments, conditions, lay terms, typos, filters, places) and the natural one-box
queries of ``relevance/natural.json`` (their ``q`` and ``params``):

* the search handler, in-process through the Chalice app with warm clients, against the
  very requests it sent to OpenSearch (the ``search``, and the ``msearch`` of relaxation
  steps and spelling when it sent one) replayed raw through opensearch-py in the same
  round (target: the median of the per-query paired ratios <= 1.2);
* the same for a mix of searches with the fee, consultation type and availability filters
  and ``sort=soonest`` (issue 16; target: the same);
* OpenSearch round trips per search (target: at most 2), counted by a recording adapter
  around the service's search index;
* query understanding alone, ``understand(q, vocabulary)``, in-process over the natural
  queries (target p95 <= 1 ms), beside a bare ``q.split()`` in the same run;
* typeahead p95 against search p95 (target <= 0.5x);
* what recording each answer costs the search handler (issue 18; target: p95 up by at most
  2 ms), the handler with recording against the same handler with it switched off
  (:mod:`bench.recording_cost`);
* ``GET /hospitals/{id}`` for every hospital of the index and ``GET /hospitals`` (plain and
  ``?specialty=cardiology``), timed as the search handler is against their requests replayed
  raw (target: the median of the paired ratios <= 1.2, each; one round trip a request);
* the judged sets' relevance figures, read from ``relevance/report.json`` (``make relevance``).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from unittest import mock
from urllib.parse import urlencode

from opensearchpy import OpenSearch

from bench import recording_cost
from chalicelib import deps
from chalicelib.adapters.opensearch_index import OpenSearchIndex
from chalicelib.search.ports import SearchIndex
from chalicelib.search.understanding import understand
from chalicelib.search.vocabulary import gazetteer, to_vocabulary, vocabulary_body
from indexer import demo_data
from relevance.natural import NATURAL

if TYPE_CHECKING:
    from chalicelib.bootstrap import Services
    from chalicelib.search.ports import Corpus

QUERIES = 200
FILTERED_QUERIES = 60
SPECIALISTS: Corpus = "specialists"
ROUNDS = 3
PARSE_REPETITIONS = 300  # passes over the natural queries when timing query understanding
RELEVANCE_REPORT = NATURAL.parent / "report.json"
_LAY_TERMS = ("heart doctor", "talking therapy", "skin specialist", "bone doctor", "back pain", "eye surgeon")
_TYPOS = ("cardiolgy", "dermatolgy", "orthopedic", "psychiatrist", "cateract surgery", "kne replacement")
# GET /hospitals as timed (each LIST_REPEATS times a round: two requests alone give few pairs)
HOSPITAL_LISTS = ("/hospitals", "/hospitals?specialty=cardiology")
TREATMENT_LISTS = ("/treatments", "/treatments?letter=c", "/treatments?specialty=psychology")
LIST_REPEATS = 10
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


def filtered_mix(seed: int = 16) -> list[dict[str, str]]:
    """Searches with the fee, consultation type and availability filters, sorted soonest
    first: the same ``FILTERED_QUERIES`` parameter sets every run, half of them near a place."""
    rng = random.Random(seed)  # noqa: S311 - a benchmark's mix, not a secret
    specialties = [s.name.lower().replace(" ", "-") for s in demo_data.SPECIALTIES]
    mix: list[dict[str, str]] = []
    for number in range(FILTERED_QUERIES):
        params = {
            "specialty": rng.choice(specialties),
            "consultation_type": rng.choice(("video", "in_person", "video,phone")),
            "available_within_days": rng.choice(("7", "14", "30")),
            "max_fee": str(rng.choice((15000, 20000, 25000, 30000, 40000))),
            "sort": "soonest",
        }
        mix.append({**params, "near": rng.choice(_PLACES)} if number % 2 else params)
    return mix


def natural_queries(path: Path = NATURAL) -> list[dict[str, str]]:
    """The judged natural one-box queries as the API is sent them: ``q`` and ``params``."""
    queries = json.loads(path.read_text(encoding="utf-8"))["queries"]
    return [{"q": query["q"], **{k: _text(v) for k, v in query.get("params", {}).items()}} for query in queries]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Call:
    """One request the service sent to the search index."""

    kind: Literal["search", "msearch", "get"]
    bodies: tuple[dict[str, Any], ...]  # a get's is empty
    corpora: tuple[Corpus, ...] | None = None  # an msearch's, when it names them


class RecordingIndex(SearchIndex):
    """A :class:`SearchIndex` that keeps every call it passes on (a list append: nothing
    is copied while a request is timed)."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index
        self.calls: list[Call] = []

    def ping(self) -> None:
        self._index.ping()

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(Call("search", (body,)))
        return self._index.search(body)

    def msearch(
        self, bodies: Sequence[dict[str, Any]], corpora: Sequence[Corpus] | None = None
    ) -> list[dict[str, Any]]:
        self.calls.append(Call("msearch", tuple(bodies), None if corpora is None else tuple(corpora)))
        return self._index.msearch(bodies, corpora)

    def get(self, doc_id: str) -> dict[str, Any] | None:
        self.calls.append(Call("get", ()))
        return self._index.get(doc_id)

    def take(self, but: dict[str, Any] | None = None) -> list[Call]:
        """The calls since the last take, leaving out a search of the body ``but``."""
        calls, self.calls = self.calls, []
        return [call for call in calls if but is None or call.bodies != (but,)]


@dataclass(frozen=True)
class Timings:
    """Seconds per request, every counted round, in the order they were sent."""

    handler: list[float]
    raw: list[float]
    typeahead: list[float]
    round_trips: list[int] = field(default_factory=list)  # per counted search, the vocabulary read aside
    msearch: list[bool] = field(default_factory=list)  # per counted search: did it send the relaxation msearch
    natural: list[bool] = field(default_factory=list)  # per counted search: is it a natural query
    vocabulary_reads: int = 0  # in the counted rounds (the warm-up's first search reads it once)


def percentiles(samples: list[float], digits: int = 2) -> dict[str, float]:
    """p50 and p95 in milliseconds of samples in seconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, digits), "p95_ms": round(cuts[94] * 1000, digits)}


def latency(opensearch_url: str, alias: str, treatments_alias: str) -> dict[str, Any]:
    """The search and typeahead figures over ``alias``, each beside its baseline."""
    mix, natural = query_mix(), natural_queries()
    result = summarise(time_queries(opensearch_url, alias, [*mix, *natural], natural=len(natural)))
    result["mix"] = {"generated": len(mix), "natural": len(natural)}
    result["filtered"] = summarise(time_queries(opensearch_url, alias, filtered_mix()))
    result["recording"] = recording_cost.measure(opensearch_url, alias, [*mix, *natural])
    result["parsing"] = parse_times(opensearch_url, alias, [query["q"] for query in natural])
    result["hospitals"] = hospital_latency(opensearch_url, alias, treatments_alias)
    result["treatments"] = treatment_latency(opensearch_url, alias, treatments_alias)
    result["relevance"] = relevance_figures()
    return result


def summarise(timings: Timings) -> dict[str, Any]:
    ours, baseline, suggest = percentiles(timings.handler), percentiles(timings.raw), percentiles(timings.typeahead)
    paired = [handler / raw for handler, raw in zip(timings.handler, timings.raw, strict=True)]
    trips = timings.round_trips
    natural = [one for one, is_natural in zip(trips, timings.natural, strict=True) if is_natural]
    return {
        "queries": len(timings.handler) // ROUNDS,
        "rounds": ROUNDS,
        "search_handler": ours,
        "raw_opensearch": baseline,
        "p50_ratio": round(ours["p50_ms"] / baseline["p50_ms"], 3),
        "median_paired_ratio": round(statistics.median(paired), 3),
        "p50_target": "<= 1.2 (median of the per-query paired ratios)",
        "round_trips": {
            "max": max(trips),
            "mean": round(statistics.fmean(trips), 3),
            "natural_mean": round(statistics.fmean(natural), 3) if natural else None,
            "searches": len(trips),
            "by_count": {str(n): trips.count(n) for n in sorted(set(trips))},
            "with_msearch": sum(timings.msearch),
            "vocabulary_reads_in_counted_rounds": timings.vocabulary_reads,
            "target": "<= 2",
        },
        "typeahead": suggest,
        "typeahead_p95_over_search_p95": round(suggest["p95_ms"] / ours["p95_ms"], 3),
        "typeahead_target": "<= 0.5",
    }


def time_queries(opensearch_url: str, alias: str, mix: list[dict[str, str]] | None = None, natural: int = 0) -> Timings:
    """Send the mix (by default :func:`query_mix`; its last ``natural`` queries are natural ones)
    ``ROUNDS + 1`` times: each query through the handler and the requests it sent replayed raw,
    which first alternating by query and round, then a typeahead prefix of it. Round 0 warms
    every cache (and reads the vocabulary, once per warm container), records the requests
    each query sends, and is not counted; every counted round checks it sends the same (the
    services' clock stands still, so the availability clauses' ``now`` does too)."""
    from chalice.test import Client

    from app import app

    recorder, services, raw_client = recording({"OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": alias})
    mix = query_mix() if mix is None else mix
    vocabulary = vocabulary_body()
    sent: list[list[Call]] = []
    timings = Timings(handler=[], raw=[], typeahead=[])
    vocabulary_reads = 0

    with (
        open(os.devnull, "w") as quiet,
        contextlib.redirect_stdout(quiet),  # each answer's EMF line goes where the log sink's does
        mock.patch.object(deps, "services", return_value=services),
        Client(app, stage_name="local") as client,
    ):
        for round_number in range(ROUNDS + 1):
            for position, params in enumerate(mix):
                path = f"/specialists?{urlencode(params)}"
                if round_number == 0:
                    answer = client.http.get(path)
                    sent.append(recorder.take(but=vocabulary))
                    replay = _raw_requests(raw_client, alias, sent[-1])
                    replay()
                else:
                    replay = _raw_requests(raw_client, alias, sent[position])
                    if (position + round_number) % 2 == 0:
                        started = time.perf_counter()
                        answer = client.http.get(path)
                        middle = time.perf_counter()
                        replay()
                        ended = time.perf_counter()
                        handler_s, raw_s = middle - started, ended - middle
                    else:
                        started = time.perf_counter()
                        replay()
                        middle = time.perf_counter()
                        answer = client.http.get(path)
                        ended = time.perf_counter()
                        handler_s, raw_s = ended - middle, middle - started
                    calls = recorder.take()
                    reads = sum(call.bodies == (vocabulary,) for call in calls)
                    calls = [call for call in calls if call.bodies != (vocabulary,)]
                    if calls != sent[position]:
                        raise RuntimeError(f"{params}: round {round_number} sent other requests than the warm-up")
                    vocabulary_reads += reads
                prefix = params.get("q", params.get("specialty", "ca"))[: 2 + round_number % 4]
                typed = time.perf_counter()
                suggested = client.http.get(f"/suggest?{urlencode({'q': prefix})}")
                done = time.perf_counter()
                recorder.take()
                if answer.status_code != 200 or suggested.status_code != 200:
                    raise RuntimeError(f"{params}: {answer.status_code} {suggested.status_code}")
                if round_number == 0:
                    continue  # warming: a cold cache may still outlast the handler's timeout
                timings.handler.append(handler_s)
                timings.raw.append(raw_s)
                timings.typeahead.append(done - typed)
                timings.round_trips.append(len(sent[position]))
                timings.msearch.append(any(call.kind == "msearch" for call in sent[position]))
                timings.natural.append(position >= len(mix) - natural)
    return replace(timings, vocabulary_reads=vocabulary_reads)


@dataclass(frozen=True)
class RouteTimings:
    """Seconds per request of a group of paths, every counted round, and each path's round trips."""

    handler: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    trips: list[int] = field(default_factory=list)


def hospital_latency(opensearch_url: str, alias: str, treatments_alias: str) -> dict[str, Any]:
    """``GET /hospitals/{id}`` for every hospital of the index, and ``GET /hospitals`` (plain
    and with a specialty), each beside the requests it sent replayed raw."""

    def groups(listed: dict[str, Any]) -> dict[str, list[str]]:
        pages = [f"/hospitals/{hospital['id']}" for hospital in listed["hospitals"]]
        return {"page": pages, "list": [path for path in HOSPITAL_LISTS for _ in range(LIST_REPEATS)]}

    timings, listed = time_routes(opensearch_url, (alias, treatments_alias), "/hospitals", groups)
    return {
        "hospitals": len(listed["hospitals"]),
        "list_requests": list(HOSPITAL_LISTS),
        "list_repeats": LIST_REPEATS,
        **_route_figures(timings),
    }


def treatment_latency(opensearch_url: str, alias: str, treatments_alias: str) -> dict[str, Any]:
    """``GET /treatments/{slug}`` for every treatment of the A-Z list (content and cards in one
    ``msearch``), and ``GET /treatments``, each beside the ``msearch`` it sent replayed raw."""

    def groups(listed: dict[str, Any]) -> dict[str, list[str]]:
        pages = [f"/treatments/{treatment['slug']}" for treatment in listed["treatments"]]
        return {"page": pages, "list": [path for path in TREATMENT_LISTS for _ in range(LIST_REPEATS)]}

    timings, listed = time_routes(opensearch_url, (alias, treatments_alias), "/treatments", groups)
    return {
        "treatments": len(listed["treatments"]),
        "with_content": sum(treatment["has_content"] for treatment in listed["treatments"]),
        "list_requests": list(TREATMENT_LISTS),
        "list_repeats": LIST_REPEATS,
        **_route_figures(timings),
    }


def _route_figures(timings: dict[str, RouteTimings]) -> dict[str, Any]:
    return {
        "rounds": ROUNDS,
        **{kind: _paired_figures(group.handler, group.raw) for kind, group in timings.items()},
        "round_trips": {**{f"{kind}_max": max(group.trips) for kind, group in timings.items()}, "target": "1"},
        "target": "<= 1.2 (median of the per-request paired ratios)",
    }


def _paired_figures(handler: list[float], raw: list[float]) -> dict[str, Any]:
    ours, baseline = percentiles(handler), percentiles(raw)
    paired = [one / other for one, other in zip(handler, raw, strict=True)]
    return {
        "samples": len(handler),
        "handler": ours,
        "raw_opensearch": baseline,
        "p50_ratio": round(ours["p50_ms"] / baseline["p50_ms"], 3),
        "median_paired_ratio": round(statistics.median(paired), 3),
    }


def time_routes(
    opensearch_url: str,
    aliases: tuple[str, str],
    listing: str,
    groups_of: Callable[[dict[str, Any]], dict[str, list[str]]],
) -> tuple[dict[str, RouteTimings], dict[str, Any]]:
    """The paths of each group (``groups_of`` the ``listing`` route's answer), ``ROUNDS + 1``
    times, as :func:`time_queries` sends the search mix: through the Chalice app, the service
    (the app's, from :func:`chalicelib.bootstrap.bootstrap`) on a recording adapter, beside the requests it
    sent replayed raw, which first alternating; round 0 warms and records, and every counted
    round checks it sends the same."""
    from chalice.test import Client

    from app import app

    alias, treatments_alias = aliases
    env = {"OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": alias, "TREATMENTS_ALIAS": treatments_alias}
    recorder, services, raw_client = recording(env)
    vocabulary = vocabulary_body()  # read once per warm container: not a page's request

    with mock.patch.object(deps, "services", return_value=services), Client(app, stage_name="local") as client:
        listed = client.http.get(listing)
        if listed.status_code != 200:
            raise RuntimeError(f"{listing}: {listed.status_code}")
        recorder.take()
        answer = json.loads(listed.body)
        groups = groups_of(answer)
        paths = [(kind, path) for kind, group in groups.items() for path in group]
        timings = {kind: RouteTimings() for kind in groups}
        sent: list[list[Call]] = []
        for round_number in range(ROUNDS + 1):
            for position, (kind, path) in enumerate(paths):
                if round_number == 0:
                    response = client.http.get(path)
                    sent.append(recorder.take(but=vocabulary))
                    _raw_requests(raw_client, alias, sent[-1], treatments_alias)()
                    if response.status_code != 200:
                        raise RuntimeError(f"{path}: {response.status_code}")
                    continue
                replay = _raw_requests(raw_client, alias, sent[position], treatments_alias)
                response, handler_s, raw_s = _pair(
                    partial(client.http.get, path), replay, (position + round_number) % 2 == 0
                )
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")
                if recorder.take(but=vocabulary) != sent[position]:
                    raise RuntimeError(f"{path}: round {round_number} sent other requests than the warm-up")
                timings[kind].handler.append(handler_s)
                timings[kind].raw.append(raw_s)
                timings[kind].trips.append(len(sent[position]))
    return timings, answer


def recording(env: dict[str, str]) -> tuple[RecordingIndex, Services, OpenSearch]:
    """The app's services as :func:`chalicelib.bootstrap.bootstrap` builds them from ``env`` (the
    local stage), their search index wrapped to record what it is sent (patched in for
    ``deps.services``: the app's handlers use them); and the raw side's client, a second one
    built by the very function that builds the app's (the same compression, connection class
    and timeout) with its own connection pool."""
    from chalicelib.adapters.log_analytics_sink import LogAnalyticsSink
    from chalicelib.bootstrap import Clients, bootstrap
    from chalicelib.config import load_search_settings

    os.environ.update({**env, "STAGE": "local"})
    deps.reset()
    settings = load_search_settings(os.environ)
    clients = Clients(settings)
    recorder = RecordingIndex(bootstrap(settings, clients).search_index)
    # Stopped at the start: a search's bodies carry its "now" (to the minute), and every
    # round must send what the warm-up recorded.
    started = datetime.now(UTC)
    # Searches are recorded as in production (one log line each), not into the local stage's
    # UBI index: an extra round trip per search the deployed handler never makes.
    production_sink = LogAnalyticsSink(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the bench
    services = bootstrap(settings, clients, index=recorder, clock=lambda: started, analytics=production_sink)
    return recorder, services, clients.new_opensearch()


def _pair(handle: Callable[[], Any], replay: Callable[[], None], handler_first: bool) -> tuple[Any, float, float]:
    """The handler's answer, and the seconds of the handler and of the raw replay, one after the other."""
    if handler_first:
        started = time.perf_counter()
        answer = handle()
        middle = time.perf_counter()
        replay()
        ended = time.perf_counter()
        return answer, middle - started, ended - middle
    started = time.perf_counter()
    replay()
    middle = time.perf_counter()
    answer = handle()
    ended = time.perf_counter()
    return answer, ended - middle, middle - started


def _raw_requests(
    client: OpenSearch, alias: str, calls: list[Call], treatments_alias: str = "treatments"
) -> Callable[[], None]:
    """The calls as opensearch-py sends them raw, bodies (and msearch lines) built beforehand."""
    headers: dict[Corpus, dict[str, Any]] = {
        "specialists": {},
        "treatments": {"index": treatments_alias, "ignore_unavailable": True},
    }
    requests: list[tuple[str, Any]] = []
    for call in calls:
        if call.kind == "search":
            requests.append(("search", call.bodies[0]))
        elif call.kind == "msearch":
            pairs = zip(call.bodies, call.corpora or [SPECIALISTS] * len(call.bodies), strict=True)
            lines = [part for body, corpus in pairs for part in (headers[corpus], body)]
            requests.append(("msearch", lines))
        else:
            raise RuntimeError("a search sent a get")

    def send() -> None:
        for kind, body in requests:
            if kind == "search":
                client.search(index=alias, body=body)
            else:
                client.msearch(index=alias, body=body)

    return send


def parse_times(opensearch_url: str, alias: str, queries: list[str]) -> dict[str, Any]:
    """``understand(q, vocabulary)`` alone, in-process, each natural query ``PARSE_REPETITIONS``
    times, beside ``q.split()`` timed the same way; the vocabulary read once from the index."""
    index = OpenSearchIndex(OpenSearch(hosts=[opensearch_url], timeout=30), alias)
    vocabulary = to_vocabulary(index.search(vocabulary_body()), gazetteer().locate)
    for q in queries:  # warm: first calls compile regular expressions and fill caches
        understand(q, vocabulary)
    parsing: list[float] = []
    splitting: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(PARSE_REPETITIONS):
        for q in queries:
            started = clock()
            understand(q, vocabulary)
            middle = clock()
            q.split()
            ended = clock()
            parsing.append((middle - started) / 1e9)
            splitting.append((ended - middle) / 1e9)
    ours, baseline = percentiles(parsing, 4), percentiles(splitting, 4)
    return {
        "queries": len(queries),
        "repetitions": PARSE_REPETITIONS,
        "understand": ours,
        "split": baseline,
        "p95_target_ms": 1.0,
    }


def relevance_figures(path: Path = RELEVANCE_REPORT) -> dict[str, Any] | None:
    """The judged sets' figures from the last ``make relevance`` (not re-run here)."""
    if not path.exists():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    figures: dict[str, Any] = {"source": "relevance/report.json", "original": report.get("overall")}
    natural = report.get("natural")
    if natural:
        figures["natural"] = {"halves": natural["halves"], "targets": natural.get("targets")}
    return figures


def markdown(search: dict[str, Any], indexed: int) -> list[str]:
    """The report's "## Search" section."""
    ours, raw, suggest = search["search_handler"], search["raw_opensearch"], search["typeahead"]
    trips, parsing, mix = search["round_trips"], search["parsing"], search["mix"]
    counts = ", ".join(f"{n} round trip{'s' if n != '1' else ''} x {k}" for n, k in trips["by_count"].items())
    lines = [
        f"## Search ({search['queries']} queries x {search['rounds']} rounds, {indexed:,} specialists)",
        "",
        f"The mix: {mix['generated']} generated queries (names, specialties, treatments, conditions, lay terms, "
        f"typos, filters, places) and the {mix['natural']} natural one-box queries of `relevance/natural.json` "
        "(their `q` and `params`). Ours: `GET /specialists` in-process through the Chalice app with warm clients, "
        "its services built by `chalicelib.bootstrap.bootstrap` with a recording adapter around the real search "
        "index in place of the index (patched in for `deps.services`); each answer recorded as in production "
        "(the query record as one log line and the EMF line of the search counts, both to `/dev/null`). "
        "Baseline: the very requests it sent "
        "(the `search`, and the `msearch` of "
        "relaxation steps and spelling when it sent one) replayed raw with opensearch-py, in the same round, "
        "which of the two goes first alternating by query and round. Round 0 warms the caches, makes the warm "
        "container's one vocabulary read and records the requests; it is not counted, and every counted round "
        "sent the same requests (vocabulary reads in the counted rounds: "
        f"{trips['vocabulary_reads_in_counted_rounds']}). Hospital and treatment pages and their lists are "
        "timed the same way: through the app, the same services on the recording adapter, beside the one `search` or "
        "`msearch` each sent replayed raw (a treatment's content and its cards: one `msearch` over the two "
        "aliases). The raw side's client is built by the function that builds the app's "
        "(`Clients.new_opensearch`: the same compression, connection class and timeout).",
        "",
        "| measure | ours | baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| search handler, median of the per-query paired ratios (each query and round: the handler over its "
        f"requests sent raw) | - | - | {search['median_paired_ratio']} | <= 1.2 |",
        f"| search handler p50, ms (baseline: the same requests sent raw; ratio of the p50s) | {ours['p50_ms']} | "
        f"{raw['p50_ms']} | {search['p50_ratio']} | - |",
        f"| search handler p95, ms (baseline: raw) | {ours['p95_ms']} | {raw['p95_ms']} | "
        f"{round(ours['p95_ms'] / raw['p95_ms'], 3)} | - |",
        f"| OpenSearch round trips per search, max ({trips['searches']:,} counted searches: {counts}; the "
        f"vocabulary read, once per warm container, is in the warm-up) | {trips['max']} | - | - | {trips['target']} |",
        f"| OpenSearch round trips per search, mean (natural queries alone: {trips['natural_mean']}; "
        f"{trips['with_msearch']:,} searches sent the relaxation `msearch`) | {trips['mean']} | - | - | - |",
        *_filtered_rows(search.get("filtered")),
        *_route_rows(search.get("hospitals"), "hospital", ("`GET /hospitals/{id}`", "`GET /hospitals`")),
        *_route_rows(search.get("treatments"), "treatment", ("`GET /treatments/{slug}`", "`GET /treatments`")),
        f"| query understanding `understand(q, vocabulary)` p50, ms, in-process ({parsing['queries']} natural "
        f"queries x {parsing['repetitions']}; baseline: `q.split()`, same run) | {parsing['understand']['p50_ms']} | "
        f"{parsing['split']['p50_ms']} | - | - |",
        f"| query understanding p95, ms (baseline: `q.split()`) | {parsing['understand']['p95_ms']} | "
        f"{parsing['split']['p95_ms']} | - | <= {parsing['p95_target_ms']} |",
        f"| typeahead p95, ms (baseline: search handler p95) | {suggest['p95_ms']} | {ours['p95_ms']} | "
        f"{search['typeahead_p95_over_search_p95']} | {search['typeahead_target']} |",
        "",
    ]
    return lines + recording_cost.markdown(search.get("recording")) + _relevance_markdown(search.get("relevance"))


def _filtered_rows(figures: dict[str, Any] | None) -> list[str]:
    """The rows of the searches with the fee, type and availability filters, soonest first."""
    if not figures:
        return []
    ours, raw = figures["search_handler"], figures["raw_opensearch"]
    said = (
        f"search handler with `consultation_type`, `available_within_days`, `max_fee` and `sort=soonest` "
        f"({figures['queries']} searches, half near a place, x {figures['rounds']} rounds)"
    )
    return [
        f"| {said}, median of the per-query paired ratios | - | - | {figures['median_paired_ratio']} | <= 1.2 |",
        f"| {said} p50 / p95, ms (baseline: the same requests sent raw; ratio of the p50s) | {ours['p50_ms']} / "
        f"{ours['p95_ms']} | {raw['p50_ms']} / {raw['p95_ms']} | {figures['p50_ratio']} | <= 1.2 |",
    ]


def _route_rows(figures: dict[str, Any] | None, name: str, routes: tuple[str, str]) -> list[str]:
    """The table's rows of a page route and its list: the hospitals' or the treatments'."""
    if not figures:
        return []
    trips, rows = figures["round_trips"], []
    lists = " and ".join(f"`{path}`" for path in figures["list_requests"])
    said = {
        "page": (routes[0], f"every {name} of the list, {figures[name + 's']} x {figures['rounds']} rounds"),
        "list": (routes[1], f"{lists}, each {figures['list_repeats']} times a round x {figures['rounds']} rounds"),
    }
    for kind, (route, detail) in said.items():
        paired = figures[kind]
        ours, raw = paired["handler"], paired["raw_opensearch"]
        rows += [
            f"| {route} ({detail}), median of the per-request paired ratios (the handler over its request sent "
            f"raw) | - | - | {paired['median_paired_ratio']} | <= 1.2 |",
            f"| {route} p50 / p95, ms (baseline: the same request sent raw; ratio of the p50s) | "
            f"{ours['p50_ms']} / {ours['p95_ms']} | {raw['p50_ms']} / {raw['p95_ms']} | {paired['p50_ratio']} | - |",
        ]
    rows.append(
        f"| OpenSearch round trips per {name} page / per {name} list, max | {trips['page_max']} / "
        f"{trips['list_max']} | - | - | {trips['target']} |"
    )
    return rows


def _relevance_markdown(figures: dict[str, Any] | None) -> list[str]:
    if not figures:
        return []
    rows: list[tuple[str, dict[str, Any], dict[str, str]]] = []
    natural = figures.get("natural")
    if natural:
        sides = {"ours": "ours", "naive": "naive baseline", "strong": "strong baseline"}
        rows += [
            (f"natural, {half.replace('_', '-')}", natural["halves"][half], sides) for half in ("held_out", "tuning")
        ]
    if figures.get("original"):
        rows.append(
            ("original (`judgments.json`), all", figures["original"], {"ours": "ours", "baseline": "naive baseline"})
        )
    lines = [
        f"Relevance of the judged sets over the 2,000-specialist demo catalog, from `{figures['source']}` "
        "(written by `make relevance`, not re-run here)"
        + (f"; natural targets: {_targets(natural['targets'])}" if natural and natural.get("targets") else "")
        + ".",
        "",
        "| judged set | queries | side | nDCG@10 | MRR | zero-result rate |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for name, summary, sides in rows:
        for position, (key, label) in enumerate(sides.items()):
            side = summary[key]
            first = position == 0
            lines.append(
                f"| {name if first else ''} | {summary['queries'] if first else ''} | {label} | {side['ndcg@10']} | "
                f"{side['mrr']} | {side['zero_result_rate']} |"
            )
    return [*lines, ""]


def _targets(targets: dict[str, Any]) -> str:
    said = {
        "held_out_ndcg@10": "held-out nDCG@10 >= {}",
        "held_out_ndcg@10_over_strong_baseline": "at least {} above the strong baseline's",
        "zero_result_queries": "{} queries finding nobody",
    }
    return ", ".join(said.get(name, name + " {}").format(value) for name, value in targets.items())
