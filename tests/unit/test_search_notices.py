"""Safety notices: red-flag phrases in the search box bring a 999 / NHS 111 notice
(``chalicelib.search.notices``; the policy is ``docs/safety-notices.md``)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from chalicelib.search.notices import MAX_CHARS, RULES, notices_for, parts, words
from chalicelib.search.request import MAX_QUERY_CHARS

DOC = Path(__file__).resolve().parents[2] / "docs" / "safety-notices.md"


def _codes(text: str) -> list[str]:
    return [notice["code"] for notice in notices_for(text)]


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("chest pain", "chest_pain"),
        ("crushing chest pain", "chest_pain"),
        ("Chest pains cardiologist London", "chest_pain"),
        ("pain in my chest and left arm", "chest_pain"),
        ("tight chest", "chest_pain"),
        ("tightness in the chest", "chest_pain"),
        ("I think I'm having a heart attack", "chest_pain"),
        ("face drooping", "stroke"),
        ("my mum's face has dropped on one side", "stroke"),
        ("slurred speech", "stroke"),
        ("sudden weakness in left arm", "stroke"),
        ("numb down one side", "stroke"),
        ("signs of a stroke", "stroke"),
        ("I want to kill myself", "suicidal_thoughts"),
        ("suicidal thoughts", "suicidal_thoughts"),
        ("i dont want to live anymore", "suicidal_thoughts"),
        ("thinking about ending my life", "suicidal_thoughts"),
        ("self-harm counsellor", "suicidal_thoughts"),
        ("life isn't worth living", "suicidal_thoughts"),
        ("heavy bleeding won't stop", "severe_bleeding"),
        ("cut my hand, can't stop the bleeding", "severe_bleeding"),
        ("bleeding heavily after tooth extraction", "severe_bleeding"),
        ("vomiting blood", "severe_bleeding"),
        ("coughing up blood", "severe_bleeding"),
        ("can't breathe", "breathing"),
        ("cannot breathe properly", "breathing"),
        ("difficulty breathing", "breathing"),
        ("struggling to breathe at night", "breathing"),
        ("child choking on food", "breathing"),
        ("lips turning blue", "breathing"),
        ("anaphylactic shock", "anaphylaxis"),
        ("throat swelling after peanuts", "anaphylaxis"),
        ("swollen tongue and lips", "anaphylaxis"),
        ("severe allergic reaction", "anaphylaxis"),
        ("used my epipen", "anaphylaxis"),
        ("sepsis", "sepsis"),
        ("signs of sepsis", "sepsis"),
        ("mottled skin", "sepsis"),
        ("high fever and confused", "sepsis"),
        ("meningitis", "meningitis"),
        ("rash that doesn't fade", "meningitis"),
        ("non-blanching rash", "meningitis"),
        ("rash doesnt go away with the glass test", "meningitis"),
        ("stiff neck and a fever", "meningitis"),
        ("overdose", "overdose"),
        ("took too many paracetamol", "overdose"),
        ("toddler swallowed a button battery", "overdose"),
        ("having a seizure", "seizure"),
        ("seizure won't stop", "seizure"),
        ("my son had his first seizure", "seizure"),
        ("baby keeps fitting", "seizure"),
        ("febrile convulsion", "seizure"),
        ("unconscious", "unconscious"),
        ("he won't wake up", "unconscious"),
        ("can't wake her up", "unconscious"),
        ("my dad collapsed", "unconscious"),
        ("stopped breathing", "unconscious"),
    ],
)
def test_given_a_red_flag_phrasing_when_searched_then_its_notice_is_given(q: str, code: str) -> None:
    assert code in _codes(q)


# Conditions, specialties, specialists, tests and treatments are not symptoms: searching
# for care is not an emergency. Each is a decision documented in docs/safety-notices.md.
@pytest.mark.parametrize(
    "q",
    [
        "",
        "cardiologist",
        "heart surgeon in Leeds",
        "heart",
        "heart attack",
        "heart attack recovery",
        "palpitations",
        "heartburn",
        "chest infection",
        "chest physician",
        "chest wall pain",
        "painful knee",
        "back pain",
        "pain clinic in Chester",
        "shoulder pain after painting",
        "knee replacement",
        "stroke",
        "stroke rehabilitation",
        "strokes of a brush",
        "bell's palsy",
        "drooping eyelids",
        "face lift",
        "depression",
        "anxiety",
        "panic attacks",
        "child psychiatrist",
        "blood test",
        "high blood pressure",
        "rectal bleeding",
        "bleeding gums",
        "heavy periods",
        "heavy menstrual bleeding",
        "heavy bleeding during periods",
        "breathlessness",
        "shortness of breath",
        "sleep apnoea",
        "hydrogen breath test",
        "can't breathe through my nose",
        "difficulty breathing through nose",
        "choking sensation in throat",
        "anaphylaxis",
        "allergy testing",
        "epipen prescription",
        "epilepsy",
        "seizures neurologist",
        "hearing aid fitting",
        "stiff neck",
        "skin rash",
        "meningitis vaccine",
        "food poisoning",
        "pain killers",
        "collapsed lung",
        "collapsed arches",
        "Dr Payne",
    ],
)
def test_given_a_search_for_care_not_a_symptom_when_searched_then_no_notice(q: str) -> None:
    assert notices_for(q) == []


@pytest.mark.parametrize(
    "q",
    [
        "CHEST PAIN",
        "Chest-pain!",
        "chest_pain",
        "chest...pain??",
        "  chest\tpain  ",
        "chést páin",
        "\uff23\uff48\uff45\uff53\uff54 \uff50\uff41\uff49\uff4e",  # full-width "Chest pain", as some keyboards type
        "chest\u00adpain",  # soft hyphen
    ],
)
def test_given_case_punctuation_or_accents_when_searched_then_the_phrase_still_matches(q: str) -> None:
    assert _codes(q) == ["chest_pain"]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u2018", "\u02bc", "`", "\u00b4", ""])
def test_given_any_apostrophe_or_none_when_searched_then_cant_breathe_matches(apostrophe: str) -> None:
    assert _codes(f"I can{apostrophe}t breathe") == ["breathing"]


def test_given_words_run_together_when_searched_then_a_longer_word_is_not_the_phrase() -> None:
    overdose = next(rule for rule in RULES if rule.code == "overdose")

    assert notices_for("chestpain painting suicidally overdosed") == [{"code": "overdose", "message": overdose.message}]
    assert words("Chest-pain! can't") == ["chest", "pain", "cant"]


def test_given_a_gap_of_more_than_three_words_when_searched_then_the_parts_are_not_one_phrase() -> None:
    assert _codes("pain in my upper left chest") == ["chest_pain"]
    assert _codes("pain in my knee, hip, back and chest") == []


def test_given_two_emergencies_when_searched_then_each_notice_once_in_table_order() -> None:
    notices = notices_for("can't breathe, chest pain, chest pains, crushing chest pain, face drooping")

    assert [notice["code"] for notice in notices] == ["chest_pain", "stroke", "breathing"]


def test_given_an_unless_phrase_elsewhere_when_searched_then_the_trigger_still_counts() -> None:
    assert _codes("child choking on food, can't breathe, choking sensation earlier") == ["breathing"]
    assert _codes("can't breathe through my nose and now can't breathe at all") == ["breathing"]


def test_given_a_notice_when_returned_then_it_is_a_fresh_copy() -> None:
    first = notices_for("chest pain")
    first[0]["message"] = "changed"

    assert notices_for("chest pain")[0]["message"] != "changed"


def test_given_a_hostile_200_character_input_when_searched_then_it_answers_quickly_and_correctly() -> None:
    hostile = [
        ("stiff neck " * 40)[:MAX_CHARS],
        ("pain in " * 40)[:MAX_CHARS],
        ("chest " * 40)[:MAX_CHARS],
        ("cant " * 50)[:MAX_CHARS],
        ("a" * MAX_CHARS),
        ("seizure " * 30)[:MAX_CHARS],
    ]
    started = time.perf_counter()
    for _ in range(50):
        answers = [_codes(text) for text in hostile]
    elapsed = time.perf_counter() - started

    assert answers == [[], [], [], [], [], []]
    assert elapsed < 1.0, f"{elapsed:.3f}s for 300 hostile searches"


def test_given_text_beyond_the_search_limit_when_searched_then_it_is_not_read() -> None:
    padding = "knee " * 40

    assert MAX_CHARS == MAX_QUERY_CHARS
    assert _codes((padding + "chest pain")[:MAX_CHARS]) == []
    assert _codes(padding[: MAX_CHARS - 11] + " chest pain") == ["chest_pain"]
    assert _codes(padding * 100_000 + "chest pain") == []


def test_given_the_table_then_codes_are_unique_snake_case_and_messages_name_999_or_111() -> None:
    codes = [rule.code for rule in RULES]

    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", rule.code), rule.code
        assert "999" in rule.message or "111" in rule.message, rule.code
        assert len(rule.message) <= 400, rule.code


def test_given_the_suicidal_thoughts_notice_then_it_names_every_crisis_line() -> None:
    message = next(rule.message for rule in RULES if rule.code == "suicidal_thoughts")

    assert "999" in message
    assert "NHS 111" in message
    assert "option 2" in message
    assert "Samaritans" in message
    assert "116 123" in message


def test_given_the_table_then_every_phrase_is_lowercase_well_formed_and_listed_once() -> None:
    for rule in RULES:
        phrases = [*rule.phrases, *rule.unless]
        assert rule.phrases, rule.code
        matched = [parts(phrase) for phrase in phrases]
        assert len(matched) == len(set(matched)), f"{rule.code}: a phrase is listed twice"
        for phrase in phrases:
            assert phrase == phrase.lower(), phrase


@pytest.mark.parametrize("phrase", ["", "...", "... chest", "chest ...", "chest ... ... pain", "?!"])
def test_given_a_malformed_phrase_then_it_is_refused(phrase: str) -> None:
    with pytest.raises(ValueError, match="not a phrase"):
        parts(phrase)


def test_given_the_table_then_the_document_lists_every_code() -> None:
    document = DOC.read_text(encoding="utf-8")

    for rule in RULES:
        assert f"`{rule.code}`" in document, f"{rule.code} is not in docs/safety-notices.md"
