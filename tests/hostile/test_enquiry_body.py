"""Property: no body and no Idempotency-Key gets a 5xx, a leak or an injected header.

``POST /enquiries`` in-process: moto for DynamoDB (the ``aws`` fixture), the real
OpenSearch node with the demo catalog for routing. Every field of the body gets hostile
values and wrong types; whole bodies come as non-objects, nested junk, duplicate keys,
NaN and Infinity, lone surrogates as raw bytes, random bytes. An accepted enquiry is read
back from the table and both e-mails are built from it: only the templates' headers, and
every typed value escaped in the HTML part.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from chalice.test import Client
from hypothesis import event, given
from hypothesis import strategies as st

from chalicelib.enquiries.request import MAX_BODY_BYTES, EnquiryRequest
from tests.enquiries import GOOD
from tests.hostile.mail import check_emails, check_stored, stored
from tests.hostile.strategies import FRAGMENTS, HOSTILE, LONG, NASTY, TEXT
from tests.hostile.support import ALLOWED_ORIGIN, Answer, answer_of, check, hostile

pytestmark = pytest.mark.integration

FIELDS = tuple(EnquiryRequest.model_fields)
STATUSES = {202, 400, 409, 413, 415, 422, 429}
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,64}")

# Text a person could type into a one-line field: markup, scripts, bidi tricks, emoji.
PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60)
TYPED = st.one_of(
    PRINTABLE,
    st.lists(st.one_of(st.sampled_from([n for n in NASTY if n.isprintable()]), PRINTABLE), min_size=1, max_size=4)
    .map("".join)
    .filter(lambda text: len(text) <= 80),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON_JUNK = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.one_of(TEXT, st.sampled_from(FIELDS)), children, max_size=3)
    ),
    max_leaves=8,
)
EMAILS = st.one_of(
    st.builds("{}@{}".format, st.from_regex(r"[a-z0-9.+_-]{1,20}", fullmatch=True), st.just("example.com")),
    st.builds("{}@example.com".format, FRAGMENTS),
    st.sampled_from(
        [
            "a@bücher.example",
            "a@xn--bcher-kva.example",
            "A@EXAMPLE.COM",
            '"a b"@example.com',
            "a@[127.0.0.1]",
            "a@example.com, b@example.com",
            "Alex <a@example.com>",
            "a@example.com\r\nBcc: b@example.com",
            "a@example.com%0d%0aBcc:b@example.com",
            "a+<script>@example.com",
            "\u202ea@example.com",
        ]
    ),
)
PHONES = st.one_of(
    st.sampled_from(["020 7946 0000", "+44 20 7946 0000", "+1 202 555 0100", "07700 900123", "(020) 7946-0000"]),
    TEXT,
    FRAGMENTS,
)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "specialist_id": st.one_of(st.sampled_from(["krish-nandy", "KRISH-NANDY", "no-such-one", "*", "_all"]), TEXT),
    "hospital_id": st.one_of(st.sampled_from(["hendon", "beaumont", "london-independent", ""]), TEXT),
    "treatment": st.one_of(TYPED, st.sampled_from(["knee-replacement", "no-such-treatment", "Knee replacement"])),
    "specialty": st.one_of(st.sampled_from(["trauma-and-orthopaedics", "psychiatry", "no-such-one", ""]), TEXT),
    "first_name": TYPED,
    "last_name": TYPED,
    "email": EMAILS,
    "phone": PHONES,
    "preferred_contact": st.sampled_from(["email", "phone", "EMAIL", "fax", "email\r\n"]),
    "message": st.one_of(TYPED, FRAGMENTS, st.text(max_size=2000)),
    "consent": st.sampled_from([True, "true", 1, None]),
    "consent_version": st.one_of(st.sampled_from(["2026-11", "", "2026 11", "x" * 33, 2026]), TEXT),
    "marketing_opt_in": st.sampled_from([True, False, "yes", 0]),
    "website": st.one_of(st.just(""), TYPED),
    "query_id": st.one_of(st.uuids(version=4).map(str), st.sampled_from(["", "not-a-uuid", "0" * 36]), TEXT),
}


def _value(name: str) -> st.SearchStrategy[Any]:
    return st.one_of(FIELD_VALUES[name], FIELD_VALUES[name], HOSTILE, LONG, JSON_JUNK)


CHANGES = st.lists(
    st.sampled_from(FIELDS).flatmap(lambda name: st.tuples(st.just(name), _value(name))), max_size=3
).map(dict)
# Changes a patient could make: odd but well-typed text, so that many bodies are accepted
# and their e-mails get built.
TYPED_FIELDS = ("first_name", "last_name", "treatment", "message", "email")
FORM_CHANGES = st.dictionaries(
    st.sampled_from(TYPED_FIELDS),
    st.none(),
    min_size=1,
    max_size=len(TYPED_FIELDS),
).flatmap(lambda chosen: st.fixed_dictionaries({name: EMAILS if name == "email" else TYPED for name in chosen}))
DROPS = st.sets(st.sampled_from(FIELDS), max_size=2)
EXTRAS = st.dictionaries(
    st.one_of(TEXT, st.sampled_from(["__proto__", "constructor", "Bcc", "id", "status"])), JSON_JUNK, max_size=2
)
KEYS = st.one_of(
    st.none(),
    st.none(),
    st.from_regex(r"[\x21-\x7e]{1,64}", fullmatch=True),
    st.sampled_from(["k\r\nX-Injected: 1", "k%0d%0aX-Injected:%201", "", " ", "x" * 65, "caf\u00e9", "\x00"]),
    TEXT,
)


def _encode(body: Any, ascii_only: bool) -> bytes:
    """JSON text (NaN and Infinity kept as written); lone surrogates become raw bytes."""
    return json.dumps(body, ensure_ascii=ascii_only, allow_nan=True).encode("utf-8", "surrogatepass")


def _with_duplicates(pairs: list[tuple[str, Any]]) -> bytes:
    members = ",".join(f"{json.dumps(key)}:{json.dumps(value)}" for key, value in pairs)
    return ("{" + members + "}").encode("utf-8", "surrogatepass")


# General enquiries: no specialist; for Hendon's team or (no hospital either) the central team,
# with a treatment or specialty slug or neither.
GENERAL_FORMS = st.builds(
    lambda hospital, topic: {
        **{k: v for k, v in GOOD.items() if k not in ("specialist_id", "hospital_id", "treatment")},
        **hospital,
        **topic,
    },
    st.sampled_from([{}, {"hospital_id": "hendon"}, {"hospital_id": "london-independent"}]),
    st.sampled_from([{}, {"treatment": "knee-replacement"}, {"specialty": "trauma-and-orthopaedics"}]),
)
BODIES = st.one_of(
    # The form as a patient could fill it in, oddly.
    st.builds(lambda changes, ascii_only: _encode({**GOOD, **changes}, ascii_only), FORM_CHANGES, st.booleans()),
    # The general enquiry form, oddly filled in, with fields changed, left out and added.
    st.builds(
        lambda form, changes, drops, extras, ascii_only: _encode(
            {**{k: v for k, v in form.items() if k not in drops}, **changes, **extras}, ascii_only
        ),
        GENERAL_FORMS,
        st.one_of(FORM_CHANGES.map(lambda changes: {k: v for k, v in changes.items() if k != "treatment"}), CHANGES),
        DROPS,
        EXTRAS,
        st.booleans(),
    ),
    # The form's body with fields changed, left out and added.
    st.builds(
        lambda changes, drops, extras, ascii_only: _encode(
            {**{k: v for k, v in GOOD.items() if k not in drops}, **changes, **extras}, ascii_only
        ),
        CHANGES,
        DROPS,
        EXTRAS,
        st.booleans(),
    ),
    # The same, every field given twice.
    st.builds(
        lambda changes: _with_duplicates([*GOOD.items(), *changes.items()]),
        CHANGES.filter(bool),
    ),
    # Whole bodies that are not the form at all.
    st.builds(_encode, JSON_JUNK, st.booleans()),
    st.builds(_encode, st.sampled_from([float("nan"), float("inf"), {"consent": float("-inf")}]), st.just(True)),
    st.binary(max_size=200),
    st.builds(lambda size: _encode({**GOOD, "message": "m" * size}, True), st.integers(16_000, 17_000)),
)


def _strict_object(raw: bytes) -> dict[str, Any] | None:
    """The body as a JSON object if it is one by the book (UTF-8, no NaN, no repeated key)."""

    def no_constant(name: str) -> Any:
        raise ValueError(name)

    def no_repeat(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({key for key, _ in pairs}) < len(pairs):
            raise ValueError("repeated key")
        return dict(pairs)

    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=no_constant, object_pairs_hook=no_repeat)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


def post(client: Client, raw: bytes, key: str | None) -> Answer:
    headers = {"Content-Type": "application/json", "Origin": ALLOWED_ORIGIN}
    if key is not None:
        headers["Idempotency-Key"] = key
    return answer_of(client.http.post("/enquiries", headers=headers, body=raw))


@hostile(100)
@given(raw=BODIES, key=KEYS)
def test_any_body_and_key_is_answered_as_documented_and_an_accepted_one_mails_safely(
    client: Client, raw: bytes, key: str | None
) -> None:
    answer = post(client, raw, key)

    sent = raw.decode("utf-8", "replace") + (key or "")
    event(f"status {answer.status}")
    check(answer, STATUSES - {415}, sent)
    if len(raw) > MAX_BODY_BYTES:
        assert answer.status == 413
        return
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        assert (answer.status, answer.error["field"]) == (400, "Idempotency-Key")
        return
    assert answer.status != 413
    body = _strict_object(raw)
    if answer.status == 400 and body is not None:
        named = answer.error["field"]
        assert named is not None, answer.body
        assert named in {*FIELDS, *body, *(key[:40] for key in body)}, answer.body
    if answer.status == 202:
        assert body is not None, "accepted a body that is not a JSON object by the book"
        assert set(answer.body) == {"enquiry_id", "status"}
        assert answer.body["status"] == "received"
        event("accepted: " + ("specialist" if body.get("specialist_id") else "general"))
        item = stored(answer.body["enquiry_id"])
        if str(body.get("website", "")).strip():
            assert item is None, "the honeypot's catch was stored"
            return
        assert item is not None, "accepted but not stored"
        check_emails(check_stored(item))
