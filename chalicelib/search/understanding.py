"""Query understanding: what a line typed into the one search box asks for.

"spine surgeon in Nottingham", "cardiologist that takes WPA", "my son keeps getting ear
infections", "video consultation this week under £200": the place, insurer, language,
gender, children, online booking, consultation type, availability, fee and order in the
words become the filters, the location and the sort that the explicit parameters would
give, and the rest stays the text that is matched. Pure and table-driven: the ways of saying
things are in :mod:`chalicelib.search.phrases` (how, when and for how much are read by
:mod:`chalicelib.search.arrangements`), what the catalog holds is a :class:`Vocabulary`
read from the live index and the gazetteer.

How ambiguity is resolved, as a receptionist would:

* longest match first, so "BMI Hendon Hospital" is a hospital, "Stoke-on-Trent" one place;
* a cue says what follows: "in Polish" is a language, "in Poole" a place, "covered by
  Exeter" an insurer, "near Exeter" a place;
* a bare place (no cue) counts only at the start or the end of what is left, and never
  after an honorific ("Dr Preston" is a person); towns that are everyday words
  ("Reading", "Bath") need a cue;
* filler ("I need a", "who can help with") and generic words ("consultant", "doctor")
  are dropped from the text, so they alone answer everyone rather than no one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from chalicelib.geo import GeoPoint
from chalicelib.geocoding.names import FULL_POSTCODE, INWARD, OUTWARD
from chalicelib.search import arrangements, phrases
from chalicelib.slugs import fold

T = TypeVar("T")
PartKind = Literal[
    "place", "insurer", "language", "gender", "children", "booking", "hospital",
    "consultation", "availability", "fee", "sort",
]  # fmt: skip
MAX_PHRASE_WORDS = 6
MAX_RADIUS_MILES = 200.0

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_NUMBER = re.compile(r"[0-9]{1,3}(?:[.][0-9])?")


@dataclass(frozen=True)
class Hospital:
    id: str
    name: str
    point: GeoPoint


@dataclass(frozen=True)
class Place:
    label: str
    point: GeoPoint


@dataclass(frozen=True)
class Vocabulary:
    """What the catalog and the gazetteer hold, keyed by folded phrase."""

    insurers: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # phrase -> (slug, label)
    insurer_cued: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # only after a cue or before a suffix
    languages: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # phrase -> (slug, label)
    hospitals: Mapping[str, Hospital] = field(default_factory=dict)  # full names and "X Hospital" forms
    hospital_places: Mapping[str, Hospital] = field(default_factory=dict)  # short names: "near Hendon"
    hospital_ids: Mapping[str, Hospital] = field(default_factory=dict)  # for the `near` parameter
    locate: Callable[[str], Place | None] = lambda _key: None  # a folded phrase to a gazetteer place
    words: frozenset[str] = frozenset()  # the catalog's own words: spelled right
    treatments: Mapping[str, str] = field(default_factory=dict)  # the catalog's treatments: slug -> label

    def spells(self, text: str) -> bool:
        """Whether every word of ``text`` is one the catalog uses (a plural too)."""
        words = [token.group() for token in _TOKEN.finditer(fold(text))]
        return bool(words) and all(word in self.words or word.rstrip("s") in self.words for word in words)


@dataclass(frozen=True)
class Part:
    kind: PartKind
    label: str
    words: str  # the exact characters of the query it came from
    value: str | bool | int | None = None


@dataclass(frozen=True)
class Understanding:
    text: str
    parts: tuple[Part, ...] = ()
    place: Place | None = None
    radius_miles: float | None = None

    def values(self, kind: PartKind) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(part.value) for part in self.parts if part.kind == kind and part.value))

    def flag(self, kind: PartKind) -> bool | None:
        return True if any(part.kind == kind for part in self.parts) else None

    def least(self, kind: PartKind) -> int | None:
        """The tightest of the numbers said: "under £200 ... under £150" is £150."""
        return min((part.value for part in self.parts if part.kind == kind and type(part.value) is int), default=None)


@dataclass(frozen=True)
class _Token:
    folded: str
    start: int
    end: int


@dataclass(frozen=True)
class _Match:
    end: int  # index of the first token after the match
    part: Part | None  # None: understood but nothing to filter on (filler, "near me", self-pay)
    place: Place | None = None
    radius: float | None = None


def understand(q: str, vocabulary: Vocabulary) -> Understanding:
    """Read ``q`` into its understood parts and the words left to match."""
    tokens = [_Token(fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(q)]
    tokens = [token for token in tokens if token.folded]
    reader = _Reader(q, tokens, vocabulary)
    return reader.read()


class _Reader:
    def __init__(self, q: str, tokens: list[_Token], vocabulary: Vocabulary) -> None:
        self._q = q
        self._tokens = tokens
        self._words = [token.folded for token in tokens]
        self._v = vocabulary
        self._line = arrangements.Line(q, tuple(self._words), tuple((token.start, token.end) for token in tokens))

    def read(self) -> Understanding:
        matches: dict[int, _Match] = {}
        i = 0
        while i < len(self._tokens):
            match = None if self._after_honorific(i) else self._arrangement(i) or self._cued(i) or self._bare(i)
            if match is None:
                i += 1
                continue
            matches[i] = match
            i = match.end
        self._bare_places(matches)
        return self._result(matches)

    # --- what is understood where -------------------------------------------------------
    def _arrangement(self, i: int) -> _Match | None:
        """How, when and for how much: first, so "online consultation" is video, not booking online."""
        found = arrangements.read(self._line, i)
        return None if found is None else _Match(found.end, Part(found.kind, found.label, found.words, found.value))

    def _cued(self, i: int) -> _Match | None:
        """A cue and what it announces: "within 5 miles of X", "near X", "covered by X", "speaks X"."""
        return self._radius(i) or self._after_cue(i) or self._before_suffix(i)

    def _radius(self, i: int) -> _Match | None:
        words = self._words
        if words[i] != "within" or i + 2 >= len(words) or not _NUMBER.fullmatch(words[i + 1]):
            return None
        if words[i + 2] not in phrases.RADIUS_UNITS:
            return None
        radius = min(max(float(words[i + 1]), 0.1), MAX_RADIUS_MILES)
        j = i + 3
        if j < len(words) and words[j] in phrases.RADIUS_JOINS:
            place = self._place_at(j + 1, cued=True)
            if place is not None:
                end, found = place
                return _Match(
                    end, self._part("place", f"within {radius:g} miles of {found.label}", i, end), found, radius
                )
        return _Match(j, None, None, radius)

    def _after_cue(self, i: int) -> _Match | None:
        for cue_end in self._phrase_ends(i):
            cue = " ".join(self._words[i:cue_end])
            if cue_end >= len(self._words):
                continue
            if cue in phrases.LANGUAGE_CUES and (found := self._longest(cue_end, self._v.languages)):
                end, (slug, label) = found
                return _Match(end, self._part("language", f"Speaks {label}", i, end, slug))
            if cue in phrases.INSURER_CUES and (found := self._insurer(cue_end, cued=True)):
                end, (slug, label) = found
                return _Match(end, self._part("insurer", f"Covered by {label}", i, end, slug))
            if cue in phrases.HOSPITAL_CUES and (hospital := self._longest(cue_end, self._v.hospitals)):
                end, h = hospital
                return _Match(end, self._part("hospital", f"At {h.name}", i, end, h.id))
            if cue in phrases.PLACE_CUES and (place := self._place_at(cue_end, cued=True)):
                end, found_place = place
                return _Match(end, self._part("place", f"near {found_place.label}", i, end), found_place)
        return None

    def _before_suffix(self, i: int) -> _Match | None:
        """ "Bupa patient", "Gujarati speaking", "Polish-speaking"."""
        insurer = self._insurer(i, cued=True)
        if insurer is not None:
            end, (slug, label) = insurer
            suffix_end = self._phrase(end, phrases.INSURER_SUFFIXES)
            if suffix_end is not None:
                return _Match(suffix_end, self._part("insurer", f"Covered by {label}", i, suffix_end, slug))
        language = self._longest(i, self._v.languages)
        if language is not None:
            end, (slug, label) = language
            suffix_end = self._phrase(end, phrases.LANGUAGE_SUFFIXES)
            if suffix_end is not None:
                return _Match(suffix_end, self._part("language", f"Speaks {label}", i, suffix_end, slug))
        return None

    def _bare(self, i: int) -> _Match | None:
        """What is understood without a cue: vocabulary and the curated phrases."""
        if found := self._longest(i, self._v.hospitals):
            end, hospital = found
            return _Match(end, self._part("hospital", f"At {hospital.name}", i, end, hospital.id))
        if found_insurer := self._insurer(i, cued=False):
            end, (slug, label) = found_insurer
            return _Match(end, self._part("insurer", f"Covered by {label}", i, end, slug))
        if found_language := self._longest(i, self._v.languages):
            end, (slug, label) = found_language
            return _Match(end, self._part("language", f"Speaks {label}", i, end, slug))
        if (stop := self._phrase(i, phrases.SELF_PAY)) is not None:
            return _Match(stop, self._part("insurer", "Self-pay", i, stop))
        if (stop := self._phrase(i, phrases.NEAR_ME)) is not None:
            return _Match(stop, None)
        if (stop := self._phrase(i, phrases.BOOKING_PHRASES)) is not None:
            return _Match(stop, self._part("booking", "Book online", i, stop, True))
        if self._words[i] in phrases.GENDER_WORDS:
            gender = phrases.GENDER_WORDS[self._words[i]]
            return _Match(i + 1, self._part("gender", gender.capitalize(), i, i + 1, gender))
        if (stop := self._child_age(i)) is not None:
            return _Match(stop, self._part("children", "Sees children", i, stop, True))
        if (stop := self._phrase(i, phrases.CHILDREN_PHRASES)) is not None:
            return _Match(stop, self._part("children", "Sees children", i, stop, True))
        return None

    def _child_age(self, i: int) -> int | None:
        """ "7 year old", "3-year-old", "14 months old": the patient is a child."""
        words = self._words
        if not words[i].isdigit() or i + 2 >= len(words) or words[i + 1] not in phrases.CHILD_AGE_UNITS:
            return None
        if words[i + 2] != "old":
            return None
        years = int(words[i]) if words[i + 1] in ("year", "years", "yr", "yrs") else 0
        return i + 3 if years < phrases.CHILD_AGE_BELOW_YEARS else None

    def _bare_places(self, matches: dict[int, _Match]) -> None:
        """A place without a cue: "dermatologist Bristol", "SW19 varicose veins". Only at the
        start or the end of the words left over, so a place word inside a phrase stays text."""
        if any(match.place is not None for match in matches.values()):
            return
        left = self._leftover(matches)
        runs = [left[:k] for k in range(min(len(left), 4), 0, -1)] + [
            left[-k:] for k in range(min(len(left), 4), 0, -1)
        ]
        for run in runs:
            if run != list(range(run[0], run[-1] + 1)) or self._after_honorific(run[0]):
                continue
            found = self._place_span(run[0], run[-1] + 1, cued=False)
            if found is not None:
                matches[run[0]] = _Match(
                    run[-1] + 1, self._part("place", f"near {found.label}", run[0], run[-1] + 1), found
                )
                return

    # --- vocabulary lookups ------------------------------------------------------------
    def _phrase_ends(self, i: int) -> list[int]:
        """The ends of the phrases starting at ``i``, longest first."""
        return list(range(min(len(self._words), i + MAX_PHRASE_WORDS), i, -1))

    def _longest(self, i: int, table: Mapping[str, T]) -> tuple[int, T] | None:
        for end in self._phrase_ends(i):
            found = table.get(" ".join(self._words[i:end]))
            if found is not None:
                return end, found
        return None

    def _phrase(self, i: int, known: frozenset[str]) -> int | None:
        """The end of the longest of the ``known`` phrases starting at ``i``."""
        for end in self._phrase_ends(i):
            if " ".join(self._words[i:end]) in known:
                return end
        return None

    def _insurer(self, i: int, *, cued: bool) -> tuple[int, tuple[str, str]] | None:
        found = self._longest(i, self._v.insurers)
        if cued:
            short = self._longest(i, self._v.insurer_cued)
            if short is not None and (found is None or short[0] > found[0]):
                return short
        return found

    def _place_at(self, i: int, *, cued: bool) -> tuple[int, Place] | None:
        for end in self._phrase_ends(i):
            place = self._place_span(i, end, cued=cued)
            if place is not None:
                return end, place
        return None

    def _place_span(self, start: int, end: int, *, cued: bool) -> Place | None:
        words = self._words[start:end]
        phrase = " ".join(words)
        if not cued and phrase in phrases.CUE_ONLY_TOWNS:
            return None
        if OUTWARD.fullmatch(phrase) or FULL_POSTCODE.fullmatch(phrase) or self._postcode_pair(words):
            if start > 0 and self._words[start - 1] in phrases.NOT_POSTCODE_AFTER:
                return None
            place = self._v.locate(phrase)
            return None if place is None else Place(place.label.upper(), place.point)
        if any(ch.isdigit() for ch in phrase):
            return None
        place = self._v.locate(phrase)
        if place is not None:
            return place
        hospital = self._v.hospital_places.get(phrase) if cued else None
        return (
            None
            if hospital is None
            else Place(self._q[self._tokens[start].start : self._tokens[end - 1].end].title(), hospital.point)
        )

    @staticmethod
    def _postcode_pair(words: list[str]) -> bool:
        return len(words) == 2 and bool(OUTWARD.fullmatch(words[0])) and bool(INWARD.fullmatch(words[1]))

    # --- assembling ----------------------------------------------------------------------
    def _after_honorific(self, i: int) -> bool:
        return i > 0 and self._words[i - 1] in phrases.HONORIFICS

    def _leftover(self, matches: dict[int, _Match]) -> list[int]:
        covered = _covered(matches)
        return [i for i in range(len(self._tokens)) if i not in covered and not self._is_filler(i)]

    def _is_filler(self, i: int) -> bool:
        word = self._words[i]
        return word in phrases.GENERIC_WORDS or word in _FILLER_WORDS

    def _part(self, kind: PartKind, label: str, start: int, end: int, value: str | bool | None = None) -> Part:
        words = self._q[self._tokens[start].start : self._tokens[end - 1].end]
        return Part(kind, label, words, value)

    def _result(self, matches: dict[int, _Match]) -> Understanding:
        text_tokens = self._text_tokens(matches)
        place = next((m.place for m in matches.values() if m.place is not None), None)
        radius = next((m.radius for m in matches.values() if m.radius is not None), None)
        ordered = [matches[start] for start in sorted(matches)]
        parts = tuple(match.part for match in ordered if match.part is not None)
        text = " ".join(self._q[token.start : token.end] for token in text_tokens)
        return Understanding(text=text, parts=parts, place=place, radius_miles=radius)

    def _text_tokens(self, matches: dict[int, _Match]) -> list[_Token]:
        """The words still to match: neither understood, nor filler, nor generic. A name after
        an honorific is kept whole, so "Dr Best" still looks for Best."""
        covered = _covered(matches)
        kept: list[_Token] = []
        i = 0
        while i < len(self._tokens):
            if i in covered:
                i += 1
                continue
            end = self._filler_end(i)
            if end is not None and not self._after_honorific(i):
                i = end
                continue
            if self._words[i] not in phrases.HONORIFICS:
                kept.append(self._tokens[i])
            i += 1
        return kept

    def _filler_end(self, i: int) -> int | None:
        if self._words[i] in phrases.GENERIC_WORDS:
            return i + 1
        return self._phrase(i, phrases.FILLER_PHRASES)


def _covered(matches: dict[int, _Match]) -> set[int]:
    """The positions of the tokens the matches took."""
    return {i for start, match in matches.items() for i in range(start, match.end)}


_FILLER_WORDS = frozenset(phrase for phrase in phrases.FILLER_PHRASES if " " not in phrase)
