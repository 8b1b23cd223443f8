"""What the words understood (:mod:`chalicelib.search.understanding`) merged with the
explicit parameters into the search that runs, and said back to the patient.

Explicit parameters win: when the words say "Bupa" and the request says
``insurer=axa-health``, AXA filters and the answer reports the conflict; nothing is
merged silently. Pure functions, no I/O.
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

# A constraint the words set, and how the search request carries it.
Droppable = Literal["bookable_online", "language", "gender", "insurer", "sees_children", "hospital"]
REQUEST_ATTRIBUTE: dict[Droppable, str] = {
    "insurer": "insurers",
    "language": "languages",
    "gender": "genders",
    "hospital": "hospitals",
    "sees_children": "sees_children",
    "bookable_online": "bookable_online",
}
KIND_OF: dict[Droppable, PartKind] = {
    "insurer": "insurer",
    "language": "language",
    "gender": "gender",
    "hospital": "hospital",
    "sees_children": "children",
    "bookable_online": "booking",
}
# The constraints that are a yes (the others are lists of values).
FLAGS: frozenset[Droppable] = frozenset({"sees_children", "bookable_online"})
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
        words = [part.words for part in understood.parts if part.kind == kind and part.value]
        if not words:
            continue
        said = understood.flag(kind) if name in FLAGS else understood.values(kind)
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
    boost = " ".join(part.words for part in understood.parts if part.kind in _RANKED_KINDS)
    return Plan(
        request=replace(request, **changes),  # type: ignore[arg-type]
        near=near,
        understood=understood,
        from_words=tuple(from_words),
        conflicts=tuple(conflicts),
        boost_words=boost,
    )


def _conflict(field: str, words: str) -> Conflict:
    return {
        "field": field,
        "words": words,
        "message": f"'{words}' was not applied: the '{field}' parameter given with the search wins",
    }


def interpreted(plan: Plan) -> Interpreted:
    request = plan.request
    filters: InterpretedFilters = {}
    for name in plan.from_words:
        value = getattr(request, REQUEST_ATTRIBUTE[name])
        filters[name] = list(value) if isinstance(value, tuple) else value
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
