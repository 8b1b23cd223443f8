"""What every hostile request must get back, checked in one place.

An answer passes when its status is one the route documents for that request, its body is
JSON (the project's ``ErrorBody`` for a 4xx, naming the field for a 400), it holds none of
the internals a failure could spill (stack traces, library names, file paths, OpenSearch's
own error text) unless the request itself sent those words, and its headers are the API's
own: no line breaks, no header the request tried to smuggle in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalice.test import Client
from hypothesis import settings

ALLOWED_ORIGIN = "https://www.hospital.example"

# Deterministic for CI (no example database, derandomised), real engines (no deadline). No
# health check is suppressed: the client is module-scoped, shared by every example on
# purpose (search is read-only; enquiry examples do not depend on one another).
HOSTILE = settings(derandomize=True, database=None, deadline=None, print_blob=False)


def hostile(max_examples: int) -> settings:
    """The settings above with a bound that keeps tests/hostile within its time budget."""
    return settings(HOSTILE, max_examples=max_examples)


# Words that mean an internal failure reached the caller.
LEAK_MARKERS = (
    "traceback",
    "opensearchpy",
    "opensearch-py",
    "botocore",
    "boto3",
    "exception",
    "pydantic",
    "site-packages",
    "chalicelib",
    "/work/",
    '.py"',
    ".py:",
    'file "',
    "parse_exception",
    "query_shard_exception",
    "search_phase_execution_exception",
    "illegal_argument_exception",
    "x_content_parse_exception",
    "too_many_clauses",
    "caused_by",
    "root_cause",
    "errortype",
    "x-amzn",
    "internal server error",
)

# Every header the API itself ever answers with (lower case).
API_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "vary",
        "cache-control",
        "retry-after",
        "allow",
        "access-control-allow-origin",
        "access-control-expose-headers",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "content-security-policy",
        "x-content-type-options",
        "x-query-id",  # search and typeahead answers: the id they were recorded under
    }
)

ERROR_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    raw: bytes
    headers: Mapping[str, Any]

    @property
    def error(self) -> dict[str, Any]:
        detail = self.body["error"]
        assert isinstance(detail, dict)
        return detail


def answer_of(response: Any) -> Answer:
    raw = bytes(response.body or b"")
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise AssertionError(f"{response.status_code}: the body is not JSON: {raw[:200]!r}") from None
    return Answer(int(response.status_code), body, raw, dict(response.headers))


def get(client: Client, url: str, headers: Mapping[str, str] | None = None) -> Answer:
    return answer_of(client.http.get(url, headers=dict(headers or {})))


def check(answer: Answer, statuses: Collection[int], sent: str) -> None:
    """The invariants of every answer to a hostile request; ``sent`` is everything the request carried."""
    assert answer.status in statuses, (answer.status, answer.raw[:300])
    assert answer.status < 500
    assert isinstance(answer.body, dict), answer.raw[:300]
    _no_leak(answer.raw, sent)
    _own_headers(answer.headers)
    if answer.status >= 400:
        assert set(answer.body) == {"error"}, answer.body
        detail = answer.error
        assert set(detail) == {"code", "message", "field"}, detail
        assert isinstance(detail["code"], str), detail
        assert ERROR_CODE.fullmatch(detail["code"]), detail
        assert isinstance(detail["message"], str), detail
        assert detail["message"], detail
        assert detail["field"] is None or isinstance(detail["field"], str), detail
        assert answer.headers.get("Content-Type", answer.headers.get("content-type")) == "application/json"
    if answer.status == 400:
        assert answer.error["code"] == "invalid_parameter", answer.body


def _no_leak(raw: bytes, sent: str) -> None:
    # The body as a client would read it (JSON escapes undone), and as sent on the wire.
    seen = (raw.decode("utf-8", "replace") + "\n" + json.dumps(json.loads(raw), ensure_ascii=False)).casefold()
    echoed = sent.casefold()
    for marker in LEAK_MARKERS:
        if marker in seen and marker not in echoed:
            raise AssertionError(f"the answer leaks {marker!r}: {raw[:300]!r}")


def _own_headers(headers: Mapping[str, Any]) -> None:
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        assert isinstance(name, str), name
        assert not re.search(r"[\r\n:\x00]", name), name
        assert name.lower() in API_HEADERS, f"a header the API never sends: {name!r}"
        for one in values:
            assert isinstance(one, str), (name, one)
            assert not re.search(r"[\r\n\x00]", one), (name, one)
    origin = headers.get("Access-Control-Allow-Origin")
    assert origin in (None, ALLOWED_ORIGIN), origin


def encode_query(pairs: list[tuple[str, str]], raw: bool = False) -> str:
    """A query string of the pairs, in order, repeats kept.

    Percent-encoded (UTF-8; lone surrogates as their would-be bytes, which the gateway
    decodes to U+FFFD), or ``raw``: only the query's own delimiters escaped, every other
    character (controls, surrogates, ...) handed to the gateway as is.
    """
    if raw:
        return "&".join(f"{_raw(name)}={_raw(value)}" for name, value in pairs)
    return "&".join(
        f"{quote(name, safe='', errors='surrogatepass')}={quote(value, safe='', errors='surrogatepass')}"
        for name, value in pairs
    )


def _raw(text: str) -> str:
    return re.sub(r"[%&=#+?\s]", lambda match: quote(match.group(0), safe=""), text)
