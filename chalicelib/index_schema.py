"""The specialists index, defined once: field names, analysis, mapping, the document built
from a catalog record, and that document read back. The indexer creates each new index
from :func:`index_body` and fills it with :func:`to_document`; the search builds its
queries on the field names below and reads what they find with :func:`from_document`,
so no other module knows the document's keys. ``docs/search-schema.md`` explains the choices.

Importing this module is cheap (the api Lambda does it on a cold start): the synonyms
file is read, and ``importlib.resources`` imported, on the first :func:`index_body` call
only, which only the indexer makes.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from chalicelib.geo import GeoPoint
from chalicelib.slugs import slugify

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import datetime

    from chalicelib.catalog import Hospital, Specialist

# --- Fields ----------------------------------------------------------------------------
ID = "id"
NAME = "name"  # the display name ("Dr Krish Nandy"), searched with the name analyzer
SORT_NAME = "sort_name"  # "nandy krish": A-Z by surname
GENDER = "gender"  # "female" | "male"
SEES_CHILDREN = "sees_children"
BOOKABLE_ONLINE = "bookable_online"
# Free text: all share one analyzer pair, so a cross_fields multi_match blends them.
TITLE = "title"
QUALIFICATIONS = "qualifications"
SPECIALTIES = "specialties"
TREATMENTS = "treatments"
CONDITIONS = "conditions"
HOSPITAL_NAMES = "hospital_names"
BIO = "bio"
FREE_TEXT_FIELDS = (SPECIALTIES, TREATMENTS, CONDITIONS, TITLE, HOSPITAL_NAMES, QUALIFICATIONS, BIO)
# Typeahead: edge n-grams of whole words, matched with a plain `match` query.
NAME_PREFIX = f"{NAME}.prefix"
SPECIALTIES_PREFIX = f"{SPECIALTIES}.prefix"
TREATMENTS_PREFIX = f"{TREATMENTS}.prefix"
CONDITIONS_PREFIX = f"{CONDITIONS}.prefix"
HOSPITAL_NAMES_PREFIX = f"{HOSPITAL_NAMES}.prefix"
TYPEAHEAD_FIELDS = (NAME_PREFIX, SPECIALTIES_PREFIX, TREATMENTS_PREFIX, CONDITIONS_PREFIX, HOSPITAL_NAMES_PREFIX)
# Facets: filter on the slugs (slugify the user's value), count on the labels; the slug
# of a label bucket is slugify(label).
SPECIALTY_SLUGS = "specialty_slugs"
SPECIALTY_LABELS = f"{SPECIALTIES}.keyword"
TREATMENT_SLUGS = "treatment_slugs"
TREATMENT_LABELS = f"{TREATMENTS}.keyword"
CONDITION_SLUGS = "condition_slugs"
CONDITION_LABELS = f"{CONDITIONS}.keyword"
LANGUAGES = "languages"  # labels, keyword
LANGUAGE_SLUGS = "language_slugs"
INSURERS = "insurers"  # labels, keyword
INSURER_SLUGS = "insurer_slugs"
HOSPITAL_IDS = "hospital_ids"
# Hospitals, primary first. Nested so that a hospital's id, name and location stay
# together: a nested terms aggregation on hospitals.id with a sub-aggregation on
# hospitals.name labels the hospital facet; a nested geo sort finds the nearest one.
HOSPITALS = "hospitals"
HOSPITAL_ID = f"{HOSPITALS}.id"
HOSPITAL_NAME = f"{HOSPITALS}.name"
HOSPITAL_POSTCODE = f"{HOSPITALS}.postcode"
HOSPITAL_LOCATION = f"{HOSPITALS}.location"
HOSPITAL_ENQUIRIES_EMAIL = f"{HOSPITALS}.enquiries_email"  # stored only: the team's address, never shown
# Stored only, for an enquiry's reply deadline: where it is escalated, and the hospital's own deadline.
HOSPITAL_ESCALATION_EMAIL = f"{HOSPITALS}.escalation_email"
HOSPITAL_REPLY_WORKING_HOURS = f"{HOSPITALS}.reply_working_hours"
# The specialist's first free slot at the hospital and when the booking system reported it:
# dates, so that a nested query filters and sorts on them (a slot is a promise only while
# its as-of time is recent; :mod:`chalicelib.search.availability`). The availability feed
# rewrites these two and nothing else in the live index (:mod:`indexer.availability`).
HOSPITAL_NEXT_AVAILABLE = f"{HOSPITALS}.next_available"
HOSPITAL_NEXT_AVAILABLE_AS_OF = f"{HOSPITALS}.next_available_as_of"
# What a search's hits leave out of each hospital: read only for routing an enquiry.
HOSPITAL_STORED_ONLY = (HOSPITAL_ENQUIRIES_EMAIL, HOSPITAL_ESCALATION_EMAIL, HOSPITAL_REPLY_WORKING_HOURS)
LOCATIONS = "locations"  # every hospital's geo_point: geo_distance filter and sort (nearest wins)
# "Did you mean": the words of names, specialties, treatments, conditions and hospitals,
# folded but not stemmed (a correction must be a real word), with word pairs and
# triples in SPELLING_SHINGLES for the phrase suggester's language model.
SPELLING = "spelling"
SPELLING_SHINGLES = f"{SPELLING}.shingles"
SPELLING_ANALYZER = "spelling"
# Card and profile only: stored in _source, not searchable.
HONORIFIC = "honorific"
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
BOOKING_URL = "booking_url"
PROFILE_URL = "profile_url"
PHOTO_URL = "photo_url"
UPDATED_AT = "updated_at"
# Fees, consultation types and the GMC register (issue 16). Only the initial consultation's
# self-pay fee is searched (filter and sort, as FEE_FROM); the rest is read by the profile.
FEE_FROM = "fee_from"  # pence: the initial consultation's self-pay fee
CONSULTATION_TYPES = "consultation_types"  # keyword: in_person | video | phone
GMC_NUMBER = "gmc_number"
REGISTRATION = "registration"  # stored only: status, specialist_register, verified_at
FEES = "fees"  # stored only: as the catalog gives them

# --- Analysis --------------------------------------------------------------------------
TEXT_ANALYZER = "english_index"
SEARCH_ANALYZER = "english_search"  # TEXT_ANALYZER plus synonyms, minus query noise
FUZZY_ANALYZER = "english_fuzzy"  # TEXT_ANALYZER minus query noise: no synonyms to blur
NAME_ANALYZER = "person_name"
TYPEAHEAD_ANALYZER = "typeahead_search"  # what the *.prefix fields search with, names excepted
SYNONYMS_FILE = "synonyms.txt"  # next to this module


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Lucene's English stop words (the stop filter's "_english_"), listed so that the stemmer
# can be told to leave them alone: the stop filters run after stemming (synonym rules are
# stemmed with the text they match), and Porter turns "this" into "thi".
STOP_WORDS = _words(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there"
    " these they this to was will with"
)
# Words a patient adds that every profile would match; dropped from queries only, after
# the synonyms, so "skin doctor" is the "skin" rule and "heart doctor near me" is "heart".
QUERY_NOISE = _words(
    "doctor doctors dr specialist specialists consultant consultants expert experts mr mrs ms miss prof"
    " professor near nearby me my best top good local private problem problems issue issues trouble"
)
_HONORIFICS = "dr|mr|mrs|ms|miss|mx|prof|professor|doctor|sir|dame"


def index_body(shards: int = 1) -> dict[str, Any]:
    """Settings and mappings for a new index. Deterministic: the same files give the same body."""
    return {
        "settings": {"number_of_shards": shards, "analysis": _analysis()},
        "mappings": {"dynamic": "strict", "properties": _properties()},
    }


def to_document(specialist: Specialist) -> dict[str, Any]:
    """The indexed document: searchable fields, facet slugs and the card's fields."""
    hospitals = specialist.hospitals
    return {
        ID: specialist.id,
        NAME: specialist.display_name,
        HONORIFIC: specialist.honorific,
        FIRST_NAME: specialist.first_name,
        LAST_NAME: specialist.last_name,
        SORT_NAME: f"{specialist.last_name} {specialist.first_name}",
        GENDER: specialist.gender,
        SEES_CHILDREN: specialist.sees_children,
        BOOKABLE_ONLINE: specialist.bookable_online,
        TITLE: specialist.title,
        QUALIFICATIONS: specialist.qualifications,
        SPECIALTIES: list(specialist.specialties),
        SPECIALTY_SLUGS: _slugs(specialist.specialties),
        TREATMENTS: list(specialist.treatments),
        TREATMENT_SLUGS: _slugs(specialist.treatments),
        CONDITIONS: list(specialist.conditions),
        CONDITION_SLUGS: _slugs(specialist.conditions),
        LANGUAGES: list(specialist.languages),
        LANGUAGE_SLUGS: _slugs(specialist.languages),
        INSURERS: list(specialist.insurers),
        INSURER_SLUGS: _slugs(specialist.insurers),
        HOSPITALS: [_hospital(hospital) for hospital in hospitals],
        HOSPITAL_IDS: [hospital.id for hospital in hospitals],
        HOSPITAL_NAMES: [hospital.name for hospital in hospitals],
        LOCATIONS: [_point(hospital) for hospital in hospitals],
        BIO: specialist.bio,
        BOOKING_URL: specialist.booking_url,
        PROFILE_URL: specialist.profile_url,
        PHOTO_URL: specialist.photo_url,
        UPDATED_AT: _timestamp(specialist.updated_at),
        FEE_FROM: specialist.fees.initial_consultation if specialist.fees else None,
        CONSULTATION_TYPES: list(specialist.consultation_types),
        GMC_NUMBER: specialist.gmc_number,
        REGISTRATION: specialist.registration.model_dump(mode="json") if specialist.registration else None,
        FEES: specialist.fees.model_dump(mode="json") if specialist.fees else None,
    }


def _timestamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _slugs(labels: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(slug for slug in map(slugify, labels) if slug))


def _point(hospital: Hospital) -> dict[str, float]:
    return {"lat": hospital.lat, "lon": hospital.lon}


def _hospital(hospital: Hospital) -> dict[str, Any]:
    return {
        "id": hospital.id,
        "name": hospital.name,
        "postcode": hospital.postcode,
        "location": _point(hospital),
        "enquiries_email": hospital.enquiries_email,
        "escalation_email": hospital.escalation_email,
        "reply_working_hours": hospital.reply_working_hours,
        "next_available": _timestamp(slot.at) if (slot := hospital.next_available) else None,
        "next_available_as_of": _timestamp(slot.as_of) if slot else None,
    }


# --- The document read back --------------------------------------------------------------
class HospitalView(NamedTuple):
    """One of a specialist's hospitals as the index holds it. Every read returns a hospital
    whole, but for the team's address, which a search leaves out (None then)."""

    id: str
    name: str
    postcode: str | None
    lat: float
    lon: float
    enquiries_email: str | None
    escalation_email: str | None = None
    reply_working_hours: int | None = None
    next_available: str | None = None  # RFC 3339, as indexed
    next_available_as_of: str | None = None

    @property
    def point(self) -> GeoPoint:
        return GeoPoint(self.lat, self.lon)


class SpecialistSummary(NamedTuple):
    """A search hit: the fields a result card shows (:func:`summary_from_document`), read
    for every hit of every search, so no more than those."""

    id: str
    name: str  # "Dr Krish Nandy"
    title: str | None
    qualifications: str | None
    specialties: list[str]
    hospitals: list[HospitalView]  # primary first
    bookable_online: bool
    profile_url: str | None
    booking_url: str | None
    fee_from: int | None  # pence
    consultation_types: list[str]


class RegistrationView(NamedTuple):
    status: str
    specialist_register: list[str]
    verified_at: str  # RFC 3339


class InsurerArrangementView(NamedTuple):
    insurer: str
    fee_capped: bool
    shortfall_possible: bool


class FeesView(NamedTuple):
    initial_consultation: int | None  # pence
    follow_up: int | None
    currency: str
    updated_at: str  # RFC 3339
    insurer_arrangements: list[InsurerArrangementView]


class SpecialistView(NamedTuple):
    """A specialist's whole document, typed (:func:`from_document`): what a profile, typeahead
    and an enquiry's routing read; search helpers (slugs, sort name, locations) stay in the
    index."""

    id: str
    name: str  # "Dr Krish Nandy"
    honorific: str | None
    first_name: str
    last_name: str
    title: str | None
    qualifications: str | None
    gender: Literal["female", "male"] | None
    specialties: list[str]
    treatments: list[str]
    conditions: list[str]
    languages: list[str]
    insurers: list[str]
    sees_children: bool
    bookable_online: bool
    hospitals: list[HospitalView]  # primary first
    bio: str | None
    booking_url: str | None
    profile_url: str | None
    photo_url: str | None
    updated_at: str | None  # RFC 3339, as indexed
    gmc_number: str | None = None
    registration: RegistrationView | None = None
    fees: FeesView | None = None
    consultation_types: list[str] = []  # noqa: RUF012 - NamedTuple default, never mutated


def from_document(source: Mapping[str, Any]) -> SpecialistView:
    """The inverse of :func:`to_document`: the document, or the part of it a request's
    ``_source`` asked for (a field left out reads as None, "" or []), as a typed view.
    Reads only: the index holds what :func:`to_document` wrote."""
    get = source.get
    return SpecialistView(
        get(ID, ""),
        get(NAME, ""),
        get(HONORIFIC),
        get(FIRST_NAME, ""),
        get(LAST_NAME, ""),
        get(TITLE),
        get(QUALIFICATIONS),
        get(GENDER),
        get(SPECIALTIES, []),
        get(TREATMENTS, []),
        get(CONDITIONS, []),
        get(LANGUAGES, []),
        get(INSURERS, []),
        bool(get(SEES_CHILDREN)),
        bool(get(BOOKABLE_ONLINE)),
        [_hospital_view(hospital) for hospital in get(HOSPITALS, ())],
        get(BIO),
        get(BOOKING_URL),
        get(PROFILE_URL),
        get(PHOTO_URL),
        get(UPDATED_AT),
        get(GMC_NUMBER),
        _registration_view(get(REGISTRATION)),
        _fees_view(get(FEES)),
        get(CONSULTATION_TYPES, []),
    )


def _registration_view(registration: Mapping[str, Any] | None) -> RegistrationView | None:
    if registration is None:
        return None
    return RegistrationView(
        registration["status"], registration.get("specialist_register", []), registration["verified_at"]
    )


def _fees_view(fees: Mapping[str, Any] | None) -> FeesView | None:
    if fees is None:
        return None
    arrangements = [
        InsurerArrangementView(item["insurer"], item["fee_capped"], item["shortfall_possible"])
        for item in fees.get("insurer_arrangements", ())
    ]
    return FeesView(
        fees.get("initial_consultation"), fees.get("follow_up"), fees["currency"], fees["updated_at"], arrangements
    )


# The card's read runs for every hit of every search: it builds its tuples with tuple.__new__
# straight, as a NamedTuple's own constructor is one Python call more per hit and hospital.
_new = tuple.__new__


def summary_from_document(source: Mapping[str, Any]) -> SpecialistSummary:
    """:func:`from_document` for a search hit: only what a result card shows."""
    get = source.get
    summary = (
        get(ID, ""),
        get(NAME, ""),
        get(TITLE),
        get(QUALIFICATIONS),
        get(SPECIALTIES, []),
        [_hospital_view(hospital) for hospital in get(HOSPITALS, ())],
        bool(get(BOOKABLE_ONLINE)),
        get(PROFILE_URL),
        get(BOOKING_URL),
        get(FEE_FROM),
        get(CONSULTATION_TYPES, []),
    )
    return _new(SpecialistSummary, summary)


def _hospital_view(hospital: Mapping[str, Any]) -> HospitalView:
    location = hospital["location"]
    fields = (
        hospital["id"],
        hospital["name"],
        hospital.get("postcode"),
        location["lat"],
        location["lon"],
        hospital.get("enquiries_email"),
        hospital.get("escalation_email"),
        hospital.get("reply_working_hours"),
        hospital.get("next_available"),
        hospital.get("next_available_as_of"),
    )
    return _new(HospitalView, fields)


# --- Mapping ---------------------------------------------------------------------------
# Builders rather than shared dicts: each body is a fresh tree that a caller may change.
def _keyword() -> dict[str, Any]:
    return {"type": "keyword"}


def _label() -> dict[str, Any]:
    return {"type": "keyword", "ignore_above": 256}


def _stored_only() -> dict[str, Any]:
    return {"type": "keyword", "index": False, "doc_values": False}


def _free_text(*, labels: bool = False, prefix: bool = False) -> dict[str, Any]:
    subfields: dict[str, Any] = {}
    if labels:
        subfields["keyword"] = _label()
    if prefix:
        subfields["prefix"] = {"type": "text", "analyzer": "typeahead_index", "search_analyzer": TYPEAHEAD_ANALYZER}
    field: dict[str, Any] = {"type": "text", "analyzer": TEXT_ANALYZER, "search_analyzer": SEARCH_ANALYZER}
    return {**field, "fields": subfields} if subfields else field


def _properties() -> dict[str, Any]:
    return {
        ID: _keyword(),
        NAME: {
            "type": "text",
            "analyzer": NAME_ANALYZER,
            "copy_to": [SPELLING],
            "fields": {"prefix": {"type": "text", "analyzer": "person_name_prefix", "search_analyzer": NAME_ANALYZER}},
        },
        HONORIFIC: _stored_only(),
        FIRST_NAME: _stored_only(),
        LAST_NAME: _stored_only(),
        SORT_NAME: {"type": "keyword", "normalizer": "folded"},
        GENDER: _keyword(),
        SEES_CHILDREN: {"type": "boolean"},
        BOOKABLE_ONLINE: {"type": "boolean"},
        TITLE: _free_text(),
        QUALIFICATIONS: _free_text(),
        SPECIALTIES: {**_free_text(labels=True, prefix=True), "copy_to": [SPELLING]},
        SPECIALTY_SLUGS: _keyword(),
        TREATMENTS: {**_free_text(labels=True, prefix=True), "copy_to": [SPELLING]},
        TREATMENT_SLUGS: _keyword(),
        CONDITIONS: {**_free_text(labels=True, prefix=True), "copy_to": [SPELLING]},
        CONDITION_SLUGS: _keyword(),
        LANGUAGES: _label(),
        LANGUAGE_SLUGS: _keyword(),
        INSURERS: _label(),
        INSURER_SLUGS: _keyword(),
        HOSPITALS: {
            "type": "nested",
            "properties": {
                "id": _keyword(),
                "name": _label(),
                "postcode": _keyword(),
                "location": {"type": "geo_point"},
                "enquiries_email": _stored_only(),
                "escalation_email": _stored_only(),
                "reply_working_hours": {"type": "integer", "index": False, "doc_values": False},
                "next_available": {"type": "date"},
                "next_available_as_of": {"type": "date"},
            },
        },
        HOSPITAL_IDS: _keyword(),
        HOSPITAL_NAMES: {**_free_text(prefix=True), "copy_to": [SPELLING]},
        SPELLING: {
            "type": "text",
            "analyzer": SPELLING_ANALYZER,
            "fields": {"shingles": {"type": "text", "analyzer": "spelling_shingles"}},
        },
        LOCATIONS: {"type": "geo_point"},
        BIO: _free_text(),
        BOOKING_URL: _stored_only(),
        PROFILE_URL: _stored_only(),
        PHOTO_URL: _stored_only(),
        UPDATED_AT: {"type": "date"},
        FEE_FROM: {"type": "integer"},
        CONSULTATION_TYPES: _keyword(),
        GMC_NUMBER: _keyword(),
        REGISTRATION: {"type": "object", "enabled": False},
        FEES: {"type": "object", "enabled": False},
    }


# --- Analysis settings -------------------------------------------------------------------
def _chain(*filters: str, char_filters: tuple[str, ...] = ()) -> dict[str, Any]:
    """A custom analyzer on the standard tokenizer: Unicode words, punctuation dropped."""
    analyzer: dict[str, Any] = {"type": "custom", "tokenizer": "standard", "filter": list(filters)}
    return {**analyzer, "char_filter": list(char_filters)} if char_filters else analyzer


def _analysis() -> dict[str, Any]:
    # Every chain folds case and accents before anything matches on its tokens.
    english = ("english_possessive", "lowercase", "asciifolding", "protect_stop_words", "english_stemmer")
    person_name = ("drop_honorifics", "split_apostrophes")
    folded = ("lowercase", "asciifolding")
    return {
        "char_filter": {
            # Honorifics go before tokenizing, so they leave no gap for the shingles.
            "drop_honorifics": {
                "type": "pattern_replace",
                "pattern": rf"(?i)(?<![\p{{L}}\p{{N}}])(?:{_HONORIFICS})(?![\p{{L}}\p{{N}}])\.?",
                "replacement": " ",
            },
            # O'Flynn -> "O Flynn": the shingles below add "oflynn", so all three spellings meet.
            "split_apostrophes": {"type": "pattern_replace", "pattern": "['\u2018\u2019`]", "replacement": " "},
            # Women's -> "Womens": one word to complete while typing.
            "join_apostrophes": {"type": "pattern_replace", "pattern": "['\u2018\u2019`]", "replacement": ""},
        },
        "filter": {
            "english_possessive": {"type": "stemmer", "language": "possessive_english"},
            "protect_stop_words": {"type": "keyword_marker", "keywords": sorted({*STOP_WORDS, *QUERY_NOISE})},
            "english_stemmer": {"type": "stemmer", "language": "english"},
            "synonyms": {"type": "synonym_graph", "synonyms": list(synonym_rules())},
            "english_stop": {"type": "stop", "stopwords": list(STOP_WORDS)},
            "query_noise": {"type": "stop", "stopwords": list(QUERY_NOISE)},
            # "Van der Berg" also as "vanderberg", "O Flynn" as "oflynn".
            "join_name_parts": {
                "type": "shingle",
                "min_shingle_size": 2,
                "max_shingle_size": 3,
                "output_unigrams": True,
                "token_separator": "",
            },
            "prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20, "preserve_original": True},
            "spelling_shingles": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3},
        },
        "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
        "analyzer": {
            TEXT_ANALYZER: _chain(*english, "english_stop"),
            SEARCH_ANALYZER: _chain(*english, "synonyms", "english_stop", "query_noise"),
            FUZZY_ANALYZER: _chain(*english, "english_stop", "query_noise"),
            NAME_ANALYZER: _chain(*folded, "join_name_parts", char_filters=person_name),
            "person_name_prefix": _chain(*folded, "join_name_parts", "prefixes", char_filters=person_name),
            "typeahead_index": _chain(*folded, "prefixes", char_filters=("join_apostrophes",)),
            TYPEAHEAD_ANALYZER: _chain(*folded, char_filters=("join_apostrophes",)),
            SPELLING_ANALYZER: _chain(*folded, char_filters=("join_apostrophes",)),
            "spelling_shingles": _chain(*folded, "spelling_shingles", char_filters=("join_apostrophes",)),
        },
    }


# --- Synonyms --------------------------------------------------------------------------
@functools.cache
def synonym_rules() -> tuple[str, ...]:
    """The rules of ``synonyms.txt``, read once per process (by the indexer, never on import;
    ``importlib.resources`` is imported here too, as it costs the api function's import more
    than the rest of this module)."""
    from importlib import resources

    text = resources.files("chalicelib").joinpath(SYNONYMS_FILE).read_text(encoding="utf-8")
    return parse_synonyms(text)


def parse_synonyms(text: str) -> tuple[str, ...]:
    """The rules of a Solr-format synonyms file, blank lines and ``#`` comments dropped.

    Raises ValueError naming the line of a rule with an empty term, a one-term equivalence,
    a term twice, or a phrase that already opens an earlier rule: OpenSearch would accept
    some of these and quietly merge or ignore them.
    """
    rules: list[str] = []
    opened_by: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        rule = line.strip()
        if not rule or rule.startswith("#"):
            continue
        sides = [[_term(term) for term in side.split(",")] for side in rule.split("=>")]
        one_term_equivalence = len(sides) == 1 and len(sides[0]) < 2
        if len(sides) > 2 or one_term_equivalence or any("" in side for side in sides):
            raise ValueError(f"synonyms line {number}: expected 'a, b, ...' or 'a, ... => b, ...': {rule!r}")
        for side in sides:
            if len(set(side)) < len(side):
                raise ValueError(f"synonyms line {number}: a term appears twice: {rule!r}")
        for term in sides[0]:
            if term in opened_by:
                raise ValueError(f"synonyms line {number}: {term!r} already opens line {opened_by[term]}")
            opened_by[term] = number
        rules.append(" => ".join(", ".join(side) for side in sides))
    return tuple(rules)


def _term(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())
