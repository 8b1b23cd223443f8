"""The vocabulary query understanding reads words against: the insurers, languages and
hospitals the live index holds, and the places of the offline gazetteer.

One aggregation request reads the index's part; the gazetteer is the table the offline
geocoder ships. Both are kept per warm container and the index's part is read again
after :data:`REFRESH_S`, so a reindex that adds an insurer is understood within minutes
without a request paying for it each time. Nothing here is a list of what the catalog
holds: only :mod:`chalicelib.search.phrases` is curated.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from chalicelib import index_schema as schema
from chalicelib.geo import GeoPoint
from chalicelib.search import phrases
from chalicelib.search.understanding import Hospital, Place, Vocabulary
from chalicelib.slugs import fold, slugify

if TYPE_CHECKING:
    from chalicelib.geocoding.offline import Place as GazetteerPlace
    from chalicelib.search.ports import SearchIndex

REFRESH_S = 600.0
_TERMS = 1000
_HOSPITALS = 5000
_LABELS = 5000
_LABEL_FIELDS = {
    "specialties": schema.SPECIALTY_LABELS,
    "treatments": schema.TREATMENT_LABELS,
    "conditions": schema.CONDITION_LABELS,
}
_WORD = re.compile(r"[a-z0-9]+")


def vocabulary_body() -> dict[str, Any]:
    return {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "insurers": {"terms": {"field": schema.INSURERS, "size": _TERMS}},
            **{name: {"terms": {"field": field, "size": _LABELS}} for name, field in _LABEL_FIELDS.items()},
            "languages": {"terms": {"field": schema.LANGUAGES, "size": _TERMS}},
            "hospitals": {
                "nested": {"path": schema.HOSPITALS},
                "aggs": {
                    "ids": {
                        "terms": {"field": schema.HOSPITAL_ID, "size": _HOSPITALS},
                        "aggs": {
                            "name": {"terms": {"field": schema.HOSPITAL_NAME, "size": 1}},
                            "centre": {"geo_centroid": {"field": schema.HOSPITAL_LOCATION}},
                        },
                    }
                },
            },
        },
    }


def _words(label: str) -> str:
    return " ".join(fold(label.replace("&", " and ")).replace("-", " ").split())


def _tokens(label: str) -> str:
    """A label as the reader's tokens join: punctuation between words is a space."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in _words(label)).split())


def insurer_phrases(labels: Iterable[str]) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Bare phrases (the label, the curated aliases) and cued-only ones (the label less
    "Health", "Care", "The": "covered by Allianz", never a bare "Exeter")."""
    held = {label: (slugify(label), label) for label in labels}
    bare = {_tokens(label): value for label, value in held.items()}
    for alias, label in phrases.INSURER_ALIASES.items():
        if label in held:
            bare.setdefault(_tokens(alias), held[label])
    cued: dict[str, tuple[str, str]] = {}
    for label, value in held.items():
        words = _tokens(label).split()
        if words and words[0] == "the":
            words = words[1:]
        short = " ".join(words)
        for tail in phrases.INSURER_LABEL_TAILS:
            if short.endswith(" " + tail):
                short = short[: -len(tail) - 1]
        if short and short not in bare:
            cued[short] = value
    return bare, cued


def hospital_phrases(hospitals: Iterable[Hospital]) -> tuple[dict[str, Hospital], dict[str, Hospital]]:
    """Names that say "hospital" ("BMI Hendon Hospital", "Hendon Hospital") and short names
    that are only places ("Hendon"), each with the hospital's id as a phrase too."""
    named: dict[str, Hospital] = {}
    short: dict[str, Hospital] = {}
    for hospital in hospitals:
        words = _tokens(hospital.name).split()
        kept = [word for word in words if word not in phrases.HOSPITAL_NAME_DROPS]
        for phrase in (words, kept, [w for w in words if w != "the"], [w for w in words if w != "bmi"]):
            if phrases.HOSPITAL_WORDS & set(phrase):
                named.setdefault(" ".join(phrase), hospital)
        bare = [word for word in kept if word not in phrases.HOSPITAL_WORDS]
        for name in (" ".join(bare), hospital.id.replace("-", " ")):
            if name:
                short.setdefault(name, hospital)
    return named, short


def to_vocabulary(raw: dict[str, Any], locate: Callable[[str], Place | None]) -> Vocabulary:
    aggregations = raw.get("aggregations", {})
    insurers, insurer_cued = insurer_phrases(b["key"] for b in aggregations["insurers"]["buckets"])
    languages = {_tokens(b["key"]): (slugify(b["key"]), b["key"]) for b in aggregations["languages"]["buckets"]}
    hospitals = [
        Hospital(
            b["key"],
            b["name"]["buckets"][0]["key"] if b["name"]["buckets"] else b["key"],
            GeoPoint(b["centre"]["location"]["lat"], b["centre"]["location"]["lon"]),
        )
        for b in aggregations["hospitals"]["ids"]["buckets"]
        if b["centre"].get("location")
    ]
    named, short = hospital_phrases(hospitals)
    ids = {hospital.id: hospital for hospital in hospitals}
    labels = [b["key"] for name in _LABEL_FIELDS for b in aggregations[name]["buckets"]]
    treatments: dict[str, str] = {}
    for bucket in aggregations["treatments"]["buckets"]:  # most offered first: it names a shared slug
        treatments.setdefault(slugify(bucket["key"]), bucket["key"])
    return Vocabulary(insurers, insurer_cued, languages, named, short, ids, locate, catalog_words(labels), treatments)


def catalog_words(labels: Iterable[str]) -> frozenset[str]:
    """The words of the catalog's specialties, treatments and conditions and of the synonym
    rules ("cardiologist"): words typed from these are spelled right, and not fuzzed."""
    text = " ".join([*labels, *schema.synonym_rules()])
    return frozenset(_WORD.findall(fold(text)))


class Gazetteer:
    """The offline table's places by folded phrase: towns by name, outward codes compact."""

    def __init__(self, places: Iterable[GazetteerPlace]) -> None:
        self._towns: dict[str, Place] = {}
        self._outward: dict[str, Place] = {}
        for place in places:
            if place.kind == "outward":
                self._outward[place.key] = Place(place.name.upper(), place.point)
            else:
                self._towns.setdefault(place.key, Place(place.name, place.point))

    def locate(self, phrase: str) -> Place | None:
        from chalicelib.geocoding.names import outward_code, place_key

        key = place_key(phrase)
        outward = outward_code(key)
        if outward is not None:
            return self._outward.get(outward)
        return self._towns.get(key)


@functools.cache
def gazetteer() -> Gazetteer:
    from chalicelib.geocoding.offline import read_places

    return Gazetteer(read_places())


class VocabularyCache:
    """The vocabulary per warm container: read on first use, again after ``refresh_s``."""

    def __init__(
        self, index: SearchIndex, refresh_s: float = REFRESH_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._index = index
        self._refresh_s = refresh_s
        self._clock = clock
        self._lock = threading.Lock()
        self._value: Vocabulary | None = None
        self._read_at = 0.0

    def get(self) -> Vocabulary:
        with self._lock:
            now = self._clock()
            if self._value is None or now - self._read_at >= self._refresh_s:
                self._value = to_vocabulary(self._index.search(vocabulary_body()), gazetteer().locate)
                self._read_at = now
            return self._value
