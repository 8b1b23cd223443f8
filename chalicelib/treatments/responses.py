"""The shapes of the treatment pages' answers: ``GET /treatments`` and ``GET /treatments/{slug}``.

A treatment is what the specialist catalog's ``treatments`` name (its slug is
``slugify(label)``), with the content feed's page text when the feed has it.
"""

from __future__ import annotations

from typing_extensions import TypedDict

# PageLink is defined with the search's answers (which carry it) and is part of this API too.
from chalicelib.search.responses import PageLink, SearchResults
from chalicelib.shapes import documented

__all__ = ["PageLink", "Related", "Section", "TreatmentHospital", "TreatmentList", "TreatmentPage", "TreatmentSummary"]


@documented
class TreatmentSummary(TypedDict):
    """One treatment in the A-Z list."""

    slug: str
    """For ``GET /treatments/{slug}``, and the ``treatment`` filter of ``GET /specialists``."""
    label: str
    specialists: int
    """Specialists who offer it (with ``specialty``: those of that specialty)."""
    has_content: bool
    """Whether its page has text (summary and sections) besides its specialists."""


@documented
class TreatmentList(TypedDict):
    """Treatments A-Z."""

    total: int
    """How many treatments are listed."""
    letter: str | None
    """The ``letter`` asked for ("a" to "z", or "0-9"); null for every letter."""
    letters: list[str]
    """The letters that have treatments (under ``specialty``, when given), for an A-Z bar."""
    treatments: list[TreatmentSummary]


@documented
class Section(TypedDict):
    heading: str
    body: str
    """The section in the feed's Markdown subset (``docs/treatments.md``)."""
    html: str
    """The same, rendered: only p, ul, ol, li, strong, em and a (https links to allowed hosts, or paths of
    this site); every text escaped."""


@documented
class Related(TypedDict):
    value: str
    """Its slug: what ``GET /specialists`` takes as ``condition`` or ``specialty``."""
    label: str


@documented
class TreatmentHospital(TypedDict):
    """A hospital where the treatment is offered."""

    id: str
    """For ``GET /hospitals/{hospital_id}``."""
    name: str
    specialists: int
    """Specialists there who offer the treatment."""


@documented
class TreatmentPage(TypedDict):
    """A treatment's page: its content (when the content feed has it), where it is offered, and the first
    page of its specialists as ``GET /specialists?treatment={slug}`` gives them."""

    slug: str
    label: str
    has_content: bool
    """False: the catalog's specialists offer it but the content feed has no text for it yet."""
    also_known_as: list[str]
    summary: str | None
    sections: list[Section]
    related_conditions: list[Related]
    related_specialties: list[Related]
    updated_at: str | None
    """When the content was last changed (RFC 3339); null without content."""
    specialist_count: int
    """Every specialist who offers it."""
    hospital_count: int
    """Hospitals where at least one of them works."""
    hospitals: list[TreatmentHospital]
    """A-Z by name."""
    specialists: SearchResults
    """Exactly the answer of ``GET /specialists?treatment={slug}`` (with this request's ``page`` and
    ``page_size``)."""
