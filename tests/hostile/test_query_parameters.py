"""Property: no query string and no id in the path gets a 5xx, a leak or a header of its own.

Every query parameter of ``GET /specialists`` and ``GET /suggest``, and the id of
``GET /specialists/{id}``, driven with Hypothesis in-process against the real OpenSearch
node holding the demo catalog.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from chalice.test import Client
from hypothesis import event, given
from hypothesis import strategies as st

from chalicelib.search.request import MAX_QUERY_CHARS, MAX_VALUES_PER_FACET, SEARCH_QUERY
from chalicelib.search.suggest import MAX_QUERY_CHARS as MAX_SUGGEST_CHARS
from chalicelib.search.suggest import SUGGEST_QUERY
from tests.hostile.strategies import ANY_CHARACTER, FRAGMENTS, HOSTILE, TEXT, pairs
from tests.hostile.support import ALLOWED_ORIGIN, Answer, check, encode_query, get, hostile

pytestmark = pytest.mark.integration

SEARCH_NAMES = tuple(parameter.name for parameter in SEARCH_QUERY)
SUGGEST_NAMES = tuple(parameter.name for parameter in SUGGEST_QUERY)
SLUG_FACETS = ("specialty", "treatment", "condition", "language", "insurer")
KNOWN_ID = "krish-nandy"


def _ask(client: Client, path: str, query: str) -> tuple[Answer, dict[str, list[str]]]:
    """The answer, and the parameters as the gateway hands them to the app."""
    answer = get(client, f"{path}?{query}" if query else path, {"Origin": ALLOWED_ORIGIN})
    return answer, parse_qs(query, keep_blank_values=True)


def _names_the_problem(answer: Answer, received: dict[str, list[str]], declared: tuple[str, ...]) -> None:
    """A 400 names a parameter the request sent (or lat/lon, which go together); an unknown
    name is always the problem named, the first in order."""
    unknown = sorted(set(received) - set(declared))
    if unknown:
        assert answer.status == 400, answer.body
        assert answer.error["field"] == unknown[0]
    if answer.status == 400:
        assert answer.error["field"] in {*received, "lat", "lon"}, (answer.error, sorted(received))


@hostile(60)
@given(pairs=pairs(SEARCH_NAMES), raw=st.booleans())
def test_specialists_answers_any_query_string_with_200_or_a_400_naming_the_parameter(
    client: Client, pairs: list[tuple[str, str]], raw: bool
) -> None:
    query = encode_query(pairs, raw=raw)

    answer, received = _ask(client, "/specialists", query)

    event(f"status {answer.status}")
    check(answer, {200, 400}, query + repr(pairs))
    _names_the_problem(answer, received, SEARCH_NAMES)
    if answer.status == 200:
        body = answer.body
        assert isinstance(body["total"], int)
        assert body["page_size"] <= 50
        # The page holds what the total leaves from its offset: no more, no fewer.
        left = body["total"] - (body["page"] - 1) * body["page_size"]
        assert len(body["results"]) == max(0, min(body["page_size"], left)), (body["total"], body["page"])


def _short_enough(value: str, limit: int) -> bool:
    return len(value) <= limit and len(unicodedata.normalize("NFKC", value)) <= limit


@hostile(40)
@given(
    q=st.one_of(TEXT, FRAGMENTS),
    facets=st.dictionaries(
        st.sampled_from(SLUG_FACETS), st.lists(st.one_of(TEXT, FRAGMENTS), min_size=1, max_size=3), max_size=2
    ),
    raw=st.booleans(),
)
def test_any_free_text_and_slug_within_the_limits_is_searched_never_a_syntax_error(
    client: Client, q: str, facets: dict[str, list[str]], raw: bool
) -> None:
    """Lucene syntax, JSON, mustache, scripts, controls: all just words, so always a 200."""
    query = encode_query([("q", q), *((name, value) for name, values in facets.items() for value in values)], raw=raw)
    received = parse_qs(query, keep_blank_values=True)
    [q_received] = received.get("q", [""])
    if not _short_enough(q_received, MAX_QUERY_CHARS):
        return
    for values in (received.get(name, []) for name in SLUG_FACETS):
        if sum(1 + value.count(",") for value in values) > MAX_VALUES_PER_FACET:
            return

    answer, _ = _ask(client, "/specialists", query)

    check(answer, {200}, query + repr(q) + repr(facets))


@hostile(40)
@given(pairs=pairs(SUGGEST_NAMES, max_size=4), raw=st.booleans())
def test_suggest_answers_any_query_string_with_200_or_a_400_naming_the_parameter(
    client: Client, pairs: list[tuple[str, str]], raw: bool
) -> None:
    query = encode_query(pairs, raw=raw)

    answer, received = _ask(client, "/suggest", query)

    event(f"status {answer.status}")
    check(answer, {200, 400}, query + repr(pairs))
    _names_the_problem(answer, received, SUGGEST_NAMES)
    repeated = [name for name, values in received.items() if len(values) > 1]
    if repeated:
        assert answer.status == 400
    if answer.status == 200:
        assert len(answer.body["suggestions"]) <= 10


@hostile(40)
@given(q=st.one_of(TEXT, FRAGMENTS), raw=st.booleans())
def test_any_typed_text_within_the_limit_gets_suggestions(client: Client, q: str, raw: bool) -> None:
    query = encode_query([("q", q)], raw=raw)
    [q_received] = parse_qs(query, keep_blank_values=True).get("q", [""])
    if not _short_enough(q_received, MAX_SUGGEST_CHARS):
        return

    answer, _ = _ask(client, "/suggest", query)

    check(answer, {200}, query + repr(q))
    assert set(answer.body) == {"suggestions", "query_id"}


def _path_segment(text: str, raw: bool) -> str:
    if raw:  # as typed, but for the characters that end a path segment
        return "".join(quote(char, safe="") if char in "/?#%" else char for char in text)
    return quote(text, safe="", errors="surrogatepass")


@hostile(40)
@given(
    specialist_id=st.one_of(
        HOSTILE,
        st.sampled_from([KNOWN_ID, KNOWN_ID.upper(), ".", "..", "_search", "_all", "*", "krish-nandy*"]),
        st.tuples(st.just(KNOWN_ID), HOSTILE).map("".join),
        st.text(ANY_CHARACTER, min_size=60, max_size=70),
    ).filter(bool),
    raw=st.booleans(),
)
def test_a_profile_is_200_for_a_listed_id_and_404_for_anything_else(
    client: Client, specialist_id: str, raw: bool
) -> None:
    path = "/specialists/" + _path_segment(specialist_id, raw)
    if urlsplit(path).path.rstrip("/") == "/specialists":
        return  # not this route: URL parsing drops tabs and line breaks, the gateway a trailing slash

    answer = get(client, path, {"Origin": ALLOWED_ORIGIN})

    check(answer, {200, 404}, path + repr(specialist_id))
    if answer.status == 200:
        assert answer.body["id"] == specialist_id == KNOWN_ID
    else:
        assert answer.error["code"] == "not_found"
    if specialist_id == KNOWN_ID:
        assert answer.status == 200
