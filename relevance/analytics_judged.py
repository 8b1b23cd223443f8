"""A month's top queries as a judged-set skeleton in the format of ``natural.json``.

Grades come from clicks and say so (``"source": "clicks"`` on the query and on each rule):
a human reviews them before the set is used. For each query (grouped by its words), each
clicked specialist gets a rule ``{"where": {"id": ...}}`` graded:

* 3: booked or enquired from one of its searches, or clicked on the most searches of that query;
* 2: clicked on two searches or more;
* 1: clicked once.

So every exported query has a grade 3, as :func:`relevance.natural.judge_natural` demands.
The query's ``params`` (``near``, ``radius_miles``) are the commonest among its clicked
searches (ties: the earliest; a masked ``near`` is left out); the first clicked search's other
filters, which ``natural.json`` cannot replay, are shown as ``other_filters``. A query nobody
clicked cannot be graded from clicks: it is listed under ``queries_without_clicks`` for the
reviewer, outside ``queries``. Queries without words, or with masked personal data
("[email]", "[name]", ...), are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from relevance.analytics_figures import Search

TOP_QUERIES = 50
ACTED = frozenset({"book", "enquire"})
PARAMS = ("near", "radius_miles")
# The interpreted parts' kinds that are natural.json kinds (a hospital is a place).
PART_KIND = {
    "place": "place", "hospital": "place", "insurer": "insurer", "language": "language", "gender": "gender",
    "children": "children", "booking": "booking",
}  # fmt: skip


def kind_of(search: Search) -> str:
    """natural.json's kind, guessed from what was understood: one constraint kind, "compound"
    for two or more, "generic" for none. The reviewer corrects it."""
    kinds = {PART_KIND[kind] for kind in search.query.part_kinds if kind in PART_KIND}
    if len(kinds) > 1:
        return "compound"
    return kinds.pop() if kinds else "generic"


def params_of(search: Search) -> dict[str, str]:
    """The filters natural.json can replay (near, radius_miles), as strings."""
    params = {}
    for name in PARAMS:
        value = search.query.filters.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None and "[" not in str(value):  # a masked place cannot be replayed
            params[name] = str(value)
    return params


def grades(group: list[Search]) -> list[dict[str, Any]]:
    clicked: Counter[str] = Counter()
    best: dict[str, int] = {}
    actions: dict[str, set[str]] = defaultdict(set)
    for search in group:
        for specialist in {click.object_id for click in search.clicks}:
            clicked[specialist] += 1
        for click in search.clicks:
            best[click.object_id] = min(best.get(click.object_id, click.position), click.position)
            actions[click.object_id].add(click.action)
    most = max(clicked.values())
    rules = []
    for specialist, count in sorted(clicked.items(), key=lambda item: (-item[1], best[item[0]], item[0])):
        grade = 3 if actions[specialist] & ACTED or count == most else 2 if count >= 2 else 1
        evidence = {
            "clicked_searches": count,
            "best_position": best[specialist],
            "actions": sorted(actions[specialist]),
        }
        rules.append({"grade": grade, "where": {"id": specialist}, "source": "clicks", **evidence})
    return rules


def skeleton(found: list[Search], month: str, top: int = TOP_QUERIES) -> dict[str, Any]:
    groups: dict[str, list[Search]] = defaultdict(list)
    for search in found:
        if search.key and "[" not in search.key:
            groups[search.key].append(search)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))[:top]
    queries, unclicked = [], []
    for q, group in ranked:
        if not any(search.clicked for search in group):
            unclicked.append({"q": q, "searches": len(group)})
            continue
        clicked = [search for search in group if search.clicked]
        params = Counter(tuple(sorted(params_of(search).items())) for search in clicked).most_common(1)[0][0]
        query: dict[str, Any] = {"q": q, "kind": kind_of(group[0]), "source": "clicks", "searches": len(group)}
        if params:
            query["params"] = dict(params)
        if other := {name: value for name, value in clicked[0].query.filters.items() if name not in PARAMS}:
            query["other_filters"] = other  # not replayed by natural.json: for the reviewer
        queries.append({**query, "grades": grades(group)})
    return {
        "about": [
            f"Skeleton of a judged set from real traffic: the top {top} queries of {month} (UTC) by searches,"
            " exported by python -m relevance.analytics; format of relevance/natural.json.",
            "Grades come from clicks (source: clicks), not from a human: 3 = booked or enquired, or clicked on"
            " the most searches of the query; 2 = clicked on two searches or more; 1 = clicked once.",
            "Review before use: check each kind (guessed from what the search understood), replace id rules by"
            " rules over the catalog's facts where they say more, add what nobody clicked but fits.",
        ],
        "month": month,
        "queries": queries,
        "queries_without_clicks": unclicked,
    }
