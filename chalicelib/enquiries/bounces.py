"""Bounces and complaints reach the enquiry (issue 17, item 3).

SES publishes each bounce and complaint of a message sent through the configuration set to an
SNS topic; ``notify`` receives them (decoded in :mod:`chalicelib.adapters.ses_events`) and
:class:`BounceHandler` acts on each:

- **mark** the enquiry's e-mail: ``<kind>_delivery`` = ``bounced`` or ``complained`` and
  ``<kind>_delivery_at``, found by the message's tags (the enquiry id and which e-mail it was).
  Conditional: the first mark wins, and only the call that made it acts further, so a
  redelivered SNS message changes nothing more and sends nothing twice;
- a permanent bounce of one of the team's e-mails (``team``, ``reminder``): a **team bounce**
  to the central team (``FALLBACK_TEAM_EMAIL``) with the reference, the hospital and the team
  address that bounced; never the patient's message. A bounce of the team bounce itself does
  nothing more (no loop);
- a permanent bounce or a complaint of the patient's e-mail: the address goes on the
  **suppression list** (a keyed hash, :func:`suppression_key`, for :data:`SUPPRESSION_S`), which
  the intake checks in the enquiry's own transaction: the patient is asked for another address;
- the metrics :data:`BOUNCED` / :data:`COMPLAINED` (and per kind, ``Bounced<Kind>``), under the
  enquiry's ``Hospital`` dimension.

A transient (or undetermined) bounce is SES still trying, or a full mailbox: nothing is done.
The decision rules are pure functions here; the handler's I/O goes through the ports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, get_args

from chalicelib.enquiries.addresses import normalised
from chalicelib.enquiries.limits import keyed_digest
from chalicelib.enquiries.ports import MailKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from chalicelib.enquiries.metrics import MetricsSink
    from chalicelib.enquiries.notify import MailSettings
    from chalicelib.enquiries.ports import DeliveryProblems, Mailer
    from chalicelib.enquiries.record import Routing

log = logging.getLogger(__name__)

Problem = Literal["bounced", "complained"]
MAIL_KINDS: frozenset[str] = frozenset(get_args(MailKind))
# The team's own e-mails: a permanent bounce of one means the team never got the enquiry.
TEAM_KINDS: frozenset[MailKind] = frozenset({"team", "reminder"})
# The suppression list's entries: a keyed hash of the normalised address, kept for a year
# (then TTL deletes it: a mailbox that bounced once may be working again by then).
SUPPRESSED_PREFIX = "suppressed#"
SUPPRESSION_S = 365 * 24 * 3600
# Metrics (namespace ``FindASpecialist/Enquiries``, dimension ``Hospital``).
BOUNCED = "Bounced"
COMPLAINED = "Complained"


@dataclass(frozen=True)
class DeliveryProblem:
    """One bounce or complaint of one of our e-mails, as SES reported it."""

    enquiry_id: str
    kind: MailKind
    problem: Problem
    permanent: bool  # a complaint is always permanent; a bounce only when SES says so
    recipients: tuple[str, ...]  # the addresses that bounced or complained
    message_id: str  # SES's message id


def marks(problem: DeliveryProblem) -> bool:
    """A complaint, or a bounce SES has given up on: the e-mail did not (or will not) arrive."""
    return problem.problem == "complained" or problem.permanent


def needs_team_bounce(problem: DeliveryProblem) -> bool:
    """The team never got the enquiry (or its reminder): tell the central team."""
    return problem.problem == "bounced" and problem.permanent and problem.kind in TEAM_KINDS


def suppresses(problem: DeliveryProblem) -> bool:
    """The patient's address cannot (or does not want to) take our mail: refuse it at intake."""
    return problem.kind == "patient" and marks(problem)


def suppression_key(email: str, salt: str) -> str:
    """The suppression list's key of an address: an HMAC-SHA256 of the normalised address under
    the rate-limit salt, with a prefix of its own, so it matches no counter, idempotency scope or
    ``email_key``; an alias (``+tag``, Gmail's dots) has the same key."""
    return f"{SUPPRESSED_PREFIX}{keyed_digest('suppressed', normalised(email), salt)}"


def metric_values(problem: DeliveryProblem) -> dict[str, float]:
    """``Bounced`` (or ``Complained``) and the same per kind: ``BouncedTeam``, ``ComplainedPatient``…"""
    total = BOUNCED if problem.problem == "bounced" else COMPLAINED
    kind = "".join(part.capitalize() for part in problem.kind.split("_"))
    return {total: 1, f"{total}{kind}": 1}


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BounceHandler:
    def __init__(
        self,
        store: DeliveryProblems,
        mailer: Mailer,
        settings: MailSettings,
        salt: str,
        metrics: MetricsSink | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._store = store
        self._mailer = mailer
        self._settings = settings
        self._salt = salt
        self._metrics = metrics
        self._clock = clock

    def handle(self, problems: Iterable[DeliveryProblem]) -> int:
        """Act on each problem; the number that were new (marked by this call)."""
        return sum(1 for problem in problems if self.handle_one(problem))

    def handle_one(self, problem: DeliveryProblem) -> bool:
        """True when this call marked the e-mail (and so acted on it)."""
        if not marks(problem):
            return False
        now = self._clock()
        if suppresses(problem):
            # First, and every time: idempotent, and not lost if the mark below was made by an
            # earlier delivery of this message that failed before suppressing.
            expires_at = int(now.timestamp()) + SUPPRESSION_S
            for key in {suppression_key(address, self._salt) for address in problem.recipients}:
                self._store.suppress(key, expires_at)
        marked = self._store.mark_delivery(problem.enquiry_id, problem.kind, problem.problem, now)
        if not marked.first:
            log.info("enquiry %s: %s %s already recorded", problem.enquiry_id, problem.kind, problem.problem)
            return False
        log.warning("enquiry %s: %s e-mail %s", problem.enquiry_id, problem.kind, problem.problem)
        self._count(problem, marked.routing)
        if needs_team_bounce(problem):
            self._team_bounce(problem, marked.routing)
        return True

    def _team_bounce(self, problem: DeliveryProblem, routing: Routing | None) -> None:
        from chalicelib.enquiries.emails import team_bounce_notice
        from chalicelib.enquiries.ports import MailAbout, MailRejected, MailThrottled

        settings = self._settings
        bounced = problem.recipients or ((routing.team_email,) if routing else ())
        message = team_bounce_notice(
            problem.enquiry_id, problem.kind, routing, bounced, settings.sender, settings.fallback_team_email
        )
        try:
            self._mailer.send(message, MailAbout(problem.enquiry_id, "team_bounce"))
        except (MailThrottled, MailRejected) as exc:
            # Marked already: a retry would not send it. The log line names the enquiry.
            log.error("enquiry %s: team bounce not sent (%s)", problem.enquiry_id, exc.code)

    def _count(self, problem: DeliveryProblem, routing: Routing | None) -> None:
        if self._metrics is None:
            return
        from chalicelib.enquiries.metrics import hospital_of

        try:
            self._metrics.emit(hospital_of(routing.hospital_id if routing else None), metric_values(problem))
        except Exception as exc:  # noqa: BLE001 - a metric never fails what it describes
            log.warning("enquiry %s: bounce metrics not emitted (%s)", problem.enquiry_id, type(exc).__name__)
