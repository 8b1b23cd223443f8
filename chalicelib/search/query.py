"""The OpenSearch request for a :class:`SearchRequest`: a pure function, no I/O.

* The patient's words go only into ``match``/``multi_match`` queries, which analyse text
  and never parse syntax, so nothing they type can make the query fail.
* Boosts: a name beats a specialty, a specialty beats a treatment or condition, and those
  beat a word in the title, a hospital or the bio. A fuzzy clause, analysed without
  synonyms, catches misspellings of words that are not synonyms.
* Facets are disjunctive: the selected facet values filter the hits through
  ``post_filter``, and each facet's counts apply every selection but its own, so ticking
  "Psychiatry" still shows how many "Psychology" specialists there are.
* Ties sort by name, then id, so paging neither repeats nor skips.
* Availability (the ``available_within_days`` filter and facet, the ``soonest`` sort) is
  about fresh slots only, as of ``now``, which the caller gives: this module reads no clock
  (:mod:`chalicelib.search.availability` holds the rule). ``max_fee`` is a plain filter: a
  specialist without a fee is no answer to "at most £200", and no facet counts them.

It also holds the lookups an enquiry's routing makes (:func:`hospital_team_body`,
:func:`slug_label_body`), so that every body sent to the specialists is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from chalicelib import index_schema as schema
from chalicelib.geo import METRES_PER_MILE, GeoPoint
from chalicelib.search.availability import WITHIN_DAYS, Slots, Within
from chalicelib.search.request import SearchRequest

# facet name -> (filter field, label field, request attribute)
FACETS: dict[str, tuple[str, str, str]] = {
    "specialty": (schema.SPECIALTY_SLUGS, schema.SPECIALTY_LABELS, "specialties"),
    "treatment": (schema.TREATMENT_SLUGS, schema.TREATMENT_LABELS, "treatments"),
    "hospital": (schema.HOSPITAL_IDS, schema.HOSPITAL_ID, "hospitals"),
    "gender": (schema.GENDER, schema.GENDER, "genders"),
    "language": (schema.LANGUAGE_SLUGS, schema.LANGUAGES, "languages"),
    "insurer": (schema.INSURER_SLUGS, schema.INSURERS, "insurers"),
    "bookable_online": (schema.BOOKABLE_ONLINE, schema.BOOKABLE_ONLINE, "bookable_online"),
    "sees_children": (schema.SEES_CHILDREN, schema.SEES_CHILDREN, "sees_children"),
    "consultation_type": (schema.CONSULTATION_TYPES, schema.CONSULTATION_TYPES, "consultation_types"),
}
# Counted by a filters aggregation, one bucket per WITHIN_DAYS, not by terms.
AVAILABILITY_FACET = "available_within_days"
FACET_NAMES = (*FACETS, AVAILABILITY_FACET)
FACET_SIZE = 30
HOSPITAL_FACET_SIZE = 60

# Field boosts for the free-text match (they share one analyzer, so cross_fields blends them).
_TEXT_FIELDS = (
    f"{schema.SPECIALTIES}^4",
    f"{schema.TREATMENTS}^3",
    f"{schema.CONDITIONS}^3",
    f"{schema.TITLE}^2",
    f"{schema.HOSPITAL_NAMES}^1.5",
    f"{schema.QUALIFICATIONS}^0.5",
    f"{schema.BIO}^0.3",
)
# Queries of up to this many words are also tried as name words plus text words.
MAX_SPLIT_WORDS = 4
# Fuzzy clauses cost a term expansion per word and field: past this many distinct words
# (no patient types that many) only the exact clauses run, so a 200-character query
# cannot keep the cluster busy for a second.
MAX_FUZZY_WORDS = 8
WordsNeeded = Literal["all", "most", "any"]


def _nothing(_word: str) -> bool:
    """No word is known to be spelled right: every word may be a misspelling."""
    return False


# "Most words": up to four words, all but one; past four, three in four.
MOST_WORDS = "1<-1 4<75%"
_FUZZY_FIELDS = (
    f"{schema.SPECIALTIES}^2",
    f"{schema.TREATMENTS}^1.5",
    f"{schema.CONDITIONS}^1.5",
    schema.TITLE,
    schema.HOSPITAL_NAMES,
)


def text_query(q: str, *, need: WordsNeeded = "all", spelled: Callable[[str], bool] = _nothing) -> dict[str, Any]:
    """How well a specialist matches the patient's words. Every word must match, or, as
    relaxation steps when that found nobody, "most" (all but one; three in four past four
    words) or "any" one of them, the rarer words scoring higher. Misspellings are forgiven
    only in the words ``spelled`` does not know (words the catalog does not use): a typed
    "cardiologist" is never taken for "radiologist", two edits away."""
    fuzzy_ok = not all(spelled(word) for word in q.split())
    clauses = [*_name_clauses(q, fuzzy_ok), *_about_clauses(q, need, spelled if fuzzy_ok else None)]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def _name_clauses(q: str, fuzzy_ok: bool = True) -> list[dict[str, Any]]:
    exact = {"match": {schema.NAME: {"query": q, "operator": "and", "boost": 12}}}
    fuzzy = _fuzzy_text(q) if fuzzy_ok else None
    if fuzzy is None:
        return [exact]
    return [
        exact,
        {
            "match": {
                schema.NAME: {"query": fuzzy, "fuzziness": "AUTO", "prefix_length": 1, "operator": "and", "boost": 4}
            }
        },
    ]


def _fuzzy_text(q: str) -> str | None:
    """The words a fuzzy clause expands: each once, and none when there are too many."""
    words = list(dict.fromkeys(q.split()))
    return " ".join(words) if len(words) <= MAX_FUZZY_WORDS else None


def _about_clauses(
    q: str, need: WordsNeeded = "all", spelled: Callable[[str], bool] | None = _nothing
) -> list[dict[str, Any]]:
    fuzzy = _fuzzy_text(q) if spelled is not None else None
    if fuzzy is None or spelled is None:
        return [_all_text(q, boost=3, need=need), *_name_and_text(q)]
    # Misspellings: edit distance by word length for each word the catalog does not use,
    # no synonyms (a fuzzy expansion of a synonym would match far too much), filler
    # words dropped. The first letter may be wrong too ("soriasis"): these fields'
    # vocabularies are small.
    words = [_fuzzy_word(word, fuzzy=not spelled(word)) for word in fuzzy.split()]
    together = {"must": words} if need == "all" else {"should": words, "minimum_should_match": _needed(need)}
    return [_all_text(q, boost=3, need=need), {"bool": {**together, "boost": 1}}, *_name_and_text(q)]


def _fuzzy_word(word: str, *, fuzzy: bool) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": word,
            "type": "best_fields",
            "fields": list(_FUZZY_FIELDS),
            "analyzer": schema.FUZZY_ANALYZER,
            "fuzziness": "AUTO" if fuzzy else 0,
            "prefix_length": 0,
            "max_expansions": 20,
            # A word the analyzer drops ("not", "the") neither helps nor blocks a match.
            "zero_terms_query": "all",
        }
    }


def _all_text(q: str, boost: float, need: WordsNeeded = "all") -> dict[str, Any]:
    fields = list(_TEXT_FIELDS)
    return {
        "multi_match": {
            "query": q,
            "type": "cross_fields",
            "fields": fields,
            **_words_needed(need),
            "boost": boost,
        }
    }


def _words_needed(need: WordsNeeded) -> dict[str, str]:
    if need == "all":
        return {"operator": "and"}
    return {"operator": "or", "minimum_should_match": _needed(need)}


def _needed(need: WordsNeeded) -> str:
    return MOST_WORDS if need == "most" else "1"


def _name_and_text(q: str) -> list[dict[str, Any]]:
    """ "nandy psychiatrist": some words name the specialist, the others say what they do.
    The name field has an analyzer of its own, so cross_fields cannot blend it with the
    text fields: each split of a short query into name words and text words is a clause."""
    words = q.split()
    if not 2 <= len(words) <= MAX_SPLIT_WORDS:
        return []
    clauses: list[dict[str, Any]] = []
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        for name, text in ((head, tail), (tail, head)):
            clauses.append(
                {
                    "bool": {
                        "must": [
                            {"match": {schema.NAME: {"query": name, "operator": "and"}}},
                            _all_text(text, boost=1),
                        ],
                        "boost": 1,
                    }
                }
            )
    return clauses


def _facet_filter(facet: str, request: SearchRequest) -> dict[str, Any] | None:
    field, _, attribute = FACETS[facet]
    selected = getattr(request, attribute)
    if selected is None or selected == ():
        return None
    if isinstance(selected, bool):
        return {"term": {field: selected}}
    return {"terms": {field: list(selected)}}


def _facet_aggregation(facet: str) -> dict[str, Any]:
    _, labels, _ = FACETS[facet]
    if facet == "hospital":
        # Nested: count specialists (reverse_nested), and carry each hospital's name.
        return {
            "nested": {"path": schema.HOSPITALS},
            "aggs": {
                "values": {
                    "terms": {"field": labels, "size": HOSPITAL_FACET_SIZE},
                    "aggs": {
                        "name": {"terms": {"field": schema.HOSPITAL_NAME, "size": 1}},
                        "specialists": {"reverse_nested": {}},
                    },
                }
            },
        }
    return {"terms": {"field": labels, "size": FACET_SIZE}}


def _availability_aggregation(slots: Slots, within: Within | None) -> dict[str, Any]:
    """Specialists with a fresh slot within each of WITHIN_DAYS days: cumulative buckets, in order."""
    return {"filters": {"filters": [slots.available_within(days, within) for days in WITHIN_DAYS]}}


def within_of(request: SearchRequest, origin: GeoPoint | None, *, within_radius: bool = True) -> Within | None:
    """The hospitals whose slots count: with a place, those within the radius searched
    (not when the ladder shows the nearest wherever they are)."""
    return Within(origin, request.radius_miles) if origin is not None and within_radius else None


def build_search_body(
    request: SearchRequest,
    origin: GeoPoint | None,
    *,
    slots: Slots,
    need: WordsNeeded = "all",
    within_radius: bool = True,
    boost_words: str = "",
    spelled: Callable[[str], bool] = _nothing,
) -> dict[str, Any]:
    """The request for one step of the search: ``need`` and ``within_radius=False``
    are the relaxation ladder's loosened forms (:mod:`chalicelib.search.relaxation`);
    ``boost_words`` (the words understood as who the patient is, "children's") rank as
    text without being required; ``slots`` is the freshness rule as of the search's ``now``."""
    must: list[dict[str, Any]] = [text_query(request.q, need=need, spelled=spelled)] if request.q else []
    should: list[dict[str, Any]] = [_all_text(boost_words, boost=1)] if boost_words else []
    filters: list[dict[str, Any]] = []
    within = within_of(request, origin, within_radius=within_radius)
    if request.conditions:
        filters.append({"terms": {schema.CONDITION_SLUGS: list(request.conditions)}})
    if request.max_fee is not None:
        filters.append({"range": {schema.FEE_FROM: {"lte": request.max_fee}}})
    if origin is not None and within_radius:
        filters.append(
            {
                "geo_distance": {
                    "distance": f"{request.radius_miles * METRES_PER_MILE:.0f}m",
                    schema.LOCATIONS: origin.as_dict(),
                }
            }
        )
    query: dict[str, Any] = {"bool": {"must": must or [{"match_all": {}}], "should": should, "filter": filters}}
    if origin is not None and request.q:
        query = _nearer_first(query, origin, request.radius_miles)
    facet_filters = {facet: _facet_filter(facet, request) for facet in FACETS}
    days = request.available_within_days
    facet_filters[AVAILABILITY_FACET] = None if days is None else slots.available_within(days, within)
    selected = [clause for clause in facet_filters.values() if clause is not None]
    aggregations: dict[str, Any] = {}
    for facet in FACET_NAMES:
        others = [clause for name, clause in facet_filters.items() if clause is not None and name != facet]
        values = _facet_aggregation(facet) if facet in FACETS else _availability_aggregation(slots, within)
        aggregations[facet] = {"filter": {"bool": {"filter": others}}, "aggs": {"values": values}}
    body: dict[str, Any] = {
        "query": query,
        "aggs": aggregations,
        "sort": _sort(request, origin, slots, within, nearest_first=not within_radius),
        "from": request.offset,
        "size": request.page_size,
        "track_total_hits": True,
        "_source": {"excludes": [schema.BIO, schema.LOCATIONS, *schema.HOSPITAL_STORED_ONLY]},
        "highlight": {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "number_of_fragments": 1,
            "fragment_size": 120,
            "fields": {
                field: {}
                for field in (
                    schema.NAME,
                    schema.SPECIALTIES,
                    schema.TREATMENTS,
                    schema.CONDITIONS,
                    schema.TITLE,
                    schema.BIO,
                )
            },
        },
    }
    if selected:
        body["post_filter"] = {"bool": {"filter": selected}}
    return body


def _nearer_first(query: dict[str, Any], origin: GeoPoint, radius_miles: float) -> dict[str, Any]:
    """Distance decays the score (from the specialist's nearest hospital): among equally
    good matches the nearest comes first; one at the radius keeps half its score."""
    decay = {
        "gauss": {
            schema.LOCATIONS: {
                "origin": origin.as_dict(),
                "scale": f"{radius_miles:g}mi",
                "offset": "1mi",
                "decay": 0.5,
            },
            "multi_value_mode": "min",
        }
    }
    return {"function_score": {"query": query, "functions": [decay], "boost_mode": "multiply"}}


def _sort(
    request: SearchRequest,
    origin: GeoPoint | None,
    slots: Slots,
    within: Within | None,
    *,
    nearest_first: bool = False,
) -> list[Any]:
    ties: list[Any] = [{schema.SORT_NAME: "asc"}, {schema.ID: "asc"}]
    if request.sort == "name":
        return ties
    # Soonest and fee first, those with none known last; then as by relevance.
    first: list[Any] = []
    if request.sort == "soonest":
        first = [slots.soonest_first(within)]
    elif request.sort == "fee":
        first = [{schema.FEE_FROM: {"order": "asc", "missing": "_last"}}]
    # With a place and no words to rank by, relevance means nearness; so it does when
    # nobody was within reach and the nearest are shown instead.
    if origin is not None and (request.sort == "distance" or not request.q or nearest_first):
        nearest = {"_geo_distance": {schema.LOCATIONS: origin.as_dict(), "order": "asc", "unit": "mi", "mode": "min"}}
        return [*first, nearest, "_score", *ties]
    return [*first, "_score", *ties]


# --- Enquiry routing's lookups ------------------------------------------------------------
SlugKind = Literal["treatment", "specialty"]
# The field a kind's slugs are filtered on, and the field its labels are read from.
_SLUG_LABELS: dict[SlugKind, tuple[str, str]] = {
    "treatment": (schema.TREATMENT_SLUGS, schema.TREATMENTS),
    "specialty": (schema.SPECIALTY_SLUGS, schema.SPECIALTIES),
}


def hospital_team_body(hospital_id: str) -> dict[str, Any]:
    """One specialist who works at the hospital, their hospitals only: among them this one,
    with its team's address (the catalog has no hospital documents of its own)."""
    return _one_with(schema.HOSPITAL_IDS, hospital_id, schema.HOSPITALS)


def slug_label_body(kind: SlugKind, slug: str) -> dict[str, Any]:
    """One specialist whose treatments (or specialties) have ``slug``, those labels only."""
    slugs, labels = _SLUG_LABELS[kind]
    return _one_with(slugs, slug, labels)


def _one_with(field: str, value: str, source: str) -> dict[str, Any]:
    """One document whose ``field`` holds ``value`` exactly, and only ``source`` of it."""
    return {"size": 1, "query": {"term": {field: value}}, "_source": [source]}
