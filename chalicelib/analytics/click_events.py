"""``POST /events``: what a patient did with an answer, checked strictly, rate limited per
network, recorded (``docs/analytics.md``, "Click events").

A page sends these with ``navigator.sendBeacon``, which cannot set headers and sends a string
as ``text/plain``: so the client id may come in the body, and either content type is JSON.
Nobody waits on the answer, so the checks are cheap and a store that cannot count is not a
reason to refuse: the rate limit fails open (API Gateway's throttle on the route still holds).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import TypedDict

from chalicelib.analytics.event_records import Action
from chalicelib.analytics.masking import mask_patterns
from chalicelib.analytics.ubi import QUERY_ID, client_id_of
from chalicelib.enquiries.limits import RateLimited, rate_limit
from chalicelib.enquiries.refusals import PayloadTooLarge
from chalicelib.json_bodies import parse_model
from chalicelib.patterns import ID_FORMAT
from chalicelib.shapes import documented

if TYPE_CHECKING:
    from chalicelib.analytics.event_recorder import EventRecorder
    from chalicelib.enquiries.limits import RateLimit

log = logging.getLogger(__name__)

MAX_BODY_KIB = 2
MAX_POSITION = 1000
# A suggestion's value: an id or slug, or a place as ``near`` takes it ("King's Lynn", "NW4").
SUGGESTION_VALUE = r"^[A-Za-z0-9][A-Za-z0-9 '-]{0,63}$"
LIMITED = "Too many events from this network just now. Please try again later."


class ClickEvent(BaseModel):
    """What the patient did with one item of an answer. At most 2 KiB of JSON; no other fields."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {
                    "query_id": "0b6f4d1e-3c2a-4f7b-9a51-2d8e6c7f0a13",
                    "action": "view_profile",
                    "position": 2,
                    "object_id": "krish-nandy",
                    "client_id": "5f0c8a9e-7d41-4b2e-8f3a-61c2d9e07b54",
                }
            ]
        },
    )

    query_id: Annotated[str, Field(pattern=QUERY_ID)]
    """The ``query_id`` of the answer acted on (``GET /specialists`` or ``GET /suggest``)."""
    action: Action
    """``view_profile``, ``book`` or ``enquire`` on a search result; ``suggest_pick`` on a suggestion."""
    position: Annotated[int, Field(ge=1, le=MAX_POSITION)]
    """The item's 1-based rank in the answer, counting earlier pages (a suggestion: its place in the list)."""
    object_id: Annotated[str, Field(pattern=SUGGESTION_VALUE)]
    """The specialist's id; for ``suggest_pick`` the suggestion's ``value`` (a place's is its name)."""
    client_id: Annotated[str, Field(max_length=200)] | None = None
    """The page's random id (a beacon cannot send ``X-Client-Id``); kept only when it looks random."""

    @model_validator(mode="after")
    def _a_specialist_unless_a_suggestion(self) -> ClickEvent:
        if self.action != "suggest_pick" and not ID_FORMAT.fullmatch(self.object_id):
            raise ValueError("object_id: must be a specialist's id, such as krish-nandy")
        return self


@documented
class EventRecorded(TypedDict):
    """Taken: the event is recorded (or, if the store failed, counted as lost; nobody waits on it)."""

    status: Literal["recorded"]


class RateCounter(Protocol):
    def take(self, limit: RateLimit) -> bool:
        """Count one against ``limit``; False once it is reached. May raise when it cannot count."""


class ClickEvents:
    def __init__(
        self,
        recorder: EventRecorder,
        counter: RateCounter,
        per_hour: int,
        salt: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._recorder = recorder
        self._counter = counter
        self._per_hour = per_hour
        self._salt = salt
        self._clock = clock

    def accept(self, raw: bytes, client_id_header: str | None, client_ip: str) -> EventRecorded:
        if len(raw) > MAX_BODY_KIB * 1024:
            raise PayloadTooLarge(MAX_BODY_KIB)
        event = parse_model(ClickEvent, raw)
        self._count(client_ip)
        given = event.client_id if event.client_id is not None else client_id_header
        object_id = event.object_id if event.action != "suggest_pick" else mask_patterns(event.object_id)
        self._recorder.clicked(event.query_id, event.action, event.position, object_id, client_id_of(given))
        return {"status": "recorded"}

    def _count(self, client_ip: str) -> None:
        limit = rate_limit("events-ip", client_ip, self._per_hour, self._salt, self._clock())
        try:
            within = self._counter.take(limit)
        except Exception as exc:  # noqa: BLE001 - fail open: an event is not worth a refusal
            log.warning("event rate limit not counted (%s)", type(exc).__name__)
            return
        if not within:
            raise RateLimited(limit.retry_after_s, LIMITED)
