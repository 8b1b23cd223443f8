"""Personal data out of the free text a query record keeps (``chalicelib.analytics.masking``;
the rules are ``docs/analytics.md``, "What is masked")."""

from __future__ import annotations

import pytest

from chalicelib.analytics.masking import mask, mask_patterns

CATALOG = frozenset({"knee", "pain", "cardiology", "scan", "hip", "hand", "hendon", "krish", "nandy"})


def known(word: str) -> bool:
    return word in CATALOG


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("jane.doe@example.com knee", "[email] knee"),
        ("knee jane@exa", "knee [email]"),  # half typed
        ("call 07700 900123", "call [phone]"),
        ("+44 20 7946 0000 knee", "[phone] knee"),
        ("020-7946-0000", "[phone]"),
        ("(020) 7946 0000", "[phone]"),
        ("+447700900123", "[phone]"),
        ("4929 1234 5678 9012 3456", "[number]"),
        ("knee NW4 1RP", "knee NW4"),
        ("nw41rp", "NW4"),
        ("SW1A 1AA hip", "SW1A hip"),
    ],
)
def test_given_an_email_phone_or_full_postcode_then_it_is_masked(text: str, masked: str) -> None:
    assert mask(text, known) == masked


@pytest.mark.parametrize(
    "text",
    ["knee NW4", "within 5 miles", "under £200", "vitamin B12", "GMC 1234567", "over 65", "2 3 4 5 6 7 8 9 1"],
)
def test_given_numbers_that_are_not_personal_then_they_are_kept(text: str) -> None:
    assert mask(text, known) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Dr Jane Doeberry knee", "Dr [name] [name] knee"),
        ("dr doeberry", "dr [name]"),
        ("Mrs O'Doeberry", "Mrs [name]"),
        ("prof. doeberry hip", "prof. [name] hip"),
        ("Jane Doeberry", "[name] [name]"),
        ("knee pain Doeberry", "knee pain [name]"),
    ],
)
def test_given_a_name_not_in_the_catalog_then_it_is_masked(text: str, masked: str) -> None:
    assert mask(text, known) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Dr Krish Nandy",  # a catalog specialist: public
        "Knee Pain",  # capitalised catalog words
        "MRI scan",  # an acronym
        "cardiolgy",  # a typo: what the report needs
        "tummy ache",  # a lay word the catalog lacks: a synonym candidate
        "Near Hendon",  # the service's own words and a place
        "Private Consultant",
        "Dr Hand",  # a catalog word after an honorific (the trade-off: a surname that is a catalog word stays)
    ],
)
def test_given_catalog_words_places_typos_and_public_names_then_they_are_kept(text: str) -> None:
    assert mask(text, known) == text


def test_given_an_unknown_capitalised_first_word_then_it_is_masked_even_if_it_was_no_name() -> None:
    """The price of the rule (a phone capitalises the first word): privacy first."""
    assert mask("Tummy ache", known) == "[name] ache"


def test_given_a_lower_case_name_without_an_honorific_then_it_is_kept() -> None:
    """The other side of the trade-off, pinned so that a change to it is deliberate."""
    assert mask("jane doeberry", known) == "jane doeberry"


def test_given_a_label_the_service_wrote_then_only_the_patterns_are_masked() -> None:
    assert mask_patterns("near Milton Keynes") == "near Milton Keynes"
    assert mask_patterns("near NW4 1RP") == "near NW4"
