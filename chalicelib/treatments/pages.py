"""Treatment pages: the parameters, the OpenSearch bodies and the mapping of their answers.
Pure functions, no I/O.

A treatment is what the specialists' ``treatments`` name (its slug ``slugify(label)``),
or a document of the treatments' content (:mod:`chalicelib.treatments.index_schema`), or
both. The A-Z list is one ``msearch``: the catalog's treatments counted, and every content
document's slug and label. A treatment's page is one ``msearch`` too: its content by id,
and the very body of ``GET /specialists?treatment={slug}`` (built by the search service,
so its cards and facets are that search's) with one aggregation of its own, over exactly
the hits (the body's ``post_filter``): the label and where it is offered.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from chalicelib import index_schema as schema
from chalicelib.errors import InvalidParameter
from chalicelib.search.parameters import Params, QueryParameter, one, reject_unknown
from chalicelib.search.request import PAGE, PAGE_SIZE, SPECIALTY, SearchRequest, parse_search_request
from chalicelib.search.responses import SearchResults
from chalicelib.slugs import fold, slugify
from chalicelib.treatments import index_schema as content_schema
from chalicelib.treatments.responses import Related, Section, TreatmentHospital, TreatmentList, TreatmentPage

# More treatments or hospitals than any catalog holds: none is ever cut off.
MAX_TREATMENTS = 5000
MAX_HOSPITALS = 5000
# The page's own aggregation, next to the search's facets (and taken out before they are read).
PAGE_AGGREGATION = "treatment_page"
LETTERS = (content_schema.DIGITS, *string.ascii_lowercase)

LETTER = QueryParameter(
    "letter",
    'Only treatments listed under this letter: "a" to "z" (any case), or "0-9" for those that start with a digit.',
    max_length=3,
    example="p",
)
TREATMENTS_QUERY = (SPECIALTY, LETTER)
TREATMENT_PAGE_QUERY = (PAGE, PAGE_SIZE)


@dataclass(frozen=True)
class TreatmentsRequest:
    specialties: tuple[str, ...] = ()
    letter: str | None = None


def parse_treatments_request(params: Params) -> TreatmentsRequest:
    """``GET /treatments``: ``specialty`` read as ``GET /specialists`` reads it, and ``letter``."""
    reject_unknown(params, TREATMENTS_QUERY, "the treatment list")
    raw = one(params, LETTER)
    letter = None if raw is None else raw.lower()
    if letter is not None and letter not in LETTERS:
        raise InvalidParameter(LETTER.name, "'letter' must be a letter from a to z, or 0-9")
    specialties = parse_search_request({name: values for name, values in params.items() if name != LETTER.name})
    return TreatmentsRequest(specialties.specialties, letter)


def parse_treatment_page_request(params: Params) -> SearchRequest:
    """``GET /treatments/{slug}``: ``page`` and ``page_size``, as ``GET /specialists`` reads them."""
    reject_unknown(params, TREATMENT_PAGE_QUERY, "a treatment's page")
    return parse_search_request(params)


# --- The list ------------------------------------------------------------------------


def treatments_bodies(specialties: tuple[str, ...]) -> list[dict[str, Any]]:
    """For the specialists, then for the content: every treatment offered (by specialists of
    ``specialties``, when given) counted, and every content document's slug and label."""
    offered: dict[str, Any] = {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "slugs": {"terms": {"field": schema.TREATMENT_SLUGS, "size": MAX_TREATMENTS}},
            "labels": {"terms": {"field": schema.TREATMENT_LABELS, "size": MAX_TREATMENTS}},
        },
    }
    if specialties:
        offered["query"] = {"bool": {"filter": [{"terms": {schema.SPECIALTY_SLUGS: list(specialties)}}]}}
    content = {
        "size": MAX_TREATMENTS,
        "track_total_hits": False,
        "_source": list(content_schema.LABEL_SOURCE),
        "sort": [{content_schema.SORT_LABEL: "asc"}, {content_schema.SLUG: "asc"}],
    }
    return [offered, content]


def _content_labels(content: dict[str, Any]) -> dict[str, str]:
    written = (content_schema.label_from_document(hit["_source"]) for hit in content["hits"]["hits"])
    return {treatment.slug: treatment.label for treatment in written}


def to_treatment_list(offered: dict[str, Any], content: dict[str, Any], request: TreatmentsRequest) -> TreatmentList:
    """A-Z by folded label: the treatments offered, each labelled as its content names it (else as
    the catalog does); without ``specialty``, also those with content that nobody offers yet."""
    aggregations = offered["aggregations"]
    counts = {bucket["key"]: bucket["doc_count"] for bucket in aggregations["slugs"]["buckets"]}
    catalog: dict[str, str] = {}
    for bucket in aggregations["labels"]["buckets"]:  # most offered first: it names a shared slug
        catalog.setdefault(slugify(bucket["key"]), bucket["key"])
    written = _content_labels(content)
    slugs = set(counts) if request.specialties else set(counts) | set(written)
    labels = {slug: written.get(slug) or catalog.get(slug) or slug for slug in slugs}
    ordered = sorted(slugs, key=lambda slug: (fold(labels[slug]), slug))
    listed = [
        slug for slug in ordered if request.letter is None or content_schema.letter_of(labels[slug]) == request.letter
    ]
    return {
        "total": len(listed),
        "letter": request.letter,
        "letters": sorted({content_schema.letter_of(label) for label in labels.values()}),
        "treatments": [
            {"slug": slug, "label": labels[slug], "specialists": counts.get(slug, 0), "has_content": slug in written}
            for slug in listed
        ],
    }


# --- A treatment's page ----------------------------------------------------------------


def content_body(slug: str) -> dict[str, Any]:
    """The treatment's content document, if the feed has one."""
    return {"query": {"ids": {"values": [slug]}}, "size": 1, "track_total_hits": False}


def content_slugs_body() -> dict[str, Any]:
    """Every content document's slug (for the 404's suggestions)."""
    return {"size": MAX_TREATMENTS, "track_total_hits": False, "_source": list(content_schema.SLUG_SOURCE)}


def to_content_slugs(content: dict[str, Any]) -> list[str]:
    return [content_schema.label_from_document(hit["_source"]).slug for hit in content["hits"]["hits"]]


def with_page_aggregation(search_body: dict[str, Any]) -> dict[str, Any]:
    """The search's body, with the page's own aggregation over exactly its hits (its
    ``post_filter``, which the ``treatment`` filter puts there): a specialist's own label of
    the treatment, and the hospitals where the specialists who offer it work."""
    offering = {
        "filter": search_body["post_filter"],
        "aggs": {
            "label": {
                "top_hits": {
                    "size": 1,
                    "_source": [schema.TREATMENTS],
                    "sort": [{schema.SORT_NAME: "asc"}, {schema.ID: "asc"}],
                }
            },
            "hospitals": {
                "nested": {"path": schema.HOSPITALS},
                "aggs": {
                    "ids": {
                        "terms": {"field": schema.HOSPITAL_ID, "size": MAX_HOSPITALS},
                        "aggs": {
                            "name": {"terms": {"field": schema.HOSPITAL_NAME, "size": 1}},
                            "specialists": {"reverse_nested": {}},
                        },
                    }
                },
            },
        },
    }
    return {**search_body, "aggs": {**search_body.get("aggs", {}), PAGE_AGGREGATION: offering}}


def split_answer(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The search's answer as if its body had no page aggregation, and that aggregation."""
    aggregations = dict(raw["aggregations"])
    offering = aggregations.pop(PAGE_AGGREGATION)
    return {**raw, "aggregations": aggregations}, offering


def _catalog_label(offering: dict[str, Any], slug: str) -> str:
    for hit in offering["label"]["hits"]["hits"]:
        for label in schema.from_document(hit["_source"]).treatments:
            if slugify(label) == slug:
                return str(label)
    return slug


def _hospitals(offering: dict[str, Any]) -> list[TreatmentHospital]:
    hospitals: list[TreatmentHospital] = [
        {
            "id": bucket["key"],
            "name": bucket["name"]["buckets"][0]["key"] if bucket["name"]["buckets"] else bucket["key"],
            "specialists": bucket["specialists"]["doc_count"],
        }
        for bucket in offering["hospitals"]["ids"]["buckets"]
    ]
    return sorted(hospitals, key=lambda hospital: (hospital["name"].casefold(), hospital["id"]))


def _related(related: tuple[content_schema.RelatedView, ...]) -> list[Related]:
    return [{"value": item.slug, "label": item.label} for item in related]


def to_treatment_page(
    slug: str, content: dict[str, Any], offering: dict[str, Any], specialists: SearchResults
) -> TreatmentPage | None:
    """The page from the content's answer, the page aggregation and the search's own answer;
    None when neither the content nor any specialist knows the treatment."""
    hits = content["hits"]["hits"]
    source: dict[str, Any] = hits[0]["_source"] if hits else {}
    if not source and offering["doc_count"] == 0:
        return None
    written = content_schema.from_document(source)  # without content: "", None and ()
    sections: list[Section] = [
        {"heading": section.heading, "body": section.body, "html": section.html} for section in written.sections
    ]
    hospitals = _hospitals(offering)
    return {
        "slug": slug,
        "label": written.label or _catalog_label(offering, slug),
        "has_content": bool(source),
        "also_known_as": list(written.also_known_as),
        "summary": written.summary,
        "sections": sections,
        "related_conditions": _related(written.related_conditions),
        "related_specialties": _related(written.related_specialties),
        "updated_at": written.updated_at,
        "specialist_count": offering["doc_count"],
        "hospital_count": len(hospitals),
        "hospitals": hospitals,
        "specialists": specialists,
    }
