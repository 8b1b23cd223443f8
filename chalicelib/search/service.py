"""Find a specialist: search, typeahead and profiles over the search index port."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.errors import InvalidParameter
from chalicelib.geo import GeoPoint
from chalicelib.patterns import ID_FORMAT
from chalicelib.search.availability import DEFAULT_MAX_AGE, Slots, slots_at, utc_now
from chalicelib.search.cards import to_profile, to_search_response
from chalicelib.search.interpretation import Near, Plan, interpreted, page_link, plan_search
from chalicelib.search.notices import notices_for
from chalicelib.search.query import build_search_body, within_of
from chalicelib.search.relaxation import Step, ladder
from chalicelib.search.request import SearchRequest
from chalicelib.search.responses import PageLink, Profile, Relaxed, SearchResults, Suggestions
from chalicelib.search.spelling import best_correction, build_spelling_body
from chalicelib.search.suggest import MIN_CHARS, build_suggest_body, to_suggestions
from chalicelib.search.understanding import Understanding, Vocabulary, understand
from chalicelib.search.vocabulary import VocabularyCache

if TYPE_CHECKING:
    from chalicelib.search.ports import Geocoder, SearchIndex

# Offer "did you mean" when the patient's words find this few specialists.
FEW_RESULTS = 3


@dataclass(frozen=True)
class AskedSearch:
    """A search as asked, before its first round trip."""

    request: SearchRequest
    plan: Plan
    spelled: Callable[[str], bool]
    slots: Slots  # as of the search's one ``now``
    body: dict[str, Any]
    page_link: PageLink | None


class SearchService:
    """At most two OpenSearch round trips a search: the search as understood, then, only when
    it found nobody (or few, for "did you mean"), every relaxation step and the spelling
    suggestion in one ``msearch``. The vocabulary is read once per warm container. ``clock``
    and ``availability_max_age`` decide which slots are fresh (:mod:`chalicelib.search.availability`)."""

    def __init__(
        self,
        index: SearchIndex,
        geocoder: Geocoder,
        vocabulary: VocabularyCache | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        availability_max_age: timedelta = DEFAULT_MAX_AGE,
    ) -> None:
        self._index = index
        self._geocoder = geocoder
        self._vocabulary = vocabulary or VocabularyCache(index)
        self._clock = clock
        self._max_age = availability_max_age

    def _slots(self) -> Slots:
        """The freshness rule as of now: once per search (or profile), for all it sends and shows."""
        return slots_at(self._clock, self._max_age)

    def search(self, request: SearchRequest) -> SearchResults:
        asked = self.ask(request)
        return self.answer(asked, self._index.search(asked.body))

    def ask(self, request: SearchRequest) -> AskedSearch:
        """The search as asked: what the words say merged into ``request``, and the body of its
        first round trip (another service may send it along with bodies of its own)."""
        vocabulary = self._vocabulary.get()
        understood = understand(request.q, vocabulary) if request.q else Understanding("")
        plan = plan_search(request, understood, self._given_near(request, vocabulary))
        spelled = vocabulary.spells
        slots = self._slots()
        body = self._step_body(plan, Step(plan.request, ()), spelled, slots)
        return AskedSearch(request, plan, spelled, slots, body, page_link(plan, vocabulary.treatments))

    def answer(self, asked: AskedSearch, raw: dict[str, Any]) -> SearchResults:
        """The answer to ``GET /specialists`` from OpenSearch's answer to ``asked.body``: when
        it found nobody (or few), the ladder and the spelling suggestion in one more round trip."""
        request, plan, spelled, slots = asked.request, asked.plan, asked.spelled, asked.slots
        total = raw["hits"]["total"]["value"]
        # Nobody: the first step of the ladder that finds someone answers, paged as usual.
        # A first page with room to spare: it is filled from the ladder's steps in order,
        # after the full matches (and then the answer is that one page).
        fill = 0 < total < request.page_size and request.page == 1
        steps = ladder(plan) if total == 0 or fill else []
        # "Did you mean" only for words the catalog does not use.
        spell = bool(plan.request.q) and not spelled(plan.request.q) and total < FEW_RESULTS
        answered, did_you_mean = plan.request, None
        found_by: list[Step] = [Step(plan.request, ())] * len(raw["hits"]["hits"])
        relaxed: list[Relaxed] = []
        if steps or spell:
            bodies = [self._step_body(plan, step, spelled, slots) for step in steps]
            answers = self._index.msearch([*bodies, build_spelling_body(plan.request.q)] if spell else bodies)
            if spell:
                did_you_mean = _in_words(request.q, plan.request.q, best_correction(answers.pop(), plan.request.q))
            if fill:
                raw, relaxed, found_by = _filled(raw, steps, answers, request.page_size, found_by)
            else:
                for step, answer in zip(steps, answers, strict=True):
                    if answer["hits"]["total"]["value"] > 0:
                        raw, answered, relaxed = answer, step.request, list(step.relaxed)
                        found_by = [step] * len(raw["hits"]["hits"])
                        break
        return to_search_response(
            raw,
            answered,
            plan.origin,
            did_you_mean,
            slots=slots,
            within=[within_of(step.request, plan.origin, within_radius=step.within_radius) for step in found_by],
            interpreted=interpreted(plan),
            relaxed=relaxed,
            notices=notices_for(request.q),
            page_link=asked.page_link,
        )

    @staticmethod
    def _step_body(plan: Plan, step: Step, spelled: Callable[[str], bool], slots: Slots) -> dict[str, Any]:
        return build_search_body(
            step.request,
            plan.origin,
            slots=slots,
            need=step.need,
            within_radius=step.within_radius,
            boost_words=plan.boost_words,
            spelled=spelled,
        )

    def suggest(self, q: str, limit: int) -> Suggestions:
        if len(q) < MIN_CHARS:
            return {"suggestions": []}
        return {"suggestions": to_suggestions(self._index.search(build_suggest_body(q)), q, limit)}

    def profile(self, specialist_id: str) -> Profile | None:
        if not ID_FORMAT.fullmatch(specialist_id):
            return None
        specialist = self._index.specialist(specialist_id)
        return None if specialist is None else to_profile(specialist, self._slots())

    def _given_near(self, request: SearchRequest, vocabulary: Vocabulary) -> Near | None:
        """Where the explicit ``near`` or ``lat``/``lon`` put the search: a hospital id first
        (from the vocabulary, no round trip), then a place."""
        if request.lat is not None and request.lon is not None:
            return Near("your location", GeoPoint(request.lat, request.lon), from_words=False)
        if request.near is None:
            return None
        hospital = vocabulary.hospital_ids.get(request.near.lower())
        point = hospital.point if hospital is not None else self._geocoder.locate(request.near)
        if point is None:
            raise InvalidParameter("near", "'near' is not a place we know: try a postcode, a town or a hospital")
        return Near(request.near, point, from_words=False)


def _filled(
    raw: dict[str, Any], steps: list[Step], answers: list[dict[str, Any]], size: int, found_by: list[Step]
) -> tuple[dict[str, Any], list[Relaxed], list[Step]]:
    """The full matches (``found_by`` the search as asked), then those each step adds, in
    the ladder's order, up to ``size``; what was relaxed for them, each saying after how many
    results it starts; and the step that found each (its radius is where its card's slot is)."""
    hits = list(raw["hits"]["hits"])
    seen = {hit["_id"] for hit in hits}
    relaxed: list[Relaxed] = []
    found_by = list(found_by)
    for step, answer in zip(steps, answers, strict=True):
        added = [hit for hit in answer["hits"]["hits"] if hit["_id"] not in seen][: size - len(hits)]
        if added:
            said = {_what(item) for item in relaxed}
            relaxed += [_after(item, len(hits)) for item in step.relaxed if _what(item) not in said]
            hits += added
            found_by += [step] * len(added)
            seen.update(hit["_id"] for hit in added)
        if len(hits) >= size:
            break
    total = {**raw["hits"]["total"], "value": len(hits)}
    return {**raw, "hits": {**raw["hits"], "hits": hits, "total": total}}, relaxed, found_by


def _what(item: Relaxed) -> tuple[object, ...]:
    return item["code"], item.get("field"), item.get("radius_miles")


def _after(item: Relaxed, position: int) -> Relaxed:
    """A relaxation that only filled the page: "Only 1 fits as asked; also showing the nearest"."""
    _, _, showing = item["message"].partition("; showing ")
    fit = "1 fits" if position == 1 else f"{position} fit"
    message = f"Only {fit} as asked; also showing {showing}" if showing else item["message"]
    return {**item, "message": message, "after_results": position}


def _in_words(q: str, text: str, correction: str | None) -> str | None:
    """The correction of the matched words, put back among the words the patient typed."""
    if correction is None or not text or text not in q:
        return correction
    return q.replace(text, correction, 1)
