"""Personal data out of free text before it is recorded (``docs/analytics.md``, "What is masked").

In order: an e-mail address (anything with an ``@``) becomes ``[email]``; a full UK postcode its
outward code ("NW4 1RP" -> "NW4"); a run of 10 to 13 digits (spaces, dashes, brackets and
``+44`` allowed: a UK phone number) ``[phone]``, a longer run ``[number]``; then a word that
looks like a person's name and is not one the service knows becomes ``[name]``.

A word looks like a name when it follows an honorific ("Dr", "Mrs", "Prof"...; up to three
words), or when it is capitalised (an all-capitals word of up to five letters is an acronym:
"MRI", "ENT"). It is kept when ``known`` says so: the catalog's words, places, the words the
search understood, and the names of the specialists the answer showed (they are public). A
lower-case word nobody knows is kept: typos of medical words ("cardiolgy") and lay words
("tummy") are what the search-quality report needs; a name typed in lower case with no
honorific is the price of that (documented).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from chalicelib.search import phrases
from chalicelib.slugs import fold

Known = Callable[[str], bool]  # a folded word -> may it be kept

EMAIL = "[email]"
PHONE = "[phone]"
NUMBER = "[number]"
NAME = "[name]"
MASKED = "[masked]"
PHONE_DIGITS = range(10, 14)
NAME_WORDS_AFTER_HONORIFIC = 3
MAX_ACRONYM = 5

_EMAIL = re.compile(r"\S*@\S*")
_POSTCODE = re.compile(r"(?<![^\W_])([a-z]{1,2}[0-9][a-z0-9]?)\s*([0-9][abd-hjlnp-uw-z]{2})(?![^\W_])", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"\+?\(?[0-9](?:[\s().-]*[0-9])+")
_TOKEN = re.compile(r"\[(?:email|phone|number|name|masked)\]|[^\W_]+(?:['\u2019.-][^\W_]+)*")
_HONORIFICS = phrases.HONORIFICS | {"doctor"}
# The words query understanding reads as cues, filler and generic words: "Near", "Private",
# "Looking for", "Covered by", "Hospital" are never names.
_PHRASES = (
    phrases.FILLER_PHRASES,
    phrases.GENERIC_WORDS,
    phrases.PLACE_CUES,
    phrases.NEAR_ME,
    phrases.RADIUS_UNITS,
    phrases.INSURER_CUES,
    phrases.INSURER_SUFFIXES,
    phrases.LANGUAGE_CUES,
    phrases.HOSPITAL_WORDS,
)
COMMON_WORDS = frozenset(word for group in _PHRASES for phrase in group for word in phrase.split()) | _HONORIFICS


def mask(text: str, known: Known) -> str:
    """``text`` with e-mail addresses, phone numbers, full postcodes and unknown names masked."""
    return mask_names(mask_patterns(text), known)


def mask_patterns(text: str) -> str:
    """The patterns alone (no names): for text the service wrote itself, such as a chip's label."""
    text = _EMAIL.sub(EMAIL, text)
    text = _POSTCODE.sub(lambda match: match.group(1).upper(), text)
    return _DIGIT_RUN.sub(_digits, text)


def _digits(match: re.Match[str]) -> str:
    count = sum(char.isdigit() for char in match.group())
    if count in PHONE_DIGITS:
        return PHONE
    return NUMBER if count > PHONE_DIGITS.stop - 1 else match.group()


def mask_names(text: str, known: Known) -> str:
    pieces: list[str] = []
    end = 0
    after_honorific = 0
    for token in _TOKEN.finditer(text):
        word = token.group()
        folded = fold(word)
        pieces.append(text[end : token.start()])
        end = token.end()
        if word.startswith("[") or any(char.isdigit() for char in word):
            after_honorific = 0
        elif folded.rstrip(".") in _HONORIFICS:
            after_honorific = NAME_WORDS_AFTER_HONORIFIC
        else:
            name_like = after_honorific > 0 or _capitalised(word)
            after_honorific = max(after_honorific - 1, 0)
            if name_like and folded not in COMMON_WORDS and not known(folded):
                word = NAME
        pieces.append(word)
    pieces.append(text[end:])
    return "".join(pieces)


def _capitalised(word: str) -> bool:
    if not word[0].isupper():
        return False
    return not (word.isupper() and len(word) <= MAX_ACRONYM)


def mask_derived(text: str, masked_source: str) -> str:
    """``text`` made from the words of a source (query understanding's leftover words, which
    have lost the ``@`` and ``+`` that gave an address or a number away): each word that did
    not survive masking the source becomes ``[masked]``."""
    allowed = words_of(masked_source)
    return _TOKEN.sub(lambda token: token.group() if fold(token.group()) in allowed else MASKED, text)


def words_of(*texts: str) -> frozenset[str]:
    """The folded words of ``texts``, as :func:`mask_names` compares them."""
    return frozenset(fold(token.group()) for text in texts for token in _TOKEN.finditer(text))
