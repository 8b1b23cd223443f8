"""Words that say who the patient wants to see rather than what for.

"female gynaecologist", "child psychiatrist", "ENT surgeon for children": no specialist's
text says "female" or "child", so requiring every word found nothing. These words become
the filters the facets would apply (gender, sees children) and the rest is searched as
text; the name clauses still see every word, so "Dr Child" finds Dr Child. Plurals such
as "women" and "men" stay words: "women's health" is a specialty, not a wish for a
female doctor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib import index_schema as f

_GENDER_WORDS = {
    "female": "female",
    "woman": "female",
    "lady": "female",
    "male": "male",
    "man": "male",
    "gentleman": "male",
}
_CHILDREN_WORDS = frozenset({"child", "children", "childrens", "kid", "kids"})
_WORD = re.compile(r"[\w']+|[^\w\s]+")


@dataclass(frozen=True)
class Audience:
    words: str
    filters: list[dict[str, Any]]


def read_audience(q: str) -> Audience:
    """Split ``q`` into its audience filters and the words left to search for."""
    kept: list[str] = []
    genders: set[str] = set()
    children = False
    for token in _WORD.findall(q):
        word = token.lower().replace("'", "")
        if word in _GENDER_WORDS:
            genders.add(_GENDER_WORDS[word])
        elif word in _CHILDREN_WORDS:
            children = True
        else:
            kept.append(token)
    gender = genders.pop() if len(genders) == 1 else None  # "male or female": no preference
    filters: list[dict[str, Any]] = []
    if gender is not None:
        filters.append({"term": {f.GENDER: gender}})
    if children:
        filters.append({"term": {f.SEES_CHILDREN: True}})
    return Audience(" ".join(kept), filters)
