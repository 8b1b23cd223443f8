"""Query understanding reads a one-box line as a receptionist would: pure, no OpenSearch."""

from __future__ import annotations

import time

import pytest

from chalicelib.geo import GeoPoint
from chalicelib.search.understanding import Hospital, Understanding, Vocabulary, understand
from chalicelib.search.vocabulary import gazetteer, hospital_phrases, insurer_phrases

INSURERS = ("Bupa", "AXA Health", "Aviva", "Vitality", "WPA", "Allianz Care", "The Exeter", "General & Medical")
LANGUAGES = ("English", "Polish", "Gujarati", "Hindi", "French", "Welsh")
HOSPITALS = (
    Hospital("hendon", "BMI Hendon Hospital", GeoPoint(51.5963, -0.2258)),
    Hospital("priory", "BMI The Priory Hospital", GeoPoint(52.4560, -1.9090)),
    Hospital("cavell", "BMI The Cavell Hospital", GeoPoint(51.66, -0.098)),
    Hospital("london-independent", "BMI The London Independent Hospital", GeoPoint(51.5203, -0.0460)),
)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    insurers, cued = insurer_phrases(INSURERS)
    named, short = hospital_phrases(HOSPITALS)
    languages = {label.lower(): (label.lower(), label) for label in LANGUAGES}
    ids = {hospital.id: hospital for hospital in HOSPITALS}
    return Vocabulary(insurers, cued, languages, named, short, ids, gazetteer().locate)


def _read(q: str, vocabulary: Vocabulary) -> tuple[str, list[tuple[str, object, str]], str | None, float | None]:
    understood = understand(q, vocabulary)
    place = understood.place.label if understood.place else None
    return understood.text, [(p.kind, p.value, p.words) for p in understood.parts], place, understood.radius_miles


@pytest.mark.parametrize(
    ("q", "text", "parts", "place", "radius"),
    [
        ("spine surgeon in Nottingham", "spine surgeon", [("place", None, "in Nottingham")], "Nottingham", None),
        ("varicose veins near SW19", "varicose veins", [("place", None, "near SW19")], "SW19", None),
        ("psychiatrist near Hendon", "psychiatrist", [("place", None, "near Hendon")], "Hendon", None),
        ("dermatologist Bristol", "dermatologist", [("place", None, "Bristol")], "Bristol", None),
        ("Leeds knee surgeon", "knee surgeon", [("place", None, "Leeds")], "Leeds", None),
        ("NW4 1RP cardiologist", "cardiologist", [("place", None, "NW4 1RP")], "NW4", None),
        (
            "cardiologist around stoke-on-trent",
            "cardiologist",
            [("place", None, "around stoke-on-trent")],
            "Stoke-on-Trent",
            None,
        ),
        (
            "within 10 miles of Guildford knee surgeon",
            "knee surgeon",
            [("place", None, "within 10 miles of Guildford")],
            "Guildford",
            10.0,
        ),
        ("knee surgeon Guildford within 15 miles", "knee surgeon", [("place", None, "Guildford")], "Guildford", 15.0),
        ("cardiologist near Cavell", "cardiologist", [("place", None, "near Cavell")], "Cavell", None),
    ],
)
def test_given_a_place_in_the_words_then_it_is_the_search_location_and_leaves_the_text(
    vocabulary: Vocabulary, q: str, text: str, parts: list[object], place: str, radius: float | None
) -> None:
    assert _read(q, vocabulary) == (text, parts, place, radius)


@pytest.mark.parametrize(
    ("q", "text", "parts"),
    [
        ("cardiologist that takes WPA", "cardiologist", [("insurer", "wpa", "that takes WPA")]),
        ("Bupa dermatologist", "dermatologist", [("insurer", "bupa", "Bupa")]),
        ("covered by AXA", "", [("insurer", "axa-health", "covered by AXA")]),
        ("axa ppp urologist", "urologist", [("insurer", "axa-health", "axa ppp")]),
        ("Allianz patient", "", [("insurer", "allianz-care", "Allianz patient")]),
        ("accepts General & Medical", "", [("insurer", "general-medical", "accepts General & Medical")]),
        ("covered by Exeter", "", [("insurer", "the-exeter", "covered by Exeter")]),
        ("self-pay hip replacement", "hip replacement", [("insurer", None, "self-pay")]),
        ("Gujarati speaking gynaecologist", "gynaecologist", [("language", "gujarati", "Gujarati speaking")]),
        ("Polish-speaking urologist", "urologist", [("language", "polish", "Polish-speaking")]),
        ("urologist who speaks Hindi", "urologist", [("language", "hindi", "who speaks Hindi")]),
        ("female dermatologist", "dermatologist", [("gender", "female", "female")]),
        ("lady doctor for smear test", "smear test", [("gender", "female", "lady")]),
        ("my son keeps getting ear infections", "ear infections", [("children", True, "my son")]),
        ("dermatologist I can book online", "dermatologist", [("booking", True, "I can book online")]),
        ("book a vasectomy online", "vasectomy", [("booking", True, "online")]),
        ("my 7 year old has eczema", "eczema", [("children", True, "7 year old")]),
        ("a 3-year-old with glue ear", "glue ear", [("children", True, "3-year-old")]),
        ("paediatric dermatologist", "dermatologist", [("children", True, "paediatric")]),
        ("at the Priory hospital", "", [("hospital", "priory", "at the Priory hospital")]),
        ("BMI Hendon Hospital cardiology", "cardiology", [("hospital", "hendon", "BMI Hendon Hospital")]),
    ],
)
def test_given_who_pays_speaks_or_is_seen_then_it_becomes_a_filter(
    vocabulary: Vocabulary, q: str, text: str, parts: list[object]
) -> None:
    read_text, read_parts, _, _ = _read(q, vocabulary)

    assert (read_text, read_parts) == (text, parts)


@pytest.mark.parametrize(
    ("q", "kind"),
    [("in Polish", "language"), ("in Poole", "place"), ("near Exeter", "place"), ("covered by Exeter", "insurer")],
)
def test_given_a_cue_then_the_vocabulary_decides_what_follows(vocabulary: Vocabulary, q: str, kind: str) -> None:
    assert [part.kind for part in understand(q, vocabulary).parts] == [kind]


@pytest.mark.parametrize(
    ("q", "text"),
    [
        ("consultant", ""),
        ("doctor", ""),
        ("Dr", ""),
        ("specialist", ""),
        ("I need a cataract operation", "cataract operation"),
        ("who can help with back pain", "back pain"),
        ("hernia repair private", "hernia repair"),
        ("knee surgeon near me", "knee surgeon"),
        ("best private dermatologist", "dermatologist"),
    ],
)
def test_given_filler_and_generic_words_then_they_are_not_searched(vocabulary: Vocabulary, q: str, text: str) -> None:
    understood = understand(q, vocabulary)

    assert (understood.text, understood.parts, understood.place) == (text, (), None)


@pytest.mark.parametrize(
    ("q", "text"),
    [
        ("Dr Preston", "Preston"),  # a person, not the town
        ("Dr Best", "Best"),  # a person, not filler
        ("Mr Sam Webb", "Sam Webb"),
        ("Richard O'Flynn", "Richard O'Flynn"),
        ("reading glasses", "reading glasses"),  # a town only after a cue
        ("vitamin B12 deficiency", "vitamin B12 deficiency"),  # not a Birmingham postcode
        ("my 45 year old husband", "45 year old husband"),  # an adult
    ],
)
def test_given_names_and_everyday_words_then_nothing_is_understood(vocabulary: Vocabulary, q: str, text: str) -> None:
    understood = understand(q, vocabulary)

    assert (understood.text, understood.parts) == (text, ())


def test_given_a_compound_line_then_every_part_is_read_in_the_order_typed(vocabulary: Vocabulary) -> None:
    understood = understand("female dermatologist Bupa Bristol", vocabulary)

    assert understood.text == "dermatologist"
    assert [(p.kind, p.words) for p in understood.parts] == [
        ("gender", "female"),
        ("insurer", "Bupa"),
        ("place", "Bristol"),
    ]


def test_given_a_part_then_its_words_are_the_characters_typed(vocabulary: Vocabulary) -> None:
    q = "Hindi-speaking  cardiologist near   Harrow"

    for part in understand(q, vocabulary).parts:
        assert part.words in q


def test_given_the_longest_input_then_reading_stays_under_a_millisecond(vocabulary: Vocabulary) -> None:
    """Bounded work, not a timing target: 200 characters of vocabulary-like words."""
    q = ("in polish near hendon covered by bupa " * 6)[:200]
    understand(q, vocabulary)
    started = time.perf_counter()
    for _ in range(20):
        result = understand(q, vocabulary)
    assert isinstance(result, Understanding)
    assert (time.perf_counter() - started) / 20 < 0.05


def test_given_the_catalogs_words_then_only_text_made_of_them_is_spelled_right() -> None:
    vocabulary = Vocabulary(words=frozenset({"cardiologist", "knee", "replacement"}))

    assert vocabulary.spells("Cardiologist")
    assert vocabulary.spells("knee replacements")  # a plural
    assert not vocabulary.spells("cardiolgist")
    assert not vocabulary.spells("knee replacment")
    assert not vocabulary.spells("")
