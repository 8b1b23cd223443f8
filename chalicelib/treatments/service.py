"""Treatment pages over the search index port: the A-Z list and a treatment's page, one
OpenSearch round trip each (an ``msearch`` over the specialists and the treatments'
content; :mod:`chalicelib.treatments.pages` builds the bodies). The page's specialists are
the search service's own answer to ``GET /specialists?treatment={slug}``."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib.errors import naming_the_nearest
from chalicelib.patterns import ID_FORMAT
from chalicelib.slugs import slugify
from chalicelib.treatments.pages import (
    content_body,
    content_slugs_body,
    split_answer,
    to_content_slugs,
    to_treatment_list,
    to_treatment_page,
    treatments_bodies,
    with_page_aggregation,
)

if TYPE_CHECKING:
    from chalicelib.search.ports import SearchIndex
    from chalicelib.search.request import SearchRequest
    from chalicelib.search.service import SearchService
    from chalicelib.search.vocabulary import VocabularyCache
    from chalicelib.treatments.pages import TreatmentsRequest
    from chalicelib.treatments.responses import TreatmentList, TreatmentPage

NOT_FOUND = "There is no treatment with this slug."


class TreatmentService:
    def __init__(self, index: SearchIndex, searches: SearchService, vocabulary: VocabularyCache) -> None:
        self._index = index
        self._searches = searches
        self._vocabulary = vocabulary

    def treatments(self, request: TreatmentsRequest) -> TreatmentList:
        """Treatments A-Z with how many specialists offer each (only those of ``specialty``'s
        specialists, when given), under ``letter`` when given."""
        offered, content = self._index.msearch(treatments_bodies(request.specialties), ["specialists", "treatments"])
        return to_treatment_list(offered, content, request)

    def page(self, slug: str, request: SearchRequest) -> TreatmentPage | None:
        """The treatment's content, where it is offered, and ``request``'s page of its
        specialists; None when neither the catalog nor the content knows ``slug``."""
        if not ID_FORMAT.fullmatch(slug) or slugify(slug) != slug:
            return None
        asked = self._searches.ask(replace(request, treatments=(slug,)))
        content, raw = self._index.msearch(
            [content_body(slug), with_page_aggregation(asked.body)], ["treatments", "specialists"]
        )
        raw, offering = split_answer(raw)
        # A lone treatment filter finds everyone who offers it or nobody: the ladder has nothing
        # to loosen and there are no words to spell, so this adds no round trip.
        return to_treatment_page(slug, content, offering, self._searches.answer(asked, raw))

    def not_found_message(self, slug: str) -> str:
        """The 404's message, naming the treatments whose slugs are most like ``slug``: those of
        the catalog (from the vocabulary each warm container keeps) and of the content."""
        from chalicelib.search.ports import SearchUnavailable

        wanted = slug.lower()
        if not ID_FORMAT.fullmatch(wanted):
            return NOT_FOUND
        try:
            (content,) = self._index.msearch([content_slugs_body()], ["treatments"])
            known = sorted({*self._vocabulary.get().treatments, *to_content_slugs(content)})
        except SearchUnavailable:  # the 404 stands without suggestions
            return NOT_FOUND
        return naming_the_nearest(NOT_FOUND, wanted, known)
