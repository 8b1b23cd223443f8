"""The tokens in the hospital team's e-mail links: "acknowledge" and the three outcomes.

Each link carries a token that is signed (HMAC-SHA256), expiring and single-purpose: it
names one enquiry and one action, and nothing else. This module is pure: the key comes from
the caller (Secrets Manager, later), the clock too.

Format (version 1), 64 bytes before encoding, 86 characters of URL-safe base64 without padding::

    version (1 byte, 0x01) | purpose (1 byte) | expires_at (4 bytes, big-endian Unix seconds)
    | enquiry id (26 ASCII bytes, a ULID) | tag (32 bytes)

    tag = HMAC-SHA256(key, DOMAIN + the 32 bytes before it)

``DOMAIN`` separates these tags from anything else the same key might ever sign. The tag is
the full 32 bytes: the link stays well under the length of a comfortable e-mail link, so
nothing is gained by truncating it.

Verifying checks the tag (constant-time) *before* reading anything else in the payload, so a
token without a valid tag is only ever ``LinkInvalid``, whatever is wrong with it: the error
type tells a forger nothing. Only an authentic token can be ``LinkWrongPurpose`` (checked
first: a token pasted into the wrong link is wrong whatever its age) or ``LinkExpired``.
The encoding is checked to be canonical (the last character has spare bits), so no two
strings verify as the same token.

Keys rotate: ``verify`` takes the current key first, then the previous one, and accepts a tag
from any of them; links issued before a rotation keep working until the previous key is
dropped from the list.

A token may be used more than once, by design: it is no nonce. A team member who clicks twice,
or two members of the team who click the same e-mail, must see "already recorded", not an
error; recording an acknowledgement or an outcome is the store's job, conditional and
idempotent. And since mail scanners and link previews fetch links, a GET must never change
state: the route shows a confirmation page on GET and records on POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

Purpose = Literal["acknowledge", "booked", "not_suitable", "could_not_reach_patient"]

PURPOSES: Final[tuple[Purpose, ...]] = get_args(Purpose)

DEFAULT_LIFETIME_DAYS: Final = 30
"""How long a link works by default. Long enough for a team to call the patient back a few
times and then record the outcome from the same e-mail; short enough that an old, forwarded
or leaked e-mail stops acting on the enquiry."""

MIN_KEY_BYTES: Final = 32
"""HMAC-SHA256's own output size: a shorter key is weaker than the tag it makes."""

DOMAIN: Final = b"find-a-specialist/enquiry-link/v1\x00"
VERSION: Final = 1

# One byte per purpose, in the signed bytes. Never renumber: issued links carry these.
_PURPOSE_CODES: Final[dict[Purpose, int]] = {
    "acknowledge": 1,
    "booked": 2,
    "not_suitable": 3,
    "could_not_reach_patient": 4,
}
_PURPOSES_BY_CODE: Final[dict[int, Purpose]] = {code: purpose for purpose, code in _PURPOSE_CODES.items()}

_ID_LENGTH: Final = 26
_EXPIRY_BYTES: Final = 4
_TAG_BYTES: Final = 32
_PAYLOAD_BYTES: Final = 1 + 1 + _EXPIRY_BYTES + _ID_LENGTH
_TOKEN_BYTES: Final = _PAYLOAD_BYTES + _TAG_BYTES
TOKEN_LENGTH: Final = (_TOKEN_BYTES * 4 + 2) // 3
"""Every token's length in characters (86): base64 of 64 bytes, without its padding."""

MAX_EXPIRES_AT: Final = 2**32 - 1
"""The last second four bytes hold (in 2106)."""

# A ULID: 26 characters of Crockford's base32, upper case; the first is at most 7 (128 bits).
ULID_FORMAT: Final = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")
_TOKEN_FORMAT: Final = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


class LinkError(Exception):
    """A link's token was refused; the subclass says why, as far as it is safe to say."""


class LinkInvalid(LinkError):
    """Malformed, tampered with or signed with a key not in use. Deliberately says no more."""

    def __init__(self) -> None:
        super().__init__("the link is not valid")


class LinkExpired(LinkError):
    """An authentic token past its expiry. Carries the enquiry id: the tag vouches for it."""

    def __init__(self, enquiry_id: str, expires_at: int) -> None:
        super().__init__(f"the link for enquiry {enquiry_id} expired at {expires_at}")
        self.enquiry_id = enquiry_id
        self.expires_at = expires_at


class LinkWrongPurpose(LinkError):
    """An authentic token for another action on the enquiry (say, ``booked`` where
    ``acknowledge`` was asked): a link put together by hand, or a bug."""

    def __init__(self, enquiry_id: str, purpose: Purpose, expected: Purpose) -> None:
        super().__init__(f"the link for enquiry {enquiry_id} is for {purpose!r}, not {expected!r}")
        self.enquiry_id = enquiry_id
        self.purpose = purpose
        self.expected = expected


def link_expiry(sent_at: int, days: int = DEFAULT_LIFETIME_DAYS) -> int:
    """The expiry (Unix seconds) of links in an e-mail sent at ``sent_at``: ``days`` later."""
    if days <= 0:
        raise ValueError(f"a link's lifetime must be at least a day, not {days}")
    return sent_at + days * 86_400


def issue(key: bytes, enquiry_id: str, purpose: Purpose, expires_at: int) -> str:
    """The token for ``purpose`` on ``enquiry_id``, working until ``expires_at`` (Unix seconds,
    excluded). Raises ``ValueError`` for a short key, an unknown purpose or an expiry four bytes
    cannot hold, and ``LinkInvalid`` (a ``LinkError``, as ``verify`` would) for an id that is not
    a ULID: an id we would refuse is never signed."""
    _check_key(key)
    code = _purpose_code(purpose)
    if not _is_ulid(enquiry_id):
        raise LinkInvalid()
    if isinstance(expires_at, bool) or not isinstance(expires_at, int) or not 0 <= expires_at <= MAX_EXPIRES_AT:
        raise ValueError(f"expires_at must be Unix seconds in [0, {MAX_EXPIRES_AT}], not {expires_at!r}")
    payload = bytes([VERSION, code]) + expires_at.to_bytes(_EXPIRY_BYTES, "big") + enquiry_id.encode("ascii")
    return _encode(payload + _tag(key, payload))


def verify(key: bytes | Sequence[bytes], token: str, purpose: Purpose, now: int) -> str:
    """The enquiry id ``token`` acts on, if it is authentic under one of the keys (the current
    key first, then the previous one), is for ``purpose`` and has not expired at ``now``.

    Raises ``LinkInvalid``, ``LinkWrongPurpose`` or ``LinkExpired`` (all ``LinkError``), and
    ``ValueError`` for the caller's own mistakes: no key, a short key, an unknown purpose.
    """
    keys = _keys(key)
    expected_code = _purpose_code(purpose)
    raw = _decode(token)
    payload, tag = raw[:_PAYLOAD_BYTES], raw[_PAYLOAD_BYTES:]
    # Every key is tried, the match or not, so the time taken does not depend on which matched.
    authentic = False
    for candidate in keys:
        authentic |= hmac.compare_digest(_tag(candidate, payload), tag)
    if not authentic:
        raise LinkInvalid()
    # Only now is the payload read. An authentic token we cannot read (a version or purpose
    # from a future release, an id we would never sign) is still only LinkInvalid.
    version, code = payload[0], payload[1]
    expires_at = int.from_bytes(payload[2 : 2 + _EXPIRY_BYTES], "big")
    enquiry_id = payload[2 + _EXPIRY_BYTES :].decode("ascii", errors="replace")
    token_purpose = _PURPOSES_BY_CODE.get(code)
    if version != VERSION or token_purpose is None or not _is_ulid(enquiry_id):
        raise LinkInvalid()
    if code != expected_code:
        raise LinkWrongPurpose(enquiry_id, token_purpose, purpose)
    if now >= expires_at:
        raise LinkExpired(enquiry_id, expires_at)
    return enquiry_id


def _tag(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, DOMAIN + payload, hashlib.sha256).digest()


def _check_key(key: object) -> None:
    if not isinstance(key, bytes):
        raise ValueError("a link key must be bytes")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"a link key must be at least {MIN_KEY_BYTES} bytes, not {len(key)}")


def _keys(key: bytes | Sequence[bytes]) -> tuple[bytes, ...]:
    # bytes is itself a Sequence (of ints), so one key is told apart first.
    keys = (key,) if isinstance(key, bytes) else tuple(key)
    if not keys:
        raise ValueError("verifying a link needs at least one key")
    for each in keys:
        _check_key(each)
    return keys


def _purpose_code(purpose: Purpose) -> int:
    code = _PURPOSE_CODES.get(purpose)
    if code is None:
        raise ValueError(f"unknown link purpose {purpose!r}; one of {', '.join(PURPOSES)}")
    return code


def _is_ulid(value: object) -> bool:
    return isinstance(value, str) and ULID_FORMAT.fullmatch(value) is not None


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(token: object) -> bytes:
    """The token's bytes, or ``LinkInvalid`` for anything but the one canonical encoding of
    exactly ``_TOKEN_BYTES`` bytes (fullmatch: ``$`` would let a trailing newline through)."""
    if not isinstance(token, str) or _TOKEN_FORMAT.fullmatch(token) is None:
        raise LinkInvalid()
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    # The last character carries spare bits that decoding ignores: refuse any but zeros.
    if _encode(raw) != token:
        raise LinkInvalid()
    return raw


@dataclass(frozen=True)
class FixedKeys:
    """The link keys port on one key given in the settings: the local stage's (and tests')."""

    key: bytes

    def keys(self) -> Sequence[bytes]:
        return (self.key,)
