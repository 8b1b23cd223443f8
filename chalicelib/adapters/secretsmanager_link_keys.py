"""The link keys port on AWS Secrets Manager: the keys that sign and verify the hospital
team's acknowledge and outcome links (``chalicelib/enquiries/links.py``).

Why read at run time. ``RATE_LIMIT_SALT`` reaches the functions as a CloudFormation dynamic
reference, resolved into their environment at deploy time, where anyone allowed
``lambda:GetFunctionConfiguration`` can read it; a leaked salt only links counter keys to
guessed addresses. A link key is worth more: whoever holds it can forge any team's
acknowledgement or outcome for any enquiry. So the environment names the secret
(``ENQUIRY_LINK_SECRET``, its ARN) and the function reads the value with
``secretsmanager:GetSecretValue``, which only the api and notify roles are granted.

The secret's ``SecretString`` is a JSON object::

    {"current": "<at least 32 bytes>", "previous": "<at least 32 bytes, optional>"}

``current`` signs new links and is tried first; ``previous`` (when present and not empty)
is still accepted. The stack generates ``current`` (64 letters and digits).

Rotating, by hand: put ``{"current": <new>, "previous": <old current>}`` as the secret's new
value. Within the cache's lifetime (``ttl_s``, 5 minutes) every container signs with the new
key and still accepts the old one. Drop ``previous`` only after more than that plus the
links' lifetime (30 days), or links already sent stop working.

Keys are kept per container for ``ttl_s``, so a request does not cost a call. After that a
failed refresh (Secrets Manager unreachable, the secret changed into something unusable)
keeps serving the keys already held, with a warning that names only the error code; with no
keys held it raises :class:`LinkKeysUnavailable`, and the next call tries again. No message,
log line or chained exception carries the secret's value.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from chalicelib.enquiries.links import MIN_KEY_BYTES
from chalicelib.enquiries.ports import LinkKeysUnavailable

log = logging.getLogger(__name__)

# A rotation reaches every warm container within this long.
DEFAULT_TTL_S = 300.0


class SecretValueClient(Protocol):
    """The one call used of a boto3 ``secretsmanager`` client (mypy-boto3-secretsmanager is not installed)."""

    def get_secret_value(self, *, SecretId: str) -> Mapping[str, Any]: ...


class _Unusable(Exception):
    """Why the secret gave no keys: a reason safe to log (an error code, never the value)."""


class SecretsManagerLinkKeys:
    def __init__(
        self,
        client: SecretValueClient,
        secret_id: str,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._secret_id = secret_id
        self._ttl_s = ttl_s
        self._clock = clock
        self._keys: list[bytes] = []
        self._read_at = 0.0

    def keys(self) -> list[bytes]:
        """The current key, then the previous one when the secret still holds it.

        :class:`LinkKeysUnavailable` when the secret cannot be read or used and no keys are held.
        """
        now = self._clock()
        if self._keys and now - self._read_at < self._ttl_s:
            return list(self._keys)
        try:
            keys = self._read()
        except _Unusable as exc:
            reason = str(exc)
            if self._keys:
                log.warning("link keys not refreshed, keeping the keys held: %s", reason)
                return list(self._keys)
            log.warning("link keys unavailable: %s", reason)
            raise LinkKeysUnavailable(f"link keys unavailable: {reason}") from None
        self._keys, self._read_at = keys, now
        return list(keys)

    def _read(self) -> list[bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self._client.get_secret_value(SecretId=self._secret_id)
        except ClientError as exc:
            raise _Unusable(str(exc.response.get("Error", {}).get("Code", "Unknown"))) from None
        except BotoCoreError as exc:  # unreachable, timed out, no credentials
            raise _Unusable(type(exc).__name__) from None
        return _parse(answer.get("SecretString"))


def _parse(text: object) -> list[bytes]:
    """The keys in the secret's JSON; every complaint names a field, never a value."""
    if not isinstance(text, str):
        raise _Unusable("the secret has no SecretString")
    try:
        document = json.loads(text)
    except ValueError:  # JSONDecodeError keeps the whole document: drop it
        document = None
    if not isinstance(document, dict):
        raise _Unusable('the secret is not a JSON object such as {"current": "...", "previous": "..."}')
    keys: list[bytes] = []
    for name in ("current", "previous"):
        value = document.get(name)
        if name == "previous" and value in (None, ""):
            continue
        if not isinstance(value, str):
            raise _Unusable(f'the secret\'s "{name}" is not a string')
        key = value.encode()
        if len(key) < MIN_KEY_BYTES:
            raise _Unusable(f'the secret\'s "{name}" is shorter than {MIN_KEY_BYTES} bytes')
        keys.append(key)
    return keys
