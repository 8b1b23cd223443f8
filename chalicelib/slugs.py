"""Slugs: the stable, URL-safe keys of facet values ("Trauma and Orthopaedics" ->
``trauma-and-orthopaedics``).

The indexer stores ``slugify(label)`` next to each label, and the search API slugifies
the filter values it receives with this same function, so a filter matches however the
caller spelled, cased or accented the label.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that Unicode decomposition does not reduce to ASCII; the rest ("é", "ñ", ...)
# lose their accents through NFKD.
_NO_DECOMPOSITION = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "\u0131": "i"}
)
_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase, ASCII-folded, apostrophes dropped ("Women's" -> ``womens``); other
    characters kept. Slugs are made from it, and query understanding compares words by it."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_NO_DECOMPOSITION))
    return _APOSTROPHES.sub("", folded.encode("ascii", "ignore").decode("ascii"))


@functools.lru_cache(maxsize=16384)
def slugify(text: str) -> str:
    """ASCII-folded, lowercase, each run of other characters one hyphen, none at the ends.

    Apostrophes join rather than separate ("Women's health" -> ``womens-health``). A text
    with no letters or digits gives ``""``. Cached: facet labels come from a small
    vocabulary repeated across every specialist, and slugs were most of the indexer's
    per-document work; the bound keeps memory flat for any catalog.
    """
    return _SEPARATORS.sub("-", fold(text)).strip("-")
