"""The weekly report's figures, from parsed records: pure functions, defined in
``docs/analytics-report.md`` (keep the two in step)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.analytics.ubi import rfc3339_ms
from relevance.analytics_records import Event, Query, Traffic

CLICKS = frozenset({"view_profile", "book", "enquire"})
REFORMULATION_WINDOW = timedelta(seconds=60)
CTR_POSITIONS = (1, 3, 5)
TOP = 10
DIGITS = 4


@dataclass(frozen=True)
class Search:
    """A query record of endpoint "search", page 1, with what followed it."""

    query: Query
    clicks: tuple[Event, ...]  # its click events, earliest first
    later: tuple[str, ...]  # the query ids of its reformulations, oldest first

    @property
    def key(self) -> str:
        return text_key(self.query.text)

    @property
    def clicked(self) -> bool:
        return bool(self.clicks)

    @property
    def reformulated(self) -> bool:
        return bool(self.later)


@dataclass(frozen=True)
class Pair:
    """Search ``before`` (no results or no click) followed by ``after``, whose results got a click."""

    before: Search
    after: Search


def is_click(event: Event) -> bool:
    """A page's click on a search result (an enquiry sent is not one: its page's ``enquire`` was)."""
    return event.action in CLICKS and not event.enquiry_sent


def text_key(text: str) -> str:
    """How searches are grouped by their words: case folded, spaces collapsed."""
    return " ".join(text.casefold().split())


def searches(traffic: Traffic) -> list[Search]:
    """The searches (endpoint "search", page 1), oldest first, each with its clicks and reformulations."""
    found = sorted(
        (query for query in traffic.queries if query.endpoint == "search" and query.page == 1),
        key=lambda query: (query.at, query.query_id),
    )
    clicks: dict[str, list[Event]] = defaultdict(list)
    for event in sorted(traffic.events, key=lambda event: (event.at, event.position)):
        if is_click(event):
            clicks[event.query_id].append(event)
    later = _reformulations(found)
    return [Search(query, tuple(clicks[query.query_id]), later.get(query.query_id, ())) for query in found]


def _reformulations(found: list[Query]) -> dict[str, tuple[str, ...]]:
    """Search id -> the ids of the searches from its client after it by at most the window
    (``found`` oldest first; a search without a client id has none). Linear in the searches
    for a given number of searches per client and minute."""
    by_client: dict[str, list[Query]] = defaultdict(list)
    for query in found:
        if query.client_id is not None:
            by_client[query.client_id].append(query)
    later: dict[str, tuple[str, ...]] = {}
    for queries in by_client.values():
        for n, query in enumerate(queries):
            following = []
            for other in queries[n + 1 :]:
                if other.at - query.at > REFORMULATION_WINDOW:
                    break
                if other.at > query.at:
                    following.append(other.query_id)
            later[query.query_id] = tuple(following)
    return later


def pairs(found: list[Search]) -> list[Pair]:
    """Each search with no results or no click, paired with the earliest later search from the
    same client within the window whose results got a click, when its words differ."""
    by_id = {search.query.query_id: search for search in found}
    paired = []
    for search in found:
        if search.query.total > 0 and search.clicked:
            continue
        after = next((by_id[later] for later in search.later if by_id[later].clicked), None)
        if after is not None and after.key and search.key and after.key != search.key:
            paired.append(Pair(search, after))
    return paired


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, DIGITS) if whole else None


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(len(ordered) * share), 1) - 1]


def _days(start: datetime, end: datetime) -> list[date]:
    first, last = start.date(), (end - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def daily(found: list[Search], start: datetime, end: datetime) -> list[dict[str, Any]]:
    by_day: dict[date, list[Search]] = defaultdict(list)
    for search in found:
        by_day[search.query.at.date()].append(search)
    return [
        {
            "date": day.isoformat(),
            "searches": len(by_day[day]),
            "zero_result_rate": rate(sum(s.query.total == 0 for s in by_day[day]), len(by_day[day])),
        }
        for day in _days(start, end)
    ]


def reciprocal_rank(search: Search) -> float:
    """1 / the position of the earliest click; 0 when nothing was clicked."""
    return 1 / search.clicks[0].position if search.clicks else 0.0


def zero_result_queries(found: list[Search], paired: list[Pair], top: int) -> list[dict[str, Any]]:
    zero = Counter(search.key for search in found if search.query.total == 0)
    into: dict[str, Counter[str]] = defaultdict(Counter)
    for pair in paired:
        if pair.before.query.total == 0:
            into[pair.before.key][pair.after.key] += 1
    ranked = sorted(zero.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [
        {
            "q": key,
            "searches": count,
            "reformulated_into": [{"q": q, "pairs": n} for q, n in sorted(into[key].items(), key=_by_count)],
        }
        for key, count in ranked
    ]


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def reformulations(paired: Iterable[Pair], top: int) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for pair in paired:
        groups[pair.before.key, pair.after.key].append(pair)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))[:top]
    return [
        {
            "from": before,
            "to": after,
            "pairs": len(group),
            "clients": len({pair.before.query.client_id for pair in group}),
            "from_zero_results": sum(pair.before.query.total == 0 for pair in group),
        }
        for (before, after), group in ranked
    ]


def slowest(queries: Iterable[Query], top: int) -> list[dict[str, Any]]:
    ranked = sorted(queries, key=lambda query: (-query.latency_ms, query.at, query.query_id))[:top]
    return [
        {
            "query_id": query.query_id,
            "timestamp": rfc3339_ms(query.at),
            "endpoint": query.endpoint,
            "page": query.page,
            "q": query.text,
            "total": query.total,
            "latency_ms": query.latency_ms,
        }
        for query in ranked
    ]


def figures(traffic: Traffic, start: datetime, end: datetime, top: int = TOP) -> dict[str, Any]:
    """Every figure of the report over ``traffic`` (already limited to ``start <= t < end``)."""
    found = searches(traffic)
    paired = pairs(found)
    n = len(found)
    ids = {search.query.query_id for search in found}
    abandoned = sum(not search.clicked and not search.reformulated for search in found)
    latencies = [search.query.latency_ms for search in found]
    first_clicks = Counter(search.clicks[0].position for search in found if search.clicks)
    sent = {event.query_id for event in traffic.events if event.enquiry_sent}
    return {
        "window": {"start": rfc3339_ms(start), "end": rfc3339_ms(end)},
        "volume": {
            "searches": n,
            "later_pages": sum(q.endpoint == "search" and q.page > 1 for q in traffic.queries),
            "typeahead": sum(q.endpoint == "suggest" for q in traffic.queries),
            "clicks": sum(len(search.clicks) for search in found),
            "suggest_picks": sum(event.action == "suggest_pick" for event in traffic.events),
            "events_not_on_a_search": sum(is_click(e) and e.query_id not in ids for e in traffic.events),
            "enquiries_sent": sum(event.enquiry_sent for event in traffic.events),
            "skipped_records": traffic.skipped,
        },
        "daily": daily(found, start, end),
        "zero_result_rate": rate(sum(search.query.total == 0 for search in found), n),
        "relaxed_rate": rate(sum(bool(search.query.relaxed) for search in found), n),
        "ctr": {
            str(k): rate(sum(any(c.position <= k for c in search.clicks) for search in found), n) for k in CTR_POSITIONS
        },
        "mrr_first_click": round(sum(map(reciprocal_rank, found)) / n, DIGITS) if n else None,
        "first_click_positions": {str(p): first_clicks[p] for p in sorted(first_clicks)},
        "abandonment_rate": rate(abandoned, n),
        "enquiry_rate": rate(len(ids & sent), n),
        "abandoned": abandoned,
        "latency_ms": {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)},
        "top_zero_result_queries": zero_result_queries(found, paired, top),
        "reformulations": reformulations(paired, top),
        "slowest": slowest(traffic.queries, top),
    }
