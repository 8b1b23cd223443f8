"""Hypothesis strategies for hostile input: text from every Unicode category (lone
surrogates included), control characters, known-nasty fragments, very long values and
numbers far out of range, mixed with values the API takes."""

from __future__ import annotations

from hypothesis import strategies as st

# Fragments that have broken search and mail systems before.
NASTY = (
    "\r\n",
    "\r\nX-Injected: 1",
    "%0d%0aSet-Cookie:%20a=b",
    "\nBcc: victim@example.com",
    "\x00",
    "\x1b[31m",
    "\u0085",
    "\u2028",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\U0001f600",
    "\ufb03",  # the ligature "ffi": three characters after NFKC
    "\ufdfa",  # one character, 18 after NFKC
    "\uff21",  # a fullwidth A
    "\u0430",  # a Cyrillic a
    "*:*",
    "name:foo AND",
    "\\",
    '"',
    "'",
    "/.*/",
    "~",
    "^2",
    "(",
    "[a TO z]",
    '{"query": {"match_all": {}}}',
    "{{suggestion}}",
    "{{#toJson}}_source{{/toJson}}",
    "doc['name'].value",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1",
    "${jndi:ldap://x/a}",
    "../../etc/passwd",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "0x10",
    "\u0663",  # an Arabic-Indic digit
    "\uff11",  # a fullwidth digit
    ",",
    ",,,,",
)

ANY_CHARACTER = st.characters(exclude_categories=())  # every category, surrogates too
TEXT = st.text(ANY_CHARACTER, max_size=40)
FRAGMENTS = st.lists(st.one_of(st.sampled_from(NASTY), TEXT), min_size=1, max_size=6).map("".join)
LONG = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(["a", "9", "\ufb03", "\u200b", " ", ",", "é", "\U0001f600", "a,"]),
    st.integers(min_value=100, max_value=6000),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=4000, max_value=6000).map(lambda digits: "1" * digits),
    st.sampled_from(["1e309", "-1e309", "1e-400", "1.", ".5", "+1", " 1", "1_0", "0x1f", "1,5", "1 000", "01"]),
)
HOSTILE = st.one_of(TEXT, FRAGMENTS, LONG, NUMBERS)

# Values each query parameter takes, to mix with hostile ones.
VALID: dict[str, st.SearchStrategy[str]] = {
    "q": st.sampled_from(["psychiatrist", "knee replacement", "nandy", "hendon", "psychodynamic therapy"]),
    "specialty": st.sampled_from(["psychiatry", "orthopaedics", "psychiatry,psychology"]),
    "treatment": st.sampled_from(["knee-replacement", "psychodynamic-therapy"]),
    "condition": st.sampled_from(["depression", "back-pain"]),
    "hospital": st.sampled_from(["hendon", "london-independent", "hendon,beaumont"]),
    "gender": st.sampled_from(["female", "male", "Female,male"]),
    "language": st.sampled_from(["hindi", "french"]),
    "insurer": st.sampled_from(["bupa", "axa-health"]),
    "sees_children": st.sampled_from(["true", "false"]),
    "bookable_online": st.sampled_from(["true", "false"]),
    "near": st.sampled_from(["NW4 1RP", "NW4", "Manchester", "hendon", "London"]),
    "lat": st.sampled_from(["51.5", "-90", "90", "53.48"]),
    "lon": st.sampled_from(["-0.2", "180", "-180", "-2.24"]),
    "radius_miles": st.sampled_from(["0.1", "25", "200", "10.5"]),
    "sort": st.sampled_from(["relevance", "distance", "name"]),
    "page": st.sampled_from(["1", "2", "20", "100", "1000"]),
    "page_size": st.sampled_from(["1", "10", "50"]),
    "limit": st.sampled_from(["1", "8", "10"]),
}


def value_for(name: str) -> st.SearchStrategy[str]:
    valid = VALID.get(name)
    return HOSTILE if valid is None else st.one_of(valid, HOSTILE)


def pairs(declared: tuple[str, ...], max_size: int = 6) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Query pairs: declared names with valid or hostile values, repeats, and unknown names."""
    known = st.sampled_from(declared).flatmap(lambda name: st.tuples(st.just(name), value_for(name)))
    unknown = st.tuples(
        st.one_of(TEXT, st.sampled_from(NASTY), st.sampled_from(["Q", "page ", "q[]", "__proto__"])), HOSTILE
    )
    return st.lists(st.one_of(known, known, known, unknown), max_size=max_size)
