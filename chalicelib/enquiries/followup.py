"""After the e-mail: the hospital team acknowledges an enquiry, and records its outcome, with
one click on a link in the team's e-mail (issue 17, item 1).

Each link carries a signed, expiring, single-purpose token (:mod:`chalicelib.enquiries.links`).
``GET`` shows what the link will do and what is recorded already, and changes nothing: mail
scanners and link previews fetch links. ``POST`` records it, conditionally, so a second click
(or a replayed request) records nothing more and says "already recorded". An outcome implies
the acknowledgement; a different outcome replaces the first (a team that clicked the wrong
one can put it right from the same e-mail), the same outcome again changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from typing_extensions import TypedDict

from chalicelib.enquiries.links import PURPOSES, LinkError, Purpose, issue, link_expiry, verify
from chalicelib.enquiries.record import stored_time
from chalicelib.shapes import documented

if TYPE_CHECKING:
    from chalicelib.enquiries.metrics import DeadlineMetrics
    from chalicelib.enquiries.ports import FollowUps, LinkKeys

log = logging.getLogger(__name__)

Outcome = Literal["booked", "not_suitable", "could_not_reach_patient"]

TITLES: dict[Purpose, str] = {
    "acknowledge": "Acknowledge this enquiry",
    "booked": "Record the outcome: appointment booked",
    "not_suitable": "Record the outcome: not suitable",
    "could_not_reach_patient": "Record the outcome: could not reach the patient",
}
# What the team's e-mail calls each link.
LINK_LABELS: dict[Purpose, str] = {
    "acknowledge": "Acknowledge (we have it and will reply)",
    "booked": "Outcome: appointment booked",
    "not_suitable": "Outcome: not suitable",
    "could_not_reach_patient": "Outcome: could not reach the patient",
}


class UnknownAction(Exception):
    """The path names no action a link can take."""


class EnquiryGone(Exception):
    """The link is authentic but its enquiry is no longer held (expired or erased)."""


class FollowUpUnavailable(Exception):
    """The store cannot record or read it now: nothing was recorded; try again."""


@dataclass(frozen=True)
class FollowUpState:
    """What is recorded of an enquiry after its e-mail; timestamps RFC 3339, UTC."""

    created_at: str
    acknowledged_at: str | None = None
    outcome: Outcome | None = None
    outcome_at: str | None = None


@documented
class RecordedFollowUp(TypedDict):
    """What the team has recorded so far."""

    acknowledged_at: str | None
    """When the team acknowledged the enquiry (RFC 3339, UTC); null: not yet."""
    outcome: Outcome | None
    outcome_at: str | None


@documented
class EnquiryAction(TypedDict):
    """What a link in the team's e-mail does, and what is recorded (no personal data)."""

    reference: str
    """The enquiry's reference."""
    action: Purpose
    title: str
    """What the confirmation page asks, e.g. "Acknowledge this enquiry"."""
    done: bool
    """True when what the link records is recorded already (by this link or another)."""
    recorded: RecordedFollowUp


@documented
class EnquiryActionDone(EnquiryAction):
    """The answer to recording a link's action."""

    changed: bool
    """False when nothing changed: it was recorded already."""


def action_of(name: str) -> Purpose:
    if name not in PURPOSES:
        raise UnknownAction(name)
    return name


def _seconds_between(created_at: str, now: float) -> int:
    return max(0, int(now - datetime.fromisoformat(created_at).timestamp()))


class TeamFollowUp:
    """The link routes' service: read what a link does, or record it. The first acknowledgement
    (by its link or an outcome's) is counted in ``metrics``, when given (docs/enquiries.md, "Reporting")."""

    def __init__(
        self,
        store: FollowUps,
        keys: LinkKeys,
        clock: Callable[[], float] = time.time,
        *,
        metrics: DeadlineMetrics | None = None,
    ) -> None:
        self._store = store
        self._keys = keys
        self._clock = clock
        self._metrics = metrics

    def preview(self, action: str, token: str) -> EnquiryAction:
        purpose = action_of(action)
        enquiry_id = verify(self._keys.keys(), token, purpose, int(self._clock()))
        state = self._state(enquiry_id)
        return _answer(enquiry_id, purpose, state)

    def record(self, action: str, token: str) -> EnquiryActionDone:
        purpose = action_of(action)
        now = self._clock()
        enquiry_id = verify(self._keys.keys(), token, purpose, int(now))
        before = self._state(enquiry_id)
        at, after_s = stored_time(datetime.fromtimestamp(now, UTC)), _seconds_between(before.created_at, now)
        with _store_guard():
            if purpose == "acknowledge":
                changed = self._store.acknowledge(enquiry_id, at, after_s)
            else:
                changed = self._store.record_outcome(enquiry_id, purpose, at, after_s)
        if changed and before.acknowledged_at is None and self._metrics is not None:
            self._metrics.acknowledged(enquiry_id)
        state = self._state(enquiry_id)
        return {**_answer(enquiry_id, purpose, state), "changed": changed}

    def _state(self, enquiry_id: str) -> FollowUpState:
        with _store_guard():
            state = self._store.follow_up(enquiry_id)
        if state is None:
            raise EnquiryGone(enquiry_id)
        return state


@contextmanager
def _store_guard() -> Iterator[None]:
    """The store's "cannot answer" as this feature's: the enquiry side's 503 says "nothing
    was sent", which is not what a team recording an outcome needs to read."""
    from chalicelib.enquiries.ports import StoreUnavailable

    try:
        yield
    except StoreUnavailable:
        raise FollowUpUnavailable from None


def _answer(enquiry_id: str, purpose: Purpose, state: FollowUpState) -> EnquiryAction:
    done = state.acknowledged_at is not None if purpose == "acknowledge" else state.outcome == purpose
    recorded: RecordedFollowUp = {
        "acknowledged_at": state.acknowledged_at,
        "outcome": state.outcome,
        "outcome_at": state.outcome_at,
    }
    return {"reference": enquiry_id, "action": purpose, "title": TITLES[purpose], "done": done, "recorded": recorded}


class TeamLinks:
    """The links the team's e-mail carries: each action's label and URL, signed now."""

    def __init__(self, keys: LinkKeys, base_url: str, clock: Callable[[], float] = time.time) -> None:
        self._keys = keys
        self._base_url = base_url
        self._clock = clock

    def best_effort(self, enquiry_id: str) -> list[tuple[str, str]]:
        """The links, or none when they cannot be made now (their keys unreadable): an e-mail
        matters more than its links, so it goes without them."""
        from chalicelib.enquiries.ports import LinkKeysUnavailable

        try:
            return self.for_enquiry(enquiry_id)
        except (LinkKeysUnavailable, LinkError) as exc:
            log.warning("enquiry %s: no team links (%s); the e-mail goes without them", enquiry_id, type(exc).__name__)
            return []

    def for_enquiry(self, enquiry_id: str) -> list[tuple[str, str]]:
        """Raises the keys' ``LinkKeysUnavailable`` when they cannot be read now."""
        from urllib.parse import urlencode

        key = self._keys.keys()[0]
        expires_at = link_expiry(int(self._clock()))
        links = []
        for purpose in PURPOSES:
            query = urlencode({"action": purpose, "token": issue(key, enquiry_id, purpose, expires_at)})
            links.append((LINK_LABELS[purpose], f"{self._base_url}?{query}"))
        return links
