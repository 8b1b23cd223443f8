"""What the words understood (:mod:`chalicelib.search.understanding`) merged with the
explicit parameters into the search that runs, and said back to the patient.

Explicit parameters win: when the words say "Bupa" and the request says
``insurer=axa-health``, AXA filters and the answer reports the conflict; nothing is
merged silently. The same for the order: "soonest" sorts unless ``sort`` gave another
order than the default (relevance), and the first order said wins over a later one.
Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from chalicelib.geo import GeoPoint
from chalicelib.search.request import DEFAULT_RADIUS_MILES, SearchRequest
from chalicelib.search.responses import Conflict, Interpreted, InterpretedFilters, InterpretedPart, PageLink
from chalicelib.search.understanding import PartKind, Understanding
from chalicelib.slugs import slugify

# A constraint the words set (as its parameter's name), and how the search request carries it.
Droppable = Literal[
    "bookable_online", "language", "gender", "insurer", "sees_children", "hospital",
    "consultation_type", "available_within_days", "max_fee",
]  # fmt: skip
REQUEST_ATTRIBUTE: dict[Droppable, str] = {
    "insurer": "insurers",
    "language": "languages",
    "gender": "genders",
    "hospital": "hospitals",
    "sees_children": "sees_children",
    "bookable_online": "bookable_online",
    "consultation_type": "consultation_types",
    "available_within_days": "available_within_days",
    "max_fee": "max_fee",
}
KIND_OF: dict[Droppable, PartKind] = {
    "insurer": "insurer",
    "language": "language",
    "gender": "gender",
    "hospital": "hospital",
    "sees_children": "children",
    "bookable_online": "booking",
    "consultation_type": "consultation",
    "available_within_days": "availability",
    "max_fee": "fee",
}
# The constraints that are a yes, and those that are a number (the others are lists of values).
FLAGS: frozenset[Droppable] = frozenset({"sees_children", "bookable_online"})
NUMBERS: frozenset[Droppable] = frozenset({"available_within_days", "max_fee"})
# Words about who the patient is also rank as text ("children's doctor" is paediatrics).
_RANKED_KINDS: frozenset[PartKind] = frozenset({"children", "gender"})


@dataclass(frozen=True)
class Near:
    label: str
    point: GeoPoint
    from_words: bool


@dataclass(frozen=True)
class Plan:
    """The search to run: the request with the understood filters in it, where it is near."""

    request: SearchRequest
    near: Near | None
    understood: Understanding
    from_words: tuple[Droppable, ...]  # the filters the words set (and no parameter overrode)
    conflicts: tuple[Conflict, ...]
    boost_words: str
    sorted_by_words: bool = False  # the order is the one the words said

    @property
    def origin(self) -> GeoPoint | None:
        return None if self.near is None else self.near.point


def plan_search(request: SearchRequest, understood: Understanding, given_near: Near | None) -> Plan:
    """Merge what the words said into ``request``; ``given_near`` is where the explicit
    ``near`` or ``lat``/``lon`` put the search, if they did."""
    changes: dict[str, object] = {"q": understood.text}
    from_words: list[Droppable] = []
    conflicts: list[Conflict] = []
    for name, attribute in REQUEST_ATTRIBUTE.items():
        kind = KIND_OF[name]
        words = [part.words for part in understood.parts if part.kind == kind and part.value is not None]
        if not words:
            continue
        said = _said(name, understood)
        given = getattr(request, attribute)
        if given in (None, ()):
            changes[attribute] = said
            from_words.append(name)
        elif given != said:
            conflicts.append(_conflict(name, words[0]))
    near = given_near
    place = understood.place
    if place is not None:
        place_words = next(part.words for part in understood.parts if part.kind == "place")
        if given_near is None:
            near = Near(place.label, place.point, from_words=True)
        elif place.point != given_near.point:
            conflicts.append(_conflict("near", place_words))
    # "within 10 miles" sets the radius unless the request gave one of its own.
    words_radius = understood.radius_miles is not None and near is not None and near.from_words
    if words_radius and request.radius_miles == DEFAULT_RADIUS_MILES:
        changes["radius_miles"] = understood.radius_miles
    # The order: relevance, the default, counts as not given.
    sorts = [part for part in understood.parts if part.kind == "sort"]
    sorted_by_words = bool(sorts) and request.sort == "relevance"
    if sorted_by_words:
        changes["sort"] = sorts[0].value
        conflicts += [_second_order(part.words, sorts[0].words) for part in sorts if part.value != sorts[0].value]
    else:
        conflicts += [_conflict("sort", part.words) for part in sorts if part.value != request.sort]
    boost = " ".join(part.words for part in understood.parts if part.kind in _RANKED_KINDS)
    return Plan(
        request=replace(request, **changes),  # type: ignore[arg-type]
        near=near,
        understood=understood,
        from_words=tuple(from_words),
        conflicts=tuple(conflicts),
        boost_words=boost,
        sorted_by_words=sorted_by_words,
    )


def _said(name: Droppable, understood: Understanding) -> object:
    """What the words ask of the constraint, as its request attribute holds it."""
    kind = KIND_OF[name]
    if name in FLAGS:
        return understood.flag(kind)
    if name in NUMBERS:
        return understood.least(kind)
    return understood.values(kind)


def _conflict(field: str, words: str) -> Conflict:
    return {
        "field": field,
        "words": words,
        "message": f"'{words}' was not applied: the '{field}' parameter given with the search wins",
    }


def _second_order(words: str, first: str) -> Conflict:
    return {"field": "sort", "words": words, "message": f"'{words}' was not applied: '{first}', said first, sorts"}


def interpreted(plan: Plan) -> Interpreted:
    request = plan.request
    filters: InterpretedFilters = {}
    for name in plan.from_words:
        value = getattr(request, REQUEST_ATTRIBUTE[name])
        filters[name] = list(value) if isinstance(value, tuple) else value
    if plan.sorted_by_words:
        filters["sort"] = request.sort
    near = plan.near
    parts: list[InterpretedPart] = [
        {"kind": part.kind, "label": part.label, "words": part.words} for part in plan.understood.parts
    ]
    return {
        "text": request.q,
        "filters": filters,
        "near": None
        if near is None
        else {"label": near.label, "lat": near.point.lat, "lon": near.point.lon, "radius_miles": request.radius_miles},
        "parts": parts,
        "conflicts": list(plan.conflicts),
    }


def page_link(plan: Plan, treatments: Mapping[str, str]) -> PageLink | None:
    """The page of the treatment the search is about: its words (what is left once places,
    insurers and the like were understood) slugify to a treatment of the catalog
    (``treatments``: slug to label), or, with no words, a lone ``treatment`` filter names one.
    Specialties have no pages: none is linked."""
    request = plan.request
    if request.q:
        slug = slugify(request.q)
    elif len(request.treatments) == 1:
        (slug,) = request.treatments
    else:
        return None
    label = treatments.get(slug)
    return None if label is None else {"type": "treatment", "slug": slug, "label": label}
