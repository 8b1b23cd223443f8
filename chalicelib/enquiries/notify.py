"""The ``notify`` function: each new enquiry from the table's stream, e-mailed exactly once.

Per enquiry: claim it with a lease, route it (the snapshot taken at submission, or the
index now), compose both e-mails, send what is still unsent (the team's first), mark
each as it goes, then mark it ``sent``. A redelivered record finds it done and sends
nothing; one whose lease someone else holds is handed back for a retry, never skipped, so
a crash between claim and send delays an e-mail but cannot lose it. SES throttling is
retried with backoff; a permanent refusal parks the enquiry in the dead-letter queue and
marks it ``failed``. Either way the rest of the batch goes on, and nothing is deleted.

The stream's records are decoded into enquiries at the edge
(:mod:`chalicelib.adapters.dynamodb_stream`): this module handles domain records only.
The stream's retries are bounded; what they could not send (search down for longer, say)
the sweep (:mod:`chalicelib.enquiries.sweep`) sends later through :meth:`Notifier.notify`.
An enquiry search has not routed for ``unrouted_fallback_after_s`` goes to the fallback team.

Logs name the enquiry id, the e-mail kind and error codes, never what a patient wrote.
"""

from __future__ import annotations

import contextlib
import logging
import random
import secrets
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from chalicelib.enquiries.emails import UnsafeHeaderValue, patient_acknowledgement, team_notification
from chalicelib.enquiries.ports import MailAbout, MailRejected, MailThrottled
from chalicelib.enquiries.record import Enquiry
from chalicelib.enquiries.routing import (
    NotTheirHospital,
    UnknownHospital,
    UnknownSpecialist,
    resolve_general_routing,
    resolve_routing,
    unresolved_routing,
)
from chalicelib.search.ports import SearchUnavailable

if TYPE_CHECKING:
    from email.message import EmailMessage

    from chalicelib.enquiries.followup import TeamLinks
    from chalicelib.enquiries.ports import DeadLetters, EnquiryProgress, Mailer, MessageKind
    from chalicelib.enquiries.record import Routing
    from chalicelib.enquiries.service_metrics import ServiceMetrics
    from chalicelib.search.ports import SearchIndex

log = logging.getLogger(__name__)

Outcome = Literal["sent", "nothing_to_send", "retry_later", "failed"]

# The longest one enquiry can take (two e-mails, each up to four attempts with the SES
# client's timeouts, plus the marks). No record but a batch's first starts with less left.
RECORD_BUDGET_S = 90
# Longer than any holder can legitimately be sending (the budget, and the Lambda's
# timeout): a lease expires only when its holder has died.
CLAIM_LEASE_S = 180


@dataclass(frozen=True)
class Backoff:
    """Bounded exponential backoff with full jitter for throttled sends."""

    attempts: int = 4
    base_s: float = 0.5
    cap_s: float = 4.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, retry: int) -> float:
        """How long to wait before retry number ``retry`` (1, 2, ...)."""
        return random.uniform(0, min(self.cap_s, self.base_s * 2 ** (retry - 1)))  # noqa: S311 - jitter, not a secret


@dataclass(frozen=True)
class MailSettings:
    sender: str  # the verified SES identity every e-mail comes from
    fallback_team_email: str  # for a hospital without its own enquiries address
    # An enquiry search has not routed for this long goes to the fallback team; None: never.
    unrouted_fallback_after_s: int | None = None


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Notifier:
    def __init__(
        self,
        progress: EnquiryProgress,
        mailer: Mailer,
        dead_letters: DeadLetters,
        index: SearchIndex,
        mail: MailSettings,
        *,
        backoff: Backoff = Backoff(),
        lease_s: int = CLAIM_LEASE_S,
        clock: Callable[[], datetime] = _utc_now,
        links: TeamLinks | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self._metrics = metrics
        self._progress = progress
        self._links = links
        self._mailer = mailer
        self._dead_letters = dead_letters
        self._index = index
        self._mail = mail
        self._backoff = backoff
        self._lease_s = lease_s
        self._clock = clock

    def notify(self, enquiry: Enquiry) -> Outcome:
        enquiry_id = enquiry.enquiry_id
        token = secrets.token_hex(16)
        claim = self._progress.claim(enquiry_id, token, self._clock(), self._lease_s)
        if claim.state == "busy":
            log.info("enquiry %s: another worker holds its lease; will retry", enquiry_id)
            return "retry_later"
        if claim.state == "done":
            return "nothing_to_send"
        try:
            return self._send_pending(enquiry, token, claim.pending)
        except BaseException:
            # The lease would expire by itself; releasing lets the retry start at once.
            with contextlib.suppress(Exception):
                self._progress.release(enquiry_id, token)
            raise

    def _send_pending(self, enquiry: Enquiry, token: str, pending: tuple[MessageKind, ...]) -> Outcome:
        """Under the claim, so that a redelivered record cannot park an enquiry twice."""
        enquiry_id = enquiry.enquiry_id
        try:
            messages = self._compose(enquiry)
        except SearchUnavailable:
            log.warning("enquiry %s: search unavailable to route it; will retry", enquiry_id)
            self._progress.release(enquiry_id, token)
            return "retry_later"
        except (UnknownSpecialist, NotTheirHospital, UnknownHospital, UnsafeHeaderValue) as exc:
            return self._fail(enquiry_id, f"compose:{type(exc).__name__}")
        for kind in pending:
            try:
                message_id = self._send(enquiry_id, kind, messages[kind])
            except MailRejected as exc:
                return self._fail(enquiry_id, f"{kind}:{exc.code}")
            except MailThrottled as exc:
                log.warning("enquiry %s: %s e-mail still throttled (%s); will retry", enquiry_id, kind, exc.code)
                self._progress.release(enquiry_id, token)
                return "retry_later"
            self._progress.mark_sent(enquiry_id, kind, message_id, self._clock())
            log.info("enquiry %s: %s e-mail sent", enquiry_id, kind)
            if self._metrics is not None:
                self._metrics.email_sent()
        self._progress.finish(enquiry_id, token)
        return "sent"

    def _compose(self, enquiry: Enquiry) -> dict[MessageKind, EmailMessage]:
        routing = enquiry.routing or self._route(enquiry)
        sender = self._mail.sender
        return {
            "team": team_notification(
                enquiry, routing, sender, self._links.best_effort(enquiry.enquiry_id) if self._links else []
            ),
            "patient": patient_acknowledgement(enquiry, routing, sender),
        }

    def _route(self, enquiry: Enquiry) -> Routing:
        fallback = self._mail.fallback_team_email
        try:
            if enquiry.specialist_id is None:
                # Slugs were checked at submission if search answered; a label is not worth failing for.
                return resolve_general_routing(
                    self._index, enquiry.hospital_id, enquiry.treatment, enquiry.specialty, fallback, check_slugs=False
                )
            return resolve_routing(self._index, enquiry.specialist_id, enquiry.hospital_id, fallback)
        except SearchUnavailable:
            limit = self._mail.unrouted_fallback_after_s
            age_s = (self._clock() - datetime.fromisoformat(enquiry.created_at)).total_seconds()
            if limit is None or age_s < limit:
                raise
            log.warning("enquiry %s: unrouted for %d s; sending it to the fallback team", enquiry.enquiry_id, age_s)
            return unresolved_routing(enquiry.specialist_id, enquiry.hospital_id, fallback)

    def _send(self, enquiry_id: str, kind: MessageKind, message: EmailMessage) -> str:
        retry = 0
        while True:
            try:
                return self._mailer.send(message, MailAbout(enquiry_id, kind))
            except MailThrottled as exc:
                retry += 1
                if retry >= self._backoff.attempts:
                    raise
                log.info("enquiry %s: %s e-mail throttled (%s); retry %d", enquiry_id, kind, exc.code, retry)
                self._backoff.sleep(self._backoff.delay(retry))

    def _fail(self, enquiry_id: str, reason: str) -> Outcome:
        """Park first: if parking fails, the record comes again and is parked then."""
        self._dead_letters.park(enquiry_id, reason)
        self._progress.mark_failed(enquiry_id, reason, self._clock())
        log.error("enquiry %s: not e-mailed (%s); parked in the dead-letter queue", enquiry_id, reason)
        return "failed"


def log_not_emailed(enquiry_id: str, exc: Exception) -> None:
    """An unexpected error: its type and frames, without its text, which could quote personal data."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("enquiry %s: not e-mailed yet (%s); will retry\n%s", enquiry_id, type(exc).__name__, frames)
