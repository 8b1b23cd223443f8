"""Query understanding reads a one-box line as a receptionist would: pure, no OpenSearch."""

from __future__ import annotations

import time
from typing import Any

import pytest

from chalicelib.geo import GeoPoint
from chalicelib.search.interpretation import Plan, interpreted, plan_search
from chalicelib.search.relaxation import ladder
from chalicelib.search.request import SearchRequest
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


# --- How, when and for how much -------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "text", "parts"),
    [
        ("cardiologist video", "cardiologist", [("consultation", "video", "video")]),
        ("video call with a dermatologist", "dermatologist", [("consultation", "video", "video call")]),
        ("online consultation psychiatrist", "psychiatrist", [("consultation", "video", "online consultation")]),
        ("virtual appointment urologist", "urologist", [("consultation", "video", "virtual appointment")]),
        ("psychiatrist by phone", "psychiatrist", [("consultation", "phone", "by phone")]),
        ("phone consultation dermatologist", "dermatologist", [("consultation", "phone", "phone consultation")]),
        ("telephone psychiatrist", "psychiatrist", [("consultation", "phone", "telephone")]),
        ("face-to-face knee surgeon", "knee surgeon", [("consultation", "in_person", "face-to-face")]),
        ("in person dermatologist", "dermatologist", [("consultation", "in_person", "in person")]),
        (
            "video or phone consultation",
            "",
            [("consultation", "video", "video"), ("consultation", "phone", "phone consultation")],
        ),
        ("dermatologist this week", "dermatologist", [("availability", 7, "this week")]),
        ("knee surgeon available today", "knee surgeon", [("availability", 1, "available today")]),
        ("cardiologist next week", "cardiologist", [("availability", 14, "next week")]),
        ("cardiologist within 10 days", "cardiologist", [("availability", 10, "within 10 days")]),
        ("urologist in the next two weeks", "urologist", [("availability", 14, "in the next two weeks")]),
        ("urologist within a month", "urologist", [("availability", 30, "within a month")]),
        ("dermatologist under £200", "dermatologist", [("fee", 20000, "under £200")]),
        ("dermatologist less than £150", "dermatologist", [("fee", 15000, "less than £150")]),
        ("below 200 pounds dermatologist", "dermatologist", [("fee", 20000, "below 200 pounds")]),
        ("max £250 cardiologist", "cardiologist", [("fee", 25000, "max £250")]),
        ("cardiologist up to £300", "cardiologist", [("fee", 30000, "up to £300")]),
        ("cardiologist fees up to £1,500", "cardiologist", [("fee", 150000, "fees up to £1,500")]),
        ("cardiologist under £99.50", "cardiologist", [("fee", 9950, "under £99.50")]),
        ("cardiologist £250 or less", "cardiologist", [("fee", 25000, "£250 or less")]),
        ("cardiologist under £10,000", "cardiologist", [("fee", 1000000, "under £10,000")]),
        ("soonest cardiologist", "cardiologist", [("sort", "soonest", "soonest")]),
        ("first available dermatologist", "dermatologist", [("sort", "soonest", "first available")]),
        ("urologist as soon as possible", "urologist", [("sort", "soonest", "as soon as possible")]),
        ("cheapest dermatologist", "dermatologist", [("sort", "fee", "cheapest")]),
        (
            "video dermatologist this week under £200 asap",
            "dermatologist",
            [
                ("consultation", "video", "video"),
                ("availability", 7, "this week"),
                ("fee", 20000, "under £200"),
                ("sort", "soonest", "asap"),
            ],
        ),
    ],
)
def test_given_how_when_or_for_how_much_then_it_is_a_part_and_leaves_the_text(
    vocabulary: Vocabulary, q: str, text: str, parts: list[object]
) -> None:
    read_text, read_parts, _, _ = _read(q, vocabulary)

    assert (read_text, read_parts) == (text, parts)


@pytest.mark.parametrize(
    ("q", "text", "parts"),
    [
        ("video-assisted thoracoscopic surgery", "video assisted thoracoscopic surgery", []),
        ("psychiatrist for video game addiction", "psychiatrist video game addiction", []),
        ("cardiologist phone number", "cardiologist phone number", []),
        ("virtual colonoscopy", "virtual colonoscopy", []),  # a test, not a way of being seen
        ("online appointment with a gastroenterologist", "gastroenterologist", [("booking", True, "online")]),
        ("40 weeks pregnant", "40 weeks pregnant", []),  # "week" alone is no time
        ("my 3 week old baby", "", [("children", True, "3 week old"), ("children", True, "baby")]),
        ("cardiologist within 100 days", "cardiologist within 100 days", []),  # beyond 90 days
        ("within 10 miles of Guildford", "", [("place", None, "within 10 miles of Guildford")]),
        ("children under 5", "under 5", [("children", True, "children")]),
        ("dermatologist under 200", "dermatologist under 200", []),  # no currency: not a fee
        ("dermatologist £200", "dermatologist 200", []),  # no ceiling: not a fee
        ("dermatologist under £20,000", "dermatologist under 20 000", []),  # beyond £10,000
        ("dermatologist under £99.5", "dermatologist under 99 5", []),  # not an amount of pence
        ("dermatologist under £1,50", "dermatologist under 1 50", []),
        ("dermatologist under £200abc", "dermatologist under 200abc", []),  # not where a word ends
        ("Dr Video", "Video", []),  # a person
    ],
)
def test_given_words_that_mean_something_else_then_they_are_not_read_as_how_when_or_how_much(
    vocabulary: Vocabulary, q: str, text: str, parts: list[object]
) -> None:
    read_text, read_parts, _, _ = _read(q, vocabulary)

    assert (read_text, read_parts) == (text, parts)


@pytest.mark.parametrize(
    ("q", "label"),
    [
        ("video", "Video consultation"),
        ("by phone", "Phone consultation"),
        ("face to face", "In-person consultation"),
        ("this week", "Available this week"),
        ("today", "Available within a day"),
        ("within 3 weeks", "Available within 21 days"),
        ("under £200", "Initial consultation up to £200"),
        ("under £1500.5", None),
        ("up to £1500.50", "Initial consultation up to £1,500.50"),
        ("soonest", "Soonest first"),
        ("lowest fee", "Lowest fee first"),
    ],
)
def test_given_how_when_or_for_how_much_then_its_chip_says_it(
    vocabulary: Vocabulary, q: str, label: str | None
) -> None:
    assert [part.label for part in understand(q, vocabulary).parts] == ([] if label is None else [label])


def test_given_a_fee_after_its_amount_then_its_words_start_at_the_pound_sign(vocabulary: Vocabulary) -> None:
    q = "knee surgeon £ 250 or less"

    (part,) = understand(q, vocabulary).parts

    assert part.words == "£ 250 or less"
    assert q.replace(part.words, "").split() == ["knee", "surgeon"]


# --- Into the search that runs --------------------------------------------------------------


def _plan(q: str, vocabulary: Vocabulary, **given: Any) -> Plan:
    return plan_search(SearchRequest(q=q, **given), understand(q, vocabulary), None)


def test_given_how_when_and_for_how_much_in_the_words_then_they_set_what_the_parameters_set(
    vocabulary: Vocabulary,
) -> None:
    plan = _plan("video or phone dermatologist this week under £200 soonest", vocabulary)

    assert plan.request == SearchRequest(
        q="dermatologist",
        consultation_types=("video", "phone"),
        available_within_days=7,
        max_fee=20000,
        sort="soonest",
    )
    assert interpreted(plan)["filters"] == {
        "consultation_type": ["video", "phone"],
        "available_within_days": 7,
        "max_fee": 20000,
        "sort": "soonest",
    }
    assert plan.conflicts == ()


def test_given_two_ceilings_or_two_times_then_the_tightest_applies(vocabulary: Vocabulary) -> None:
    plan = _plan("under £300 dermatologist less than £150 this month within 10 days", vocabulary)

    assert (plan.request.max_fee, plan.request.available_within_days) == (15000, 10)


def test_given_a_ceiling_of_nothing_then_it_is_a_filter_all_the_same(vocabulary: Vocabulary) -> None:
    plan = _plan("dermatologist under £0", vocabulary)

    assert (plan.request.max_fee, plan.from_words) == (0, ("max_fee",))


@pytest.mark.parametrize(
    ("q", "given", "field", "words"),
    [
        ("video dermatologist", {"consultation_types": ("phone",)}, "consultation_type", "video"),
        ("dermatologist this week", {"available_within_days": 30}, "available_within_days", "this week"),
        ("dermatologist under £200", {"max_fee": 15000}, "max_fee", "under £200"),
        ("soonest dermatologist", {"sort": "fee"}, "sort", "soonest"),
    ],
)
def test_given_a_parameter_that_says_otherwise_then_the_parameter_wins_and_the_conflict_is_said(
    vocabulary: Vocabulary, q: str, given: dict[str, Any], field: str, words: str
) -> None:
    plan = _plan(q, vocabulary, **given)

    assert plan.request == SearchRequest(q="dermatologist", **given)
    assert interpreted(plan)["filters"] == {}
    assert [(c["field"], c["words"]) for c in plan.conflicts] == [(field, words)]


def test_given_a_parameter_that_says_the_same_then_there_is_no_conflict(vocabulary: Vocabulary) -> None:
    plan = _plan("video dermatologist soonest", vocabulary, consultation_types=("video",), sort="soonest")

    assert (plan.conflicts, interpreted(plan)["filters"]) == ((), {})


def test_given_two_orders_in_the_words_then_the_first_sorts_and_the_second_is_a_conflict(
    vocabulary: Vocabulary,
) -> None:
    plan = _plan("soonest dermatologist cheapest", vocabulary)

    assert plan.request.sort == "soonest"
    assert [(c["field"], c["words"]) for c in plan.conflicts] == [("sort", "cheapest")]


def test_given_the_filters_the_words_set_find_nobody_then_the_ladder_drops_them_saying_what(
    vocabulary: Vocabulary,
) -> None:
    plan = _plan("video dermatologist this week under £99.50 soonest", vocabulary)

    dropped = [(step.relaxed[-1].get("field"), step.relaxed[-1]["message"]) for step in ladder(plan)[:3]]

    assert dropped == [
        (
            "available_within_days",
            "Nobody who fits is available this week; showing those with later or unknown availability",
        ),
        ("consultation_type", "No video consultations found; showing all consultation types"),
        ("max_fee", "Nobody who fits charges up to £99.50 for a first consultation; showing all fees"),
    ]
    last = ladder(plan)[2].request
    assert (last.consultation_types, last.available_within_days, last.max_fee) == ((), None, None)
    assert last.sort == "soonest"  # an order finds as many: it is never dropped


def test_given_the_filters_come_from_parameters_then_the_ladder_never_drops_them(vocabulary: Vocabulary) -> None:
    plan = _plan("dermatologist", vocabulary, consultation_types=("video",), available_within_days=7, max_fee=100)

    assert ladder(plan) == []
