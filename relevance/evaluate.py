"""Relevance of the specialist search, measured against a naive baseline in the same run.

``judgments.json`` grades the demo catalog (2,000 specialists, seed 1) by rules rather
than by ids, because the catalog is generated; its ``about`` lists the rule keys.
:func:`judge` expands the rules over the catalog and raises on a label, hospital or id
that is not in it: a typo in a rule would otherwise quietly judge nobody. Besides the keys
``judgments.json`` uses, a rule may name a ``language`` or ``insurer`` (catalog labels,
case aside, like ``specialty``) and ``bookable_online``; ``natural.json``
(:mod:`relevance.natural`) uses them.

Every query runs twice: through the real :class:`SearchService`, and through the search a
first attempt would ship: one best-fields ``multi_match`` over every text field, each
field analysed as it was indexed (so no synonyms), no fuzziness, default boosts, the
same location filter. Then, over the first ``K`` results:

* nDCG@10: gain ``2**grade - 1``, discount ``log2(rank + 1)``, the ideal ranking made from
  every judged specialist, not only those the engine found;
* MRR: the reciprocal rank of the first result graded 2 or more (0 when none is in the top K);
* zero-result rate: the share of queries that found nobody at all.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib import index_schema as schema
from chalicelib.geo import METRES_PER_MILE, GeoPoint, distance_miles
from chalicelib.search.request import parse_search_request
from chalicelib.slugs import slugify

if TYPE_CHECKING:
    from chalicelib.catalog import Specialist
    from chalicelib.search.ports import SearchIndex
    from chalicelib.search.service import SearchService

JUDGMENTS = Path(__file__).resolve().parent / "judgments.json"
DEMO_COUNT = 2000
DEMO_SEED = 1
# Thousands of queries on a busy machine: not a patient waiting.
MEASURE_TIMEOUT_S = 30.0
K = 10
CATEGORIES = (
    "name", "partial_name", "misspelling", "lay_term", "specialty", "treatment", "condition", "place", "combination",
)  # fmt: skip
PARALLEL_QUERIES = 4
PARAMS = frozenset({"near", "radius_miles"})
# The targets. Misspellings and lay terms are where a patient most often meets an
# empty page: words the catalog does not use, or spells differently.
TARGET_NDCG = 0.95
TARGET_GAIN_OVER_BASELINE = 0.15
TARGET_ZERO_RESULT_RATE = 0.03
ZERO_RESULT_CATEGORIES = ("misspelling", "lay_term")

Locate = Callable[[str], GeoPoint | None]
Facts = dict[str, set[str]]  # rule key -> the specialist's values for it
# Catalog labels: a rule names them as the catalog writes them, case aside.
LABEL_KEYS = frozenset({"specialty", "treatment", "condition", "language", "insurer"})


@dataclass(frozen=True)
class Judged:
    q: str
    category: str
    params: dict[str, str]
    origin: GeoPoint | None  # where params["near"] is
    grades: dict[str, int]  # specialist id -> grade, for the judged (grade > 0) only


@dataclass(frozen=True)
class Ranking:
    ids: list[str]
    total: int


# --- Judgments ------------------------------------------------------------------------------
def judge(catalog: list[Specialist], locate: Locate, path: Path = JUDGMENTS) -> list[Judged]:
    """The judged queries, their rules expanded into graded specialist ids."""
    rules = Rules(catalog, locate)
    judged: list[Judged] = []
    for query in json.loads(path.read_text(encoding="utf-8"))["queries"]:
        q, category, params = query["q"], query["category"], dict(query.get("params", {}))
        if category not in CATEGORIES or not set(params) <= PARAMS:
            raise ValueError(f"query {q!r}: unknown category or parameter")
        origin = rules.origin(params["near"]) if "near" in params else None
        judged.append(Judged(q, category, params, origin, rules.grades(q, query["grades"], origin)))
    return judged


class Rules:
    """The catalog's facts, against which a query's grading rules are expanded.

    Only the specialists the search may list are judged: one whose registration is not
    ``registered`` is never listed, so no ranking could hold them and no rule counts them.
    """

    def __init__(self, catalog: list[Specialist], locate: Locate) -> None:
        self._catalog = catalog
        self._locate = locate
        self._facts = [(specialist, _facts(specialist)) for specialist in catalog if specialist.is_registered]
        self._known: Facts = {key: set().union(*(fact[key] for _, fact in self._facts)) for key in self._facts[0][1]}

    def origin(self, place: str) -> GeoPoint:
        return origin_of(place, self._catalog, self._locate)

    def grades(self, q: str, rules: Iterable[Mapping[str, Any]], origin: GeoPoint | None) -> dict[str, int]:
        """Specialist id -> the highest grade among the rules it satisfies; raises when nobody is judged."""
        grades: dict[str, int] = {}
        for rule in rules:
            _check(q, rule["where"], self._known, origin)
            for specialist, fact in self._facts:
                if _holds(specialist, fact, rule["where"], origin):
                    grades[specialist.id] = max(grades.get(specialist.id, 0), int(rule["grade"]))
        if not grades:
            raise ValueError(f"query {q!r}: its rules judge no specialist relevant")
        return grades


def origin_of(near: str, catalog: Iterable[Specialist], locate: Locate) -> GeoPoint:
    """Where ``near`` is, read as the service reads it: a hospital id first, then a place."""
    for specialist in catalog:
        for hospital in specialist.hospitals:
            if hospital.id == near.lower():
                return GeoPoint(hospital.lat, hospital.lon)
    point = locate(near)
    if point is None:
        raise ValueError(f"near={near!r} is not a place the geocoder knows")
    return point


def _facts(specialist: Specialist) -> Facts:
    return {
        "id": {specialist.id},
        "last_name": {slugify(specialist.last_name)},
        "specialty": set(specialist.specialties),
        "treatment": set(specialist.treatments),
        "condition": set(specialist.conditions),
        "hospital": {hospital.id for hospital in specialist.hospitals},
        "gender": {specialist.gender or ""},
        "sees_children": {_text(specialist.sees_children)},
        "bookable_online": {_text(specialist.bookable_online)},
        "language": set(specialist.languages),
        "insurer": set(specialist.insurers),
    }


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _wanted(key: str, value: Any) -> set[str]:
    """A rule's value as the set of facts any of which satisfies it."""
    values = value if isinstance(value, list) else [value]
    if key == "last_name":
        return {slugify(v) for v in values}
    return {_text(v).casefold() for v in values} if key in LABEL_KEYS else {_text(v) for v in values}


def _have(key: str, facts: Facts) -> set[str]:
    return {fact.casefold() for fact in facts[key]} if key in LABEL_KEYS else facts[key]


def _holds(specialist: Specialist, facts: Facts, where: Mapping[str, Any], origin: GeoPoint | None) -> bool:
    for key, value in where.items():
        if key == "within_miles":
            points = (GeoPoint(hospital.lat, hospital.lon) for hospital in specialist.hospitals)
            if origin is None or not any(distance_miles(origin, point) <= value for point in points):
                return False
        elif not _have(key, facts) & _wanted(key, value):
            return False
    return True


def _check(q: str, where: Mapping[str, Any], known: Facts, origin: GeoPoint | None) -> None:
    for key, value in where.items():
        if key == "within_miles":
            if origin is None:
                raise ValueError(f"query {q!r}: within_miles needs a place ('near' or the query's 'place')")
        elif key not in known:
            raise ValueError(f"query {q!r}: unknown rule key {key!r}")
        elif unknown := _wanted(key, value) - _have(key, known):
            raise ValueError(f"query {q!r}: no specialist has {key} {sorted(unknown)}")


# --- Running the queries ----------------------------------------------------------------------
def _request_params(query: Judged) -> dict[str, list[str]]:
    return {"q": [query.q], **{name: [value] for name, value in query.params.items()}}


def run_ours(service: SearchService, query: Judged) -> Ranking:
    response = service.search(parse_search_request(_request_params(query)))
    return Ranking([card["id"] for card in response["results"]], response["total"])


def baseline_body(query: Judged) -> dict[str, Any]:
    """The naive search, as one best-fields multi_match over the text fields would run it.

    A ``multi_match`` takes one analyzer for all its fields, and the index-time analyzer of
    the free-text fields stems names ("Nandy" to "nandi") that the name field never stemmed.
    So the name is matched with its own analyzer, under the ``dis_max`` a best-fields
    ``multi_match`` builds: the baseline is not crippled on names by an artefact.
    """
    request = parse_search_request(_request_params(query))
    free_text = {
        "multi_match": {"query": request.q, "fields": list(schema.FREE_TEXT_FIELDS), "analyzer": schema.TEXT_ANALYZER}
    }
    text = {"dis_max": {"queries": [free_text, {"match": {schema.NAME: request.q}}]}}
    filters: list[dict[str, Any]] = []
    if query.origin is not None:
        distance = f"{request.radius_miles * METRES_PER_MILE:.0f}m"
        filters.append({"geo_distance": {"distance": distance, schema.LOCATIONS: query.origin.as_dict()}})
    must = [text] if request.q else [{"match_all": {}}]
    return {"query": {"bool": {"must": must, "filter": filters}}, "size": K, "track_total_hits": True, "_source": False}


def run_baseline(index: SearchIndex, query: Judged) -> Ranking:
    hits = index.search(baseline_body(query))["hits"]
    return Ranking([hit["_id"] for hit in hits["hits"]], hits["total"]["value"])


# --- Figures ----------------------------------------------------------------------------------
def _dcg(grades: Iterable[int]) -> float:
    return sum((2.0**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1))


def ndcg(ranking: Ranking, grades: Mapping[str, int]) -> float:
    ideal = _dcg(sorted(grades.values(), reverse=True)[:K])
    return _dcg(grades.get(specialist_id, 0) for specialist_id in ranking.ids[:K]) / ideal


def reciprocal_rank(ranking: Ranking, grades: Mapping[str, int]) -> float:
    for rank, specialist_id in enumerate(ranking.ids[:K], start=1):
        if grades.get(specialist_id, 0) >= 2:
            return 1 / rank
    return 0.0


def _scores(ranking: Ranking, grades: Mapping[str, int]) -> dict[str, Any]:
    return {
        "ndcg@10": round(ndcg(ranking, grades), 4),
        "rr": round(reciprocal_rank(ranking, grades), 4),
        "total": ranking.total,
        "top3": ranking.ids[:3],
    }


def zero_result_rate(totals: Iterable[int]) -> float:
    """The share of queries that found nobody at all."""
    counted = list(totals)
    return sum(total == 0 for total in counted) / len(counted)


def means(rows: list[dict[str, Any]], side: str) -> dict[str, float]:
    """One search's figures over ``rows`` (each row holds that search's :func:`_scores` under ``side``)."""
    return {
        "ndcg@10": round(sum(row[side]["ndcg@10"] for row in rows) / len(rows), 4),
        "mrr": round(sum(row[side]["rr"] for row in rows) / len(rows), 4),
        "zero_result_rate": round(zero_result_rate(row[side]["total"] for row in rows), 4),
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"queries": len(rows), "ours": means(rows, "ours"), "baseline": means(rows, "baseline")}


def evaluate(index: SearchIndex, service: SearchService, catalog: list[Specialist], locate: Locate) -> dict[str, Any]:
    """Every judged query through both searches: figures overall, per category and per query."""

    def row(query: Judged) -> dict[str, Any]:
        return {
            "q": query.q,
            "category": query.category,
            "params": query.params,
            "ours": _scores(run_ours(service, query), query.grades),
            "baseline": _scores(run_baseline(index, query), query.grades),
        }

    # A few queries in flight at once: the node has the cores, and the test stays quick.
    with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES) as pool:
        rows = list(pool.map(row, judge(catalog, locate)))
    return {
        "overall": _summary(rows),
        "categories": {name: _summary([row for row in rows if row["category"] == name]) for name in CATEGORIES},
        "misspelling_and_lay_term": _summary([row for row in rows if row["category"] in ZERO_RESULT_CATEGORIES]),
        "queries": rows,
    }


def missed_targets(report: Mapping[str, Any]) -> list[str]:
    """The targets the figures miss, one sentence each; empty when all are met."""
    ours, baseline = report["overall"]["ours"]["ndcg@10"], report["overall"]["baseline"]["ndcg@10"]
    zero = report["misspelling_and_lay_term"]["ours"]["zero_result_rate"]
    missed = []
    if ours < TARGET_NDCG:
        missed.append(f"nDCG@10 {ours:.3f} is below {TARGET_NDCG}")
    if ours < baseline + TARGET_GAIN_OVER_BASELINE:
        missed.append(
            f"nDCG@10 {ours:.3f} is less than {TARGET_GAIN_OVER_BASELINE} above the baseline's {baseline:.3f}"
        )
    if zero > TARGET_ZERO_RESULT_RATE:
        missed.append(
            f"zero-result rate on misspellings and lay terms {zero:.1%} is above {TARGET_ZERO_RESULT_RATE:.0%}"
        )
    return missed


def measure(opensearch_url: str, alias: str) -> dict[str, Any]:
    """The report for the demo catalog, indexed behind ``alias``."""
    from chalicelib.bootstrap import Clients, bootstrap
    from chalicelib.config import load_search_settings
    from indexer.demo import generate

    settings = load_search_settings({"STAGE": "local", "OPENSEARCH_URL": opensearch_url, "SEARCH_ALIAS": alias})
    services = bootstrap(settings, Clients(settings, search_timeout_s=MEASURE_TIMEOUT_S))
    catalog = list(generate(DEMO_COUNT, DEMO_SEED))
    return evaluate(services.search_index, services.search, catalog, services.geocoder.locate)
