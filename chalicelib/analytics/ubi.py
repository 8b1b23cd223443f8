"""What every User Behavior Insights record shares, query or event: the application's name,
the object id field, the ids (the service's query ids, the page's random client id) and the
time format. Light on purpose: ``POST /events`` imports it without the search modules.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

APPLICATION = "find-a-specialist"
OBJECT_ID_FIELD = "specialist_id"

# A query id as the service makes it (chalicelib.analytics.recorder.new_id: uuid4, lower case).
QUERY_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

# A UUID, or 16 to 64 base64url characters: what a page makes with crypto.randomUUID() or
# crypto.getRandomValues(). Anything else (an e-mail address, a name, a fingerprint) is dropped.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_RANDOM = re.compile(r"[A-Za-z0-9_-]{16,64}")


def client_id_of(given: str | None) -> str | None:
    """A client id given (the ``X-Client-Id`` header, an event's ``client_id``) when it looks
    like a random id, else None: never refused."""
    if given is None:
        return None
    value = given.strip()
    return value if _UUID.fullmatch(value) or _is_random(value) else None


def _is_random(value: str) -> bool:
    """Base64url of the right length, mixing letters and digits: never a word or a number alone."""
    if not _RANDOM.fullmatch(value):
        return False
    return any(char.isdigit() for char in value) and any(char.isalpha() for char in value)


def rfc3339_ms(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
