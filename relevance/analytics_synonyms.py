"""Synonym candidates from reformulation pairs: proposals for a reviewer, never applied.

A pair ("skin doctor bristol" found nobody, then "dermatologist bristol" got a click)
proposes a rule from the words that changed: the common leading and trailing words are
dropped ("bristol"), leaving "skin doctor" -> "dermatologist". The rule is written in the
Solr format of ``chalicelib/synonyms.txt``, always one way, so that it never changes what
the clicked words find:

* ``a => b`` when every pair's first search found nobody (``a`` finds nothing on its own);
* ``a => a, b`` otherwise (``a`` found specialists nobody clicked: keep them, add ``b``'s).

This module only returns text; the report writes it into its own outputs and nowhere
else. Applying a rule is a reviewed edit of ``synonyms.txt`` (then the tests and a reindex).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from relevance.analytics_figures import Pair

MIN_EVIDENCE = 2
# Words a Solr rule can hold as they are: no commas, no "=>", no masked "[email]"-style tokens.
_PLAIN = re.compile(r"[a-z0-9][a-z0-9'\- ]*")


def changed_words(before: str, after: str) -> tuple[str, str]:
    """The differing middles of two texts' words, the common first and last words dropped."""
    a, b = before.split(), after.split()
    while a and b and a[0] == b[0]:
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    return " ".join(a), " ".join(b)


def candidates(paired: Iterable[Pair], min_evidence: int = MIN_EVIDENCE) -> list[dict[str, Any]]:
    """Candidate rules with at least ``min_evidence`` pairs, most evidence first."""
    groups: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for pair in paired:
        before, after = changed_words(pair.before.key, pair.after.key)
        if before and after and _PLAIN.fullmatch(before) and _PLAIN.fullmatch(after):
            groups[before, after].append(pair)
    rows = []
    for (before, after), group in groups.items():
        if len(group) < min_evidence:
            continue
        zero = sum(pair.before.query.total == 0 for pair in group)
        rows.append(
            {
                "rule": f"{before} => {after}" if zero == len(group) else f"{before} => {before}, {after}",
                "pairs": len(group),
                "clients": len({pair.before.query.client_id for pair in group}),
                "from_zero_results": zero,
                "examples": sorted({f"{pair.before.key} -> {pair.after.key}" for pair in group})[:3],
            }
        )
    return sorted(rows, key=lambda row: (-row["pairs"], row["rule"]))
