"""The treatments index, defined once: field names, mapping, and the document built from
a line of the treatments content feed (``docs/treatments.md``).

One document per treatment, keyed by its slug (the slug ``GET /specialists?treatment=``
takes). It is read, never searched as free text: a treatment's page fetches it by slug,
the A-Z list reads labels and letters. The sections' HTML is rendered once, here, at
index time (:mod:`chalicelib.treatments.markdown`), so the API never parses Markdown.
The pages read what they fetch back with :func:`from_document` (a whole document) and
:func:`label_from_document` (the ``_source`` of :data:`LABEL_SOURCE` or :data:`SLUG_SOURCE`),
so no other module knows the document's keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib.slugs import fold, slugify

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from chalicelib.treatments.content import TreatmentContent

# --- Fields ----------------------------------------------------------------------------
SLUG = "slug"
LABEL = "label"
SORT_LABEL = "sort_label"  # folded label: A-Z
LETTER = "letter"  # "a".."z", or "0-9" for a label that starts with a digit
ALSO_KNOWN_AS = "also_known_as"
SUMMARY = "summary"
SECTIONS = "sections"  # [{heading, body, html}], stored only
RELATED_CONDITIONS = "related_conditions"  # labels
RELATED_CONDITION_SLUGS = "related_condition_slugs"
RELATED_SPECIALTIES = "related_specialties"  # labels
RELATED_SPECIALTY_SLUGS = "related_specialty_slugs"
UPDATED_AT = "updated_at"

DIGITS = "0-9"

# A request's ``_source`` lists, for :func:`label_from_document`. Tuples: a body takes a list() of one.
LABEL_SOURCE = (SLUG, LABEL)  # the A-Z list
SLUG_SOURCE = (SLUG,)  # a 404's suggestions

# A section's keys, within SECTIONS.
_HEADING = "heading"
_BODY = "body"
_HTML = "html"


def letter_of(label: str) -> str:
    """The A-Z letter a label is listed under: its first letter or digit, folded."""
    for character in fold(label):
        if character.isascii() and character.isalpha():
            return character
        if character.isascii() and character.isdigit():
            return DIGITS
    return DIGITS


def index_body(shards: int = 1) -> dict[str, Any]:
    """Settings and mappings for a new treatments index."""
    keyword: dict[str, Any] = {"type": "keyword"}
    stored: dict[str, Any] = {"type": "keyword", "index": False, "doc_values": False}
    return {
        "settings": {
            "number_of_shards": shards,
            "analysis": {"normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}}},
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                SLUG: keyword,
                LABEL: {"type": "keyword", "ignore_above": 256},
                SORT_LABEL: {"type": "keyword", "normalizer": "folded"},
                LETTER: keyword,
                ALSO_KNOWN_AS: {"type": "keyword", "ignore_above": 256},
                SUMMARY: {"type": "text", "index": False},
                SECTIONS: {"type": "object", "enabled": False},
                RELATED_CONDITIONS: stored,
                RELATED_CONDITION_SLUGS: keyword,
                RELATED_SPECIALTIES: stored,
                RELATED_SPECIALTY_SLUGS: keyword,
                UPDATED_AT: {"type": "date"},
            },
        },
    }


def to_document(content: TreatmentContent) -> dict[str, Any]:
    """The indexed document of one content line, with each section's HTML rendered."""
    from chalicelib.treatments.markdown import to_html

    return {
        SLUG: content.slug,
        LABEL: content.label,
        SORT_LABEL: fold(content.label),
        LETTER: letter_of(content.label),
        ALSO_KNOWN_AS: list(content.also_known_as),
        SUMMARY: content.summary,
        SECTIONS: [
            {_HEADING: section.heading, _BODY: section.body, _HTML: to_html(section.body)}
            for section in content.sections
        ],
        RELATED_CONDITIONS: list(content.related_conditions),
        RELATED_CONDITION_SLUGS: _slugs(content.related_conditions),
        RELATED_SPECIALTIES: list(content.related_specialties),
        RELATED_SPECIALTY_SLUGS: _slugs(content.related_specialties),
        UPDATED_AT: content.updated_at.isoformat(),
    }


def _slugs(labels: Iterable[str]) -> list[str]:
    return [slugify(label) for label in labels]


# --- The document read back --------------------------------------------------------------
@dataclass(frozen=True)
class SectionView:
    heading: str
    body: str  # the feed's Markdown subset
    html: str  # rendered at index time


@dataclass(frozen=True)
class RelatedView:
    """A related condition or specialty: the label, as the catalog spells it, and its slug."""

    label: str
    slug: str


@dataclass(frozen=True)
class TreatmentContentView:
    """A treatment's content document, typed (:func:`from_document`); the A-Z helpers (sort
    label, letter) stay in the index."""

    slug: str
    label: str
    also_known_as: tuple[str, ...]
    summary: str | None
    sections: tuple[SectionView, ...]  # in page order
    related_conditions: tuple[RelatedView, ...]
    related_specialties: tuple[RelatedView, ...]
    updated_at: str | None  # RFC 3339, as indexed


def from_document(source: Mapping[str, Any]) -> TreatmentContentView:
    """The inverse of :func:`to_document`: the document (or the part of it a request's
    ``_source`` asked for: a field left out reads as None, "" or ()) as a typed view."""
    get = source.get
    return TreatmentContentView(
        slug=get(SLUG, ""),
        label=get(LABEL, ""),
        also_known_as=tuple(get(ALSO_KNOWN_AS, ())),
        summary=get(SUMMARY),
        sections=tuple(SectionView(section[_HEADING], section[_BODY], section[_HTML]) for section in get(SECTIONS, ())),
        related_conditions=_related(get(RELATED_CONDITIONS, ()), get(RELATED_CONDITION_SLUGS, ())),
        related_specialties=_related(get(RELATED_SPECIALTIES, ()), get(RELATED_SPECIALTY_SLUGS, ())),
        updated_at=get(UPDATED_AT),
    )


def _related(labels: Iterable[str], slugs: Iterable[str]) -> tuple[RelatedView, ...]:
    return tuple(RelatedView(label, slug) for label, slug in zip(labels, slugs, strict=True))


class TreatmentLabel(NamedTuple):
    """A content document's slug and label: what the A-Z list reads of every document (a
    NamedTuple, as it is read for each of them)."""

    slug: str
    label: str  # "" when the request's ``_source`` was SLUG_SOURCE


def label_from_document(source: Mapping[str, Any]) -> TreatmentLabel:
    """:func:`from_document` for a hit of a LABEL_SOURCE or SLUG_SOURCE request."""
    return TreatmentLabel(source.get(SLUG, ""), source.get(LABEL, ""))
