"""The tokens in the hospital team's acknowledge and outcome links: signed, expiring, single-purpose."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.enquiries.links import (
    DEFAULT_LIFETIME_DAYS,
    DOMAIN,
    MAX_EXPIRES_AT,
    PURPOSES,
    TOKEN_LENGTH,
    ULID_FORMAT,
    LinkError,
    LinkExpired,
    LinkInvalid,
    LinkWrongPurpose,
    Purpose,
    issue,
    link_expiry,
    verify,
)

KEY = bytes(range(32))
PREVIOUS_KEY = b"p" * 32
OTHER_KEY = b"o" * 40
ENQUIRY = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
OTHER_ENQUIRY = "01HZY8K3M4N5P6Q7R8S9T0VWXY"
SENT_AT = 1_780_000_000
EXPIRES_AT = link_expiry(SENT_AT)
URL_SAFE = string.ascii_letters + string.digits + "-_"


def _forge(key: bytes, payload: bytes) -> str:
    """A token signed as the module signs, around any payload: authentic, whatever it says."""
    tag = hmac.new(key, DOMAIN + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(payload + tag).rstrip(b"=").decode("ascii")


def _payload(version: int = 1, code: int = 1, expires_at: int = EXPIRES_AT, enquiry_id: bytes = b"") -> bytes:
    return bytes([version, code]) + expires_at.to_bytes(4, "big") + (enquiry_id or ENQUIRY.encode())


# --- the happy path ---------------------------------------------------------------------


@pytest.mark.parametrize("purpose", PURPOSES)
def test_given_a_fresh_token_then_it_verifies_as_its_enquiry(purpose: Purpose) -> None:
    token = issue(KEY, ENQUIRY, purpose, EXPIRES_AT)
    assert verify(KEY, token, purpose, SENT_AT) == ENQUIRY


def test_given_a_token_a_second_before_expiry_then_it_verifies() -> None:
    token = issue(KEY, ENQUIRY, "booked", EXPIRES_AT)
    assert verify(KEY, token, "booked", EXPIRES_AT - 1) == ENQUIRY


def test_given_one_token_verified_twice_then_both_succeed_as_replay_is_the_stores_job() -> None:
    token = issue(KEY, ENQUIRY, "acknowledge", EXPIRES_AT)
    assert verify(KEY, token, "acknowledge", SENT_AT) == verify(KEY, token, "acknowledge", SENT_AT + 60)


def test_given_two_enquiries_or_purposes_then_their_tokens_differ() -> None:
    tokens = {issue(KEY, enquiry, purpose, EXPIRES_AT) for enquiry in (ENQUIRY, OTHER_ENQUIRY) for purpose in PURPOSES}
    assert len(tokens) == 2 * len(PURPOSES)


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("expires_at", [0, 1, EXPIRES_AT, MAX_EXPIRES_AT])
def test_given_any_token_then_it_is_url_safe_unpadded_and_short(purpose: Purpose, expires_at: int) -> None:
    token = issue(KEY, "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", purpose, expires_at)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert len(token) == TOKEN_LENGTH == 86
    assert len(token) < 120


def test_given_a_send_time_then_links_expire_thirty_days_later_by_default() -> None:
    assert DEFAULT_LIFETIME_DAYS == 30
    assert link_expiry(SENT_AT) == SENT_AT + 30 * 86_400
    assert link_expiry(SENT_AT, days=7) == SENT_AT + 7 * 86_400


@pytest.mark.parametrize("days", [0, -1])
def test_given_a_lifetime_under_a_day_then_link_expiry_refuses_it(days: int) -> None:
    with pytest.raises(ValueError, match="lifetime"):
        link_expiry(SENT_AT, days=days)


# --- expiry and purpose -----------------------------------------------------------------


@pytest.mark.parametrize("now", [EXPIRES_AT, EXPIRES_AT + 1, EXPIRES_AT + 86_400 * 365])
def test_given_a_token_at_or_after_its_expiry_then_it_is_expired(now: int) -> None:
    token = issue(KEY, ENQUIRY, "not_suitable", EXPIRES_AT)
    with pytest.raises(LinkExpired) as raised:
        verify(KEY, token, "not_suitable", now)
    assert raised.value.enquiry_id == ENQUIRY
    assert raised.value.expires_at == EXPIRES_AT


@pytest.mark.parametrize(
    ("issued_for", "asked_for"), [(issued, asked) for issued in PURPOSES for asked in PURPOSES if issued != asked]
)
def test_given_a_token_for_another_purpose_then_it_is_the_wrong_purpose(
    issued_for: Purpose, asked_for: Purpose
) -> None:
    token = issue(KEY, ENQUIRY, issued_for, EXPIRES_AT)
    with pytest.raises(LinkWrongPurpose) as raised:
        verify(KEY, token, asked_for, SENT_AT)
    assert (raised.value.purpose, raised.value.expected, raised.value.enquiry_id) == (issued_for, asked_for, ENQUIRY)


def test_given_an_expired_token_for_another_purpose_then_the_purpose_is_what_is_wrong() -> None:
    token = issue(KEY, ENQUIRY, "booked", EXPIRES_AT)
    with pytest.raises(LinkWrongPurpose):
        verify(KEY, token, "acknowledge", EXPIRES_AT + 1)


# --- tampering: never anything but LinkInvalid ------------------------------------------


def test_given_any_one_character_changed_anywhere_then_the_token_is_invalid() -> None:
    token = issue(KEY, ENQUIRY, "acknowledge", EXPIRES_AT)
    tried = 0
    for position, original in enumerate(token):
        for replacement in URL_SAFE:
            if replacement == original:
                continue
            tampered = token[:position] + replacement + token[position + 1 :]
            with pytest.raises(LinkInvalid):
                verify(KEY, tampered, "acknowledge", SENT_AT)
            tried += 1
    assert tried == len(token) * (len(URL_SAFE) - 1)


def test_given_an_expired_token_tampered_with_then_it_is_invalid_not_expired() -> None:
    # The tag is checked before the expiry is read: no error type says more without a valid tag.
    token = issue(KEY, ENQUIRY, "booked", EXPIRES_AT)
    for position in range(len(token)):
        tampered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        with pytest.raises(LinkInvalid):
            verify(KEY, tampered, "acknowledge", EXPIRES_AT + 1)


def test_given_a_truncated_token_then_it_is_invalid() -> None:
    token = issue(KEY, ENQUIRY, "booked", EXPIRES_AT)
    for length in range(len(token)):
        with pytest.raises(LinkInvalid):
            verify(KEY, token[:length], "booked", SENT_AT)
        with pytest.raises(LinkInvalid):
            verify(KEY, token[len(token) - length :], "booked", SENT_AT)


@pytest.mark.parametrize(
    "suffix", ["A", "AA", "AAA", "AAAA", "=", "==", "\n", " ", "%3D", "é", "\u0000", "_-", "AQ", "0" * 86]
)
def test_given_an_extended_token_then_it_is_invalid(suffix: str) -> None:
    token = issue(KEY, ENQUIRY, "booked", EXPIRES_AT)
    for extended in (token + suffix, suffix + token):
        with pytest.raises(LinkInvalid):
            verify(KEY, extended, "booked", SENT_AT)


def test_given_the_token_in_standard_base64_then_it_is_invalid() -> None:
    # The first expiry from ours whose token holds a "-" or "_", so the two alphabets differ.
    token = next(
        token
        for token in (issue(KEY, ENQUIRY, "booked", EXPIRES_AT + offset) for offset in range(1000))
        if "-" in token or "_" in token
    )
    with pytest.raises(LinkInvalid):
        verify(KEY, token.replace("-", "+").replace("_", "/"), "booked", SENT_AT)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "A" * 86, "_" * 86, "-" * TOKEN_LENGTH, "\uff21" * 86])
def test_given_garbage_then_it_is_invalid(garbage: str) -> None:
    with pytest.raises(LinkInvalid):
        verify(KEY, garbage, "acknowledge", SENT_AT)


def test_given_a_token_signed_with_another_key_then_it_is_invalid() -> None:
    token = issue(OTHER_KEY, ENQUIRY, "acknowledge", EXPIRES_AT)
    with pytest.raises(LinkInvalid):
        verify(KEY, token, "acknowledge", SENT_AT)


def test_given_a_tag_without_the_domain_prefix_then_it_is_invalid() -> None:
    payload = _payload()
    tag = hmac.new(KEY, payload, hashlib.sha256).digest()
    token = base64.urlsafe_b64encode(payload + tag).rstrip(b"=").decode("ascii")
    with pytest.raises(LinkInvalid):
        verify(KEY, token, "acknowledge", SENT_AT)


def test_given_the_format_then_a_forged_payload_signs_as_the_module_signs() -> None:
    # Pins the documented layout, so the forgeries below mean what they say.
    assert _forge(KEY, _payload()) == issue(KEY, ENQUIRY, "acknowledge", EXPIRES_AT)


@pytest.mark.parametrize(
    "payload",
    [
        _payload(version=2),
        _payload(version=0),
        _payload(code=0),
        _payload(code=5),
        _payload(code=255),
        _payload(enquiry_id=ENQUIRY.lower().encode()),
        _payload(enquiry_id=b"8" + ENQUIRY[1:].encode()),  # over 128 bits
        _payload(enquiry_id=b"01ARZ3NDEKTSV4RRFFQ69G5FAI"),  # I is not Crockford
        _payload(enquiry_id=b"01ARZ3NDEKTSV4RRFFQ69G5FA\n"),
        _payload(enquiry_id=b"../../../../../../etc/pass"),
        _payload(enquiry_id=b"\xff" * 26),
    ],
)
def test_given_an_authentic_token_we_would_never_issue_then_it_is_invalid(payload: bytes) -> None:
    with pytest.raises(LinkInvalid):
        verify(KEY, _forge(KEY, payload), "acknowledge", SENT_AT)


# --- keys -------------------------------------------------------------------------------


def test_given_a_token_from_the_previous_key_then_it_verifies_while_that_key_is_listed() -> None:
    token = issue(PREVIOUS_KEY, ENQUIRY, "booked", EXPIRES_AT)
    assert verify([KEY, PREVIOUS_KEY], token, "booked", SENT_AT) == ENQUIRY
    assert verify((KEY, PREVIOUS_KEY), token, "booked", SENT_AT) == ENQUIRY


def test_given_a_token_from_the_current_key_then_it_verifies_with_both_listed() -> None:
    token = issue(KEY, ENQUIRY, "booked", EXPIRES_AT)
    assert verify([KEY, PREVIOUS_KEY], token, "booked", SENT_AT) == ENQUIRY


def test_given_a_token_from_a_key_no_longer_listed_then_it_is_invalid() -> None:
    token = issue(PREVIOUS_KEY, ENQUIRY, "booked", EXPIRES_AT)
    with pytest.raises(LinkInvalid):
        verify([KEY], token, "booked", SENT_AT)
    with pytest.raises(LinkInvalid):
        verify(KEY, token, "booked", SENT_AT)


@pytest.mark.parametrize("key", [b"", b"k" * 31, b"short"])
def test_given_a_short_key_then_issue_and_verify_refuse_it(key: bytes) -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        issue(key, ENQUIRY, "acknowledge", EXPIRES_AT)
    token = issue(KEY, ENQUIRY, "acknowledge", EXPIRES_AT)
    with pytest.raises(ValueError, match="at least 32 bytes"):
        verify(key, token, "acknowledge", SENT_AT)
    with pytest.raises(ValueError, match="at least 32 bytes"):
        verify([KEY, key], token, "acknowledge", SENT_AT)


def test_given_no_keys_then_verify_refuses() -> None:
    token = issue(KEY, ENQUIRY, "acknowledge", EXPIRES_AT)
    with pytest.raises(ValueError, match="at least one key"):
        verify([], token, "acknowledge", SENT_AT)


def test_given_a_key_as_text_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="bytes"):
        issue("k" * 32, ENQUIRY, "acknowledge", EXPIRES_AT)  # type: ignore[arg-type]
    token = issue(KEY, ENQUIRY, "acknowledge", EXPIRES_AT)
    with pytest.raises(ValueError, match="bytes"):
        verify(["k" * 32], token, "acknowledge", SENT_AT)  # type: ignore[list-item]


# --- what issue refuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    "enquiry_id",
    [
        "",
        ENQUIRY.lower(),
        ENQUIRY[:-1],
        ENQUIRY + "A",
        "8" + ENQUIRY[1:],
        "01ARZ3NDEKTSV4RRFFQ69G5FAU",  # U is not Crockford
        "01ARZ3NDEKTSV4RRFFQ69G5FAV\n",
        " 01ARZ3NDEKTSV4RRFFQ69G5FA",
        "spec-123",
        "\uff101ARZ3NDEKTSV4RRFFQ69G5FAV",  # a full-width zero
    ],
)
def test_given_an_id_that_is_not_a_ulid_then_issue_refuses_it(enquiry_id: str) -> None:
    with pytest.raises(LinkInvalid):
        issue(KEY, enquiry_id, "acknowledge", EXPIRES_AT)


@pytest.mark.parametrize("expires_at", [-1, MAX_EXPIRES_AT + 1, 2**64, True])
def test_given_an_expiry_four_bytes_cannot_hold_then_issue_refuses_it(expires_at: int) -> None:
    with pytest.raises(ValueError, match="expires_at"):
        issue(KEY, ENQUIRY, "acknowledge", expires_at)


def test_given_an_unknown_purpose_then_issue_and_verify_refuse_it() -> None:
    with pytest.raises(ValueError, match="purpose"):
        issue(KEY, ENQUIRY, "cancelled", EXPIRES_AT)  # type: ignore[arg-type]
    token = issue(KEY, ENQUIRY, "acknowledge", EXPIRES_AT)
    with pytest.raises(ValueError, match="purpose"):
        verify(KEY, token, "cancelled", SENT_AT)  # type: ignore[arg-type]


def test_the_errors_are_one_family() -> None:
    assert all(issubclass(error, LinkError) for error in (LinkInvalid, LinkExpired, LinkWrongPurpose))
    assert str(LinkInvalid()) == "the link is not valid"


# --- properties -------------------------------------------------------------------------

ULIDS = st.from_regex(ULID_FORMAT, fullmatch=True)
EXPIRIES = st.integers(min_value=1, max_value=MAX_EXPIRES_AT)
KEYS = st.binary(min_size=32, max_size=64)
# Reproducible, nothing written to disk, no deadline on a loaded machine (as tests/hostile/support.py).
PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=200)


@PROPERTY
@given(key=KEYS, enquiry_id=ULIDS, purpose=st.sampled_from(PURPOSES), expires_at=EXPIRIES, data=st.data())
def test_given_any_valid_fields_then_the_token_round_trips(
    key: bytes, enquiry_id: str, purpose: Purpose, expires_at: int, data: st.DataObject
) -> None:
    token = issue(key, enquiry_id, purpose, expires_at)
    assert len(token) == TOKEN_LENGTH
    assert set(token) <= set(URL_SAFE)
    now = data.draw(st.integers(min_value=0, max_value=expires_at - 1), label="now")
    assert verify(key, token, purpose, now) == enquiry_id
    with pytest.raises(LinkExpired):
        verify(key, token, purpose, expires_at)


_MUTATIONS = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, TOKEN_LENGTH - 1), st.text(min_size=1, max_size=3)),
    st.tuples(st.just("insert"), st.integers(0, TOKEN_LENGTH), st.text(min_size=1, max_size=3)),
    st.tuples(st.just("delete"), st.integers(0, TOKEN_LENGTH - 1), st.integers(1, 3).map(str)),
)


@settings(PROPERTY, max_examples=500)
@given(enquiry_id=ULIDS, purpose=st.sampled_from(PURPOSES), expires_at=EXPIRIES, mutation=_MUTATIONS)
def test_given_any_mutated_token_then_it_never_verifies(
    enquiry_id: str, purpose: Purpose, expires_at: int, mutation: tuple[str, int, str]
) -> None:
    token = issue(KEY, enquiry_id, purpose, expires_at)
    kind, at, text = mutation
    if kind == "replace":
        mutated = token[:at] + text + token[at + len(text) :]
    elif kind == "insert":
        mutated = token[:at] + text + token[at:]
    else:
        mutated = token[:at] + token[at + int(text) :]
    if mutated == token:
        return
    with pytest.raises(LinkInvalid):
        verify([KEY, PREVIOUS_KEY], mutated, purpose, 0)


@PROPERTY
@given(garbage=st.text(max_size=120) | st.text(alphabet=URL_SAFE, min_size=80, max_size=90))
def test_given_any_text_then_verify_only_ever_refuses_it_as_invalid(garbage: str) -> None:
    with pytest.raises(LinkInvalid):
        verify(KEY, garbage, "acknowledge", 0)
