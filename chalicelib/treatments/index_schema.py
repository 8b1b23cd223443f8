"""The treatments index, defined once: field names, mapping, and the document built from
a line of the treatments content feed (``docs/treatments.md``).

One document per treatment, keyed by its slug (the slug ``GET /specialists?treatment=``
takes). It is read, never searched as free text: a treatment's page fetches it by slug,
the A-Z list reads labels and letters. The sections' HTML is rendered once, here, at
index time (:mod:`chalicelib.treatments.markdown`), so the API never parses Markdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.slugs import fold, slugify

if TYPE_CHECKING:
    from collections.abc import Iterable

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
            {"heading": section.heading, "body": section.body, "html": to_html(section.body)}
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
