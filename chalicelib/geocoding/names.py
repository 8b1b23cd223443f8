"""How a place someone typed becomes the keys the offline table is looked up by.

A key is the place's slug (:func:`chalicelib.slugs.slugify`: lowercase, accents and
punctuation folded, words joined by hyphens) with "Saint" read as "St", so "St. Albans",
"saint albans" and "ST ALBANS" are one key. The table's names go through the same
function, so the CSV can spell them naturally.
"""

from __future__ import annotations

import re

from chalicelib.slugs import slugify

# The search API allows 100 characters; anything longer is not a place, and is
# refused before any work proportional to its size.
MAX_PLACE_CHARS = 100

_WORD_ALIASES = {"saint": "st"}
# Trailing words that say where a place is without narrowing it: "Bolton, UK",
# "Cardiff, Wales", "Hendon, London". Each is dropped only when a miss makes it worth it.
_SUFFIXES = (
    ("uk",),
    ("united", "kingdom"),
    ("gb",),
    ("great", "britain"),
    ("england",),
    ("scotland",),
    ("wales",),
    ("northern", "ireland"),
    ("london",),
)
OUTWARD = re.compile(r"[a-z]{1,2}[0-9][a-z0-9]?")
# The inward code (the last three characters) never uses C, I, K, M, O or V.
INWARD = re.compile(r"[0-9][abd-hjlnp-uw-z]{2}")
FULL_POSTCODE = re.compile(rf"({OUTWARD.pattern})({INWARD.pattern})")


def place_key(text: str) -> str:
    """The key a place name is stored and looked up by; ``""`` when it has no letters or digits."""
    slug = slugify(text.replace("&", " and "))
    return "-".join(_WORD_ALIASES.get(word, word) for word in slug.split("-") if word)


def lookup_keys(text: str) -> list[str]:
    """The keys to try for ``text``, most specific first.

    First the whole text's key, then that key less each trailing country or "London"
    in turn ("hendon-london-uk", "hendon-london", "hendon"), so a name that itself ends
    in one of them ("City of London") still matches whole. Empty for a text that is
    too long or has no letters or digits.
    """
    if len(text) > MAX_PLACE_CHARS:
        return []
    key = place_key(text)
    words = key.split("-") if key else []
    keys: list[str] = []
    while words:
        keys.append("-".join(words))
        suffix = next((s for s in _SUFFIXES if len(words) > len(s) and tuple(words[-len(s) :]) == s), None)
        if suffix is None:
            break
        words = words[: -len(suffix)]
    return keys


def outward_code(key: str) -> str | None:
    """The outward code ("nw4") of a key shaped like a full postcode or an outward code alone.

    None for any other key: place names have no digits, so the two never overlap.
    """
    compact = key.replace("-", "")
    full = FULL_POSTCODE.fullmatch(compact)
    if full is not None:
        return full.group(1)
    return compact if OUTWARD.fullmatch(compact) else None
