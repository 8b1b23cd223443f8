"""Typeahead: names, specialties, treatments, conditions, hospitals and places as the patient types.

One request to the same index as search: the specialists whose names start with the
typed words (one typo forgiven from 4 characters), and aggregations that gather the
labels of specialists whose specialties, treatments, conditions or hospitals do. The
labels whose own words the typed words begin are then ranked here in Python, together
with the places (towns and postcode outward codes) of the offline geocoder's table,
which is matched in memory: no second request.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chalicelib import index_schema as schema
from chalicelib.errors import InvalidParameter
from chalicelib.search.parameters import Params, QueryParameter, reject_unknown, text, whole
from chalicelib.search.responses import Suggestion, SuggestionType
from chalicelib.slugs import slugify

if TYPE_CHECKING:
    from chalicelib.search.suggest_places import PlaceIndex

MIN_CHARS = 2
FUZZY_FROM = 4
MAX_SUGGESTIONS = 10
DEFAULT_SUGGESTIONS = 8
MAX_QUERY_CHARS = 100

Q = QueryParameter(
    "q",
    f"What the patient has typed so far; fewer than {MIN_CHARS} characters suggest nothing, "
    f"and from {FUZZY_FROM} one typo is forgiven.",
    max_length=MAX_QUERY_CHARS,
    example="psych",
)
LIMIT = QueryParameter(
    "limit",
    "At most this many suggestions.",
    "integer",
    minimum=1,
    maximum=MAX_SUGGESTIONS,
    default=DEFAULT_SUGGESTIONS,
)
SUGGEST_QUERY = (Q, LIMIT)

# The kinds of suggestion and how strongly each is preferred when scores are close.
_KIND_WEIGHT: dict[SuggestionType, float] = {
    "specialty": 3.0,
    "condition": 2.5,
    "treatment": 2.5,
    "hospital": 2.0,
    "specialist": 2.6,
    # Below the medical kinds, so "card" is Cardiology before Cardiff; above hospitals,
    # whose names often hold the town's: "hendon" offers the town and the hospital.
    "place": 2.4,
}


def parse_suggest_request(params: Params) -> tuple[str, int]:
    reject_unknown(params, SUGGEST_QUERY, "typeahead")
    for name, values in params.items():
        if len(values) > 1:
            raise InvalidParameter(name, f"'{name}' may be given once")
    return text(params, Q), whole(params, LIMIT)


def typed_words(q: str) -> list[str]:
    return [word for word in slugify(q).split("-") if word]


def _prefix_match(field: str, q: str) -> dict[str, Any]:
    """Every typed word begins a word of ``field``; from 4 characters one typo is forgiven."""
    clauses: list[dict[str, Any]] = [{"match": {field: {"query": q, "operator": "and"}}}]
    if len(q) >= FUZZY_FROM:
        clauses.append(
            {"match": {field: {"query": q, "operator": "and", "fuzziness": 1, "prefix_length": 1, "boost": 0.5}}}
        )
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


# kind -> (typeahead field, label field)
_LABEL_FIELDS: dict[SuggestionType, tuple[str, str]] = {
    "specialty": (schema.SPECIALTIES_PREFIX, schema.SPECIALTY_LABELS),
    "treatment": (schema.TREATMENTS_PREFIX, schema.TREATMENT_LABELS),
    "condition": (schema.CONDITIONS_PREFIX, schema.CONDITION_LABELS),
}
LABEL_CANDIDATES = 50


def build_suggest_body(q: str) -> dict[str, Any]:
    """Specialists whose names match, and, over the whole index (``global``), the labels of
    the specialists whose specialties, treatments, conditions or hospitals match."""
    labels: dict[str, Any] = {
        kind: {
            "filter": _prefix_match(typeahead, q),
            "aggs": {"labels": {"terms": {"field": label, "size": LABEL_CANDIDATES}}},
        }
        for kind, (typeahead, label) in _LABEL_FIELDS.items()
    }
    labels["hospital"] = {
        "filter": _prefix_match(schema.HOSPITAL_NAMES_PREFIX, q),
        "aggs": {
            "hospitals": {
                "nested": {"path": schema.HOSPITALS},
                "aggs": {
                    "labels": {
                        "terms": {"field": schema.HOSPITAL_ID, "size": LABEL_CANDIDATES},
                        "aggs": {
                            "name": {"terms": {"field": schema.HOSPITAL_NAME, "size": 1}},
                            "specialists": {"reverse_nested": {}},
                        },
                    }
                },
            }
        },
    }
    return {
        "query": _prefix_match(schema.NAME_PREFIX, q),
        "size": MAX_SUGGESTIONS,
        "sort": ["_score", {schema.SORT_NAME: "asc"}, {schema.ID: "asc"}],
        "_source": [schema.ID, schema.NAME, schema.FIRST_NAME, schema.LAST_NAME],
        "aggs": {"labels": {"global": {}, "aggs": labels}},
    }


def _label_counts(aggregations: dict[str, Any]) -> Iterator[tuple[SuggestionType, str, str, int]]:
    """(kind, label, value, specialists) for every candidate label."""
    labels = aggregations["labels"]
    for kind in _LABEL_FIELDS:
        for bucket in labels[kind]["labels"]["buckets"]:
            yield kind, bucket["key"], slugify(bucket["key"]), bucket["doc_count"]
    for bucket in labels["hospital"]["hospitals"]["labels"]["buckets"]:
        names = bucket["name"]["buckets"]
        name = names[0]["key"] if names else bucket["key"]
        yield "hospital", name, bucket["key"], bucket["specialists"]["doc_count"]


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def typo_prefix(word: str, typed: str) -> bool:
    """Whether ``typed`` begins ``word`` but for one typo (a letter changed, added or lost)."""
    if len(typed) < FUZZY_FROM:
        return False
    return any(_within_one_edit(word[:length], typed) for length in (len(typed) - 1, len(typed), len(typed) + 1))


def _match_quality(label: str, typed: list[str]) -> float:
    """2 if the label starts with the typed words, 1 if each typed word begins a word of the
    label, 0.5 if so with one typo (words of 4+ characters), 0 otherwise."""
    words = typed_words(label)
    if not words:
        return 0.0
    if " ".join(words).startswith(" ".join(typed)):
        return 2.0
    if all(any(word.startswith(t) for word in words) for t in typed):
        return 1.0
    fuzzy = all(any(word.startswith(t) or typo_prefix(word, t) for word in words) for t in typed)
    return 0.5 if fuzzy else 0.0


def to_suggestions(raw: dict[str, Any], q: str, limit: int, places: PlaceIndex | None = None) -> list[Suggestion]:
    """The index's answer and the places ``q`` may mean (from the offline table unless
    ``places`` is given), blended by score, best first."""
    from chalicelib.search.suggest_places import gazetteer, place_suggestion  # the table on first use

    typed = typed_words(q)
    if not typed:
        return []
    scored: list[tuple[float, Suggestion]] = []
    for rank, hit in enumerate(raw["hits"]["hits"]):
        specialist = schema.from_document(hit["_source"])
        quality = max(
            _match_quality(specialist.name, typed),
            _match_quality(f"{specialist.first_name} {specialist.last_name}", typed),
            _match_quality(specialist.last_name, typed),
        )
        if quality:
            score = _KIND_WEIGHT["specialist"] + quality - 0.05 * rank
            scored.append((score, {"type": "specialist", "label": specialist.name, "value": specialist.id}))
    for kind, label, value, count in _label_counts(raw["aggregations"]):
        quality = _match_quality(label, typed)
        if quality:
            score = _KIND_WEIGHT[kind] + quality + 0.1 * math.log1p(count)
            suggestion: Suggestion = {"type": kind, "label": label, "value": value}
            if kind == "treatment":  # a treatment of the catalog: it has a page
                suggestion["page_link"] = {"type": "treatment", "slug": value, "label": label}
            scored.append((score, suggestion))
    for rank, (quality, place) in enumerate((gazetteer() if places is None else places).match(q, limit)):
        scored.append((_KIND_WEIGHT["place"] + quality - 0.01 * rank, place_suggestion(place)))
    scored.sort(key=lambda item: (-item[0], item[1]["label"]))
    return [suggestion for _, suggestion in scored[:limit]]
