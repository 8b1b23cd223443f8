"""What a long query may cost OpenSearch: fuzzy expansions are bounded."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.search.query import MAX_FUZZY_WORDS, text_query


def _fuzzy_queries(body: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "fuzziness" in node:
                found.append(node["query"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


def test_a_repeated_word_is_expanded_once() -> None:
    fuzzy = _fuzzy_queries(text_query(" ".join(["psychiatrist"] * 15)))

    assert fuzzy
    assert all(query == "psychiatrist" for query in fuzzy)


def test_past_the_limit_of_distinct_words_no_fuzzy_clause_runs_but_the_exact_ones_do() -> None:
    words = [f"word{number}" for number in range(MAX_FUZZY_WORDS + 1)]
    query = text_query(" ".join(words))

    assert _fuzzy_queries(query) == []
    assert " ".join(words) in json.dumps(query)


def test_up_to_the_limit_misspellings_are_still_forgiven() -> None:
    words = " ".join(f"word{number}" for number in range(MAX_FUZZY_WORDS))

    assert words in _fuzzy_queries(text_query(words))
