"""Typeahead's places: the offline geocoder's towns and postcode outward codes, matched in memory.

A place is offered when the typed words begin the town's words ("nott" -> Nottingham, one
typo forgiven from 4 characters, as for the other kinds), when the typed text begins an
outward code ("nw" -> NW1 ... NW11, "sw1" -> SW1, SW1A ... SW19), or when it is a full
postcode, or one being typed, whose outward code the table knows ("NW4 1RP" -> NW4). The
suggestion's value is what ``GET /specialists`` takes as ``near``.

This module is loaded, and the table read, by the first typeahead request (see
:func:`gazetteer`), not when the app is imported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from chalicelib.geocoding.names import outward_code, place_key
from chalicelib.geocoding.offline import Place, read_places
from chalicelib.search.responses import Suggestion
from chalicelib.search.suggest import MAX_QUERY_CHARS, MAX_SUGGESTIONS, MIN_CHARS, typo_prefix

# Words that join a town's name ("Stoke-on-Trent", "Weston-super-Mare"): typed alone, they
# begin no town, though "stoke on" still begins Stoke-on-Trent.
_JOINING_WORDS = frozenset({"and", "by", "in", "of", "on", "super", "the", "under", "upon"})
# The start of an outward code: "nw", "nw1", "sw1a".
_OUTWARD_START = re.compile(r"[a-z]{1,2}(?:[0-9][a-z0-9]?)?")
# The start of an inward code, typed after its outward code and a space: "1", "1r", "1rp".
_INWARD_START = re.compile(r"[0-9][abd-hjlnp-uw-z]{0,2}")
_OUTWARD_PARTS = re.compile(r"([a-z]+)([0-9]+)([a-z]?)")


class _Town(NamedTuple):
    place: Place
    key: str  # "newcastle-upon-tyne"
    words: tuple[str, ...]  # the words a typed word may begin: ("newcastle", "tyne")


def _district_order(key: str) -> tuple[str, int, str]:
    """NW1, NW2 ... NW10; SW1, SW1A ... SW1Y, SW10."""
    parts = _OUTWARD_PARTS.fullmatch(key)
    return (parts.group(1), int(parts.group(2)), parts.group(3)) if parts else (key, 0, "")


def _town_quality(town: _Town, typed: list[str]) -> float:
    """2 if the town's name starts with the typed words, 1 if each typed word begins one of
    its words, else 0 (as :func:`chalicelib.search.suggest._match_quality`)."""
    if town.key.startswith("-".join(typed)):
        return 2.0
    return 1.0 if all(any(word.startswith(t) for word in town.words) for t in typed) else 0.0


def _town_with_typo(town: _Town, typed: list[str]) -> bool:
    """Whether each typed word begins one of the town's words but for one typo (from 4
    characters, after a right first letter, as the index's fuzzy match)."""
    return all(
        any(word.startswith(t) or (word[0] == t[0] and typo_prefix(word, t)) for word in town.words) for t in typed
    )


class PlaceIndex:
    """The places a typed text may mean, from the rows of the places table."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._towns: list[_Town] = []
        self._outward: dict[str, Place] = {}
        for place in places:
            if place.kind == "outward":
                self._outward.setdefault(place.key, place)
            else:
                words = place.key.split("-")
                matchable = (words[0], *(word for word in words[1:] if word not in _JOINING_WORDS))
                self._towns.append(_Town(place, place.key, matchable))
        self._outward_order = sorted(self._outward, key=_district_order)
        self._most_town_words = max((len(town.key.split("-")) for town in self._towns), default=0)

    def match(self, q: str, limit: int = MAX_SUGGESTIONS) -> list[tuple[float, Place]]:
        """At most ``limit`` (quality, place), best first: quality 2 when the place's name
        or code starts with the text, 1 when each typed word begins one of its words, 0.5
        so with one typo. Towns before outward codes, then in alphabetical and district order.
        Text longer than a suggest query allows matches nothing."""
        if len(q) > MAX_QUERY_CHARS:
            return []
        key = place_key(q)
        typed = key.split("-") if key else []
        if len("".join(typed)) < MIN_CHARS:
            return []
        found = self._towns_matching(typed) + [(2.0, place) for place in self._outward_matching(typed)]
        found.sort(key=lambda item: -item[0])  # stable: towns first among equals
        return found[:limit]

    def _towns_matching(self, typed: list[str]) -> list[tuple[float, Place]]:
        """Typos are forgiven only when no town matches without one: "card" is Cardiff
        alone, not Camden and Carlisle too."""
        if len(typed) > self._most_town_words:
            return []
        found = [(quality, town) for town in self._towns if (quality := _town_quality(town, typed))]
        if not found:
            found = [(0.5, town) for town in self._towns if _town_with_typo(town, typed)]
        # A town under two names ("Newark", "Newark-on-Trent") is offered once: by its
        # best-matching name, the first in the table among equals.
        best: dict[tuple[float, float], tuple[float, _Town]] = {}
        for quality, town in found:
            point = (town.place.point.lat, town.place.point.lon)
            if point not in best or quality > best[point][0]:
                best[point] = (quality, town)
        ranked = sorted(best.values(), key=lambda item: (-item[0], item[1].key))
        return [(quality, town.place) for quality, town in ranked]

    def _outward_matching(self, typed: list[str]) -> list[Place]:
        compact = "".join(typed)
        if len(typed) == 2 and typed[0] in self._outward and _INWARD_START.fullmatch(typed[1]):
            return [self._outward[typed[0]]]  # "nw4 1r": a postcode being typed
        code = outward_code(compact)
        if code is not None and code != compact:  # "nw41rp": a full postcode
            return [self._outward[code]] if code in self._outward else []
        if not _OUTWARD_START.fullmatch(compact):
            return []
        return [self._outward[code] for code in self._outward_order if code.startswith(compact)]


def place_suggestion(place: Place) -> Suggestion:
    """Towns as the table writes them, outward codes in capitals; the value is the same text,
    which ``near`` accepts."""
    label = place.name.upper() if place.kind == "outward" else place.name
    return {"type": "place", "label": label, "value": label}


@functools.cache
def gazetteer() -> PlaceIndex:
    """The places table, read once per process, on the first typeahead request."""
    return PlaceIndex(read_places())
