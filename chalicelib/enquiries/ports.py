"""What enquiries need from the outside world: the store, the mailer and the dead-letter
queue, as small interfaces.

Each has one production adapter in ``chalicelib.adapters`` (``dynamodb_store``,
``ses_mailer``, ``sqs_dead_letters``); ``chalicelib.bootstrap`` builds them. The search
index they read for routing is search's port (:mod:`chalicelib.search.ports`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from datetime import datetime
    from email.message import EmailMessage

    from chalicelib.enquiries.followup import FollowUpState, Outcome
    from chalicelib.enquiries.limits import RateLimit
    from chalicelib.enquiries.record import Enquiry, Routing


class StoreUnavailable(Exception):
    """The enquiry store cannot take the enquiry now: nothing was stored or sent."""


class AddressSuppressed(Exception):
    """E-mail to the patient's address bounced for good (or was reported as spam) before: it is
    on the suppression list, and the enquiry was not stored."""


class EnquiryStore(Protocol):
    def ping(self) -> None:
        """Return if enquiries can be stored; raise otherwise."""

    def put_new(
        self, enquiry: Enquiry, limits: Sequence[RateLimit] = (), *, suppression_key: str | None = None
    ) -> None:
        """Store a new enquiry durably, counting it against ``limits``; never overwrite one.
        Raises ``RateLimited`` (nothing stored) when a limit is reached, and
        :class:`AddressSuppressed` (nothing stored or counted) when ``suppression_key`` is on
        the suppression list."""


# The e-mails an enquiry sends, driven by the enquiries table's stream.

# The two e-mails of an enquiry, in the order they are sent: the team's first, so that a
# patient is never told "the team has your enquiry" when it does not.
MessageKind = Literal["team", "patient"]
MESSAGE_KINDS: tuple[MessageKind, ...] = ("team", "patient")


class MailThrottled(Exception):
    """The mail service asks us to slow down, or is briefly unavailable: try again.

    ``code`` is the service's error code (or the network error's type), safe to log.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class MailRejected(Exception):
    """The mail service refused this message for good: sending it again will not help.

    ``code`` is the service's error code, safe to log; the service's own message is
    dropped because it can quote addresses.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Which of an enquiry's e-mails a message is: told to the mail service with the message, and
# carried back by its delivery events (a bounce, a complaint) to find the enquiry.
MailKind = Literal["team", "patient", "reminder", "escalation", "team_bounce"]


@dataclass(frozen=True)
class MailAbout:
    enquiry_id: str
    kind: MailKind


class Mailer(Protocol):
    def send(self, message: EmailMessage, about: MailAbout | None = None) -> str:
        """Send a complete MIME message to its ``To`` addresses; the service's message id.
        ``about`` names the enquiry and which of its e-mails this is (no personal data).

        :class:`MailThrottled` or :class:`MailRejected` when it is not sent.
        """


class DeadLetters(Protocol):
    def park(self, enquiry_id: str, reason: str) -> None:
        """Keep an enquiry that could not be e-mailed for a person to look at: its id
        and a reason code, never personal data."""


@dataclass(frozen=True)
class Claim:
    """The answer to a claim on an enquiry's e-mails.

    ``claimed``: ours until the lease ends; ``pending`` lists what is still to send (empty
    when an earlier holder sent everything but stopped before recording it finished).
    ``busy``: someone else holds an unexpired lease; try again later, never skip it.
    ``done``: sent or failed already (or the item is gone): nothing to do.
    """

    state: Literal["claimed", "busy", "done"]
    pending: tuple[MessageKind, ...] = ()


class EnquiryProgress(Protocol):
    """The notify side's marks on a stored enquiry: each a conditional update that keeps
    every other field, so a redelivered stream record sends nothing twice."""

    def claim(self, enquiry_id: str, token: str, now: datetime, lease_s: int) -> Claim:
        """Take the enquiry (status ``sending``) unless it is finished or someone else's lease holds."""

    def mark_sent(self, enquiry_id: str, kind: MessageKind, message_id: str, now: datetime) -> None:
        """Record that one e-mail went, right after it went."""

    def finish(self, enquiry_id: str, token: str) -> None:
        """Status ``sent`` and the claim dropped; a no-op when the claim is no longer ``token``'s."""

    def release(self, enquiry_id: str, token: str) -> None:
        """Drop the claim so a retry need not wait for the lease; a no-op when it is not ``token``'s."""

    def mark_failed(self, enquiry_id: str, reason: str, now: datetime) -> None:
        """Status ``failed`` with the reason code, the claim dropped; a no-op once sent or failed."""


class UnsentEnquiries(Protocol):
    """The sweep's view of the store: enquiries still to send, oldest first."""

    def unsent_ids(self, created_before: datetime, limit: int) -> list[str]:
        """Ids of enquiries neither sent nor failed, created before ``created_before``; may
        lag the table a little (an id listed may be done by now)."""

    def load(self, enquiry_id: str) -> Enquiry | None:
        """The enquiry as stored now; None once it is gone (expired)."""


class FollowUps(Protocol):
    """What the team records after the e-mail, each a conditional update of the stored enquiry
    that keeps every other field; :class:`StoreUnavailable` when the store cannot answer."""

    def follow_up(self, enquiry_id: str) -> FollowUpState | None:
        """What is recorded now (a consistent read); None once the enquiry is gone."""

    def acknowledge(self, enquiry_id: str, at: str, after_s: int) -> bool:
        """Record the acknowledgement at ``at``, ``after_s`` seconds after the enquiry came;
        False when it was recorded already (or the enquiry is gone): nothing changed."""

    def record_outcome(self, enquiry_id: str, outcome: Outcome, at: str, after_s: int) -> bool:
        """Record the outcome (and the acknowledgement, unless recorded already); False when
        this outcome was recorded already (or the enquiry is gone): nothing changed."""


class LinkKeysUnavailable(Exception):
    """The keys that sign the team's links cannot be read now: try again."""


class LinkKeys(Protocol):
    def keys(self) -> Sequence[bytes]:
        """The keys of the team's links: the current one (which signs) first, then any older
        one still accepted. :class:`LinkKeysUnavailable` when they cannot be read now."""


# The team's follow-ups of an enquiry it has not acknowledged: at half the reply deadline a
# reminder to the team, at the deadline an escalation; each at most once.
FollowUpStage = Literal["remind", "escalate"]


@dataclass(frozen=True)
class FollowUpClaim:
    """The answer to a claim on an enquiry's due follow-up: ``claimed`` (ours until the
    lease ends; ``stage`` says which), ``busy`` (another sweep holds it) or ``done`` (not
    due, acknowledged, or already followed up)."""

    state: Literal["claimed", "busy", "done"]
    stage: FollowUpStage | None = None


class DueFollowUps(Protocol):
    """The sweep's second list: enquiries whose next follow-up is due, and their marks."""

    def due_ids(self, now: datetime, limit: int) -> list[str]:
        """Ids of enquiries whose follow-up is due at ``now``, the longest due first."""

    def claim_follow_up(self, enquiry_id: str, token: str, now: datetime, lease_s: int) -> FollowUpClaim:
        """Take the due follow-up unless it is done or someone else's lease holds; only once
        the team's e-mail has gone, and never after the team acknowledged."""

    def mark_followed_up(self, enquiry_id: str, token: str, stage: FollowUpStage, now: datetime) -> None:
        """Record the reminder (the escalation falls due next) or the escalation (none falls due
        after it); a no-op when the claim is no longer ``token``'s."""

    def release_follow_up(self, enquiry_id: str, token: str) -> None:
        """Drop the claim so the next sweep may try again; a no-op when it is not ``token``'s."""

    def load(self, enquiry_id: str) -> Enquiry | None:
        """The enquiry as stored now; None once it is gone."""


@dataclass(frozen=True)
class DeliveryMarked:
    """The answer to a bounce's or complaint's mark on an enquiry's e-mail: ``first`` when this
    call made it (and so should act on it), with the enquiry's routing snapshot (None when it has
    none); not ``first`` when it was marked already or the enquiry is gone."""

    first: bool
    routing: Routing | None = None


class DeliveryProblems(Protocol):
    """What a bounce or a complaint changes in the store."""

    def mark_delivery(
        self, enquiry_id: str, kind: MailKind, problem: Literal["bounced", "complained"], now: datetime
    ) -> DeliveryMarked:
        """Set ``<kind>_delivery`` (``problem``) and ``<kind>_delivery_at`` unless already set."""

    def suppress(self, key: str, expires_at: int) -> None:
        """Put ``key`` (a keyed hash of an address) on the suppression list until ``expires_at``
        (epoch seconds); again is harmless."""
