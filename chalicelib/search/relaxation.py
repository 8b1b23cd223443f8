"""The relaxation ladder: what to loosen, in order, when the search as asked finds nobody.

Every word matching, then most of the words (all but one; three in four past four
words), then, from three words, any of them (the rarer scoring higher); for each, in turn:

1. a wider radius: 25 -> 50 -> 100 miles;
2. the constraints the *words* set, least important first (online booking, availability,
   language, gender, consultation type, fee, insurer, sees children, hospital), one more
   each step, at the widest radius; explicit parameters are never dropped;
3. with a place, the nearest specialists wherever they are.

Places before words: "cardiothoracic surgeon in Inverness" is better answered by the
nearest cardiothoracic surgeons, 150 miles away, than by any surgeon in Inverness. The
steps are built here, pure; the service runs them all in one ``msearch`` and answers
from the first that finds someone, saying in ``relaxed`` what it loosened. Within a step
those who fit best still rank first: the text scores them and distance decays the score.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.search.arrangements import availability_label, pounds
from chalicelib.search.interpretation import KIND_OF, REQUEST_ATTRIBUTE, Droppable, Plan
from chalicelib.search.query import WordsNeeded
from chalicelib.search.request import SearchRequest
from chalicelib.search.responses import Relaxed

WIDER_RADII_MILES = (50.0, 100.0)
# Least important first: what a patient gives up before the others.
DROP_ORDER: tuple[Droppable, ...] = (
    "bookable_online", "available_within_days", "language", "gender", "consultation_type", "max_fee", "insurer",
    "sees_children", "hospital",
)  # fmt: skip
_CONSULTATION_NAMES = {"video": "video", "phone": "phone", "in_person": "in-person"}


@dataclass(frozen=True)
class Step:
    request: SearchRequest
    relaxed: tuple[Relaxed, ...]
    need: WordsNeeded = "all"
    within_radius: bool = True


def ladder(plan: Plan) -> list[Step]:
    """Every step of the ladder for ``plan``, in order; empty when nothing can be loosened."""
    steps = _loosened(plan, need="all", start=())[1:]
    words = len(plan.request.q.split())
    if words >= 2:
        most: Relaxed = {
            "code": "some_words",
            "message": "No specialist matches every word; showing those who match most",
        }
        steps += _loosened(plan, need="most", start=(most,))
    if words >= 3:
        some: Relaxed = {
            "code": "some_words",
            "message": "No specialist matches most words; showing those who match some",
        }
        steps += _loosened(plan, need="any", start=(some,))
    return steps


def _loosened(plan: Plan, *, need: WordsNeeded, start: tuple[Relaxed, ...]) -> list[Step]:
    """The search as planned, then ever looser: wider, fewer constraints, the nearest."""
    request = plan.request
    where = "" if plan.near is None else f" of {plan.near.label}"
    steps = [Step(request, start, need)]
    radii = [r for r in WIDER_RADII_MILES if r > request.radius_miles] if plan.near is not None else []
    for radius in radii:
        message = f"Nobody who fits within {request.radius_miles:g} miles{where}; showing those within {radius:g} miles"
        widened: Relaxed = {"code": "radius", "message": message, "radius_miles": radius}
        steps.append(Step(replace(request, radius_miles=radius), (*start, widened), need))
    request, relaxed = steps[-1].request, steps[-1].relaxed
    for name in (name for name in DROP_ORDER if name in plan.from_words):
        relaxed += ({"code": "dropped", "field": name, "message": _dropped(plan, request, name)},)
        cleared = () if isinstance(getattr(request, REQUEST_ATTRIBUTE[name]), tuple) else None
        request = replace(request, **{REQUEST_ATTRIBUTE[name]: cleared})  # type: ignore[arg-type]
        steps.append(Step(request, relaxed, need))
    if plan.near is not None:
        message = f"Nobody who fits within {request.radius_miles:g} miles{where}; showing the nearest"
        steps.append(Step(request, (*relaxed, {"code": "nearest", "message": message}), need, within_radius=False))
    return steps


def _dropped(plan: Plan, request: SearchRequest, name: Droppable) -> str:
    """The sentence for a constraint the words set, dropped from ``request``."""
    if name == "consultation_type":
        kinds = " or ".join(_CONSULTATION_NAMES[kind] for kind in request.consultation_types)
        return f"No {kinds} consultations found; showing all consultation types"
    if name == "available_within_days" and request.available_within_days is not None:
        when = availability_label(request.available_within_days).lower()
        return f"Nobody who fits is {when}; showing those with later or unknown availability"
    if name == "max_fee" and request.max_fee is not None:
        return f"Nobody who fits charges up to {pounds(request.max_fee)} for a first consultation; showing all fees"
    labels = [part.label for part in plan.understood.parts if part.kind == KIND_OF[name] and part.value]
    said = " or ".join(label[:1].lower() + label[1:] for label in labels)
    return f"Nobody who fits is also {said}; showing those who fit otherwise"
