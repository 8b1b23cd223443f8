"""The team's follow-ups, each at most once: a reminder at half the reply deadline, and an
escalation at it, for an enquiry the team has not acknowledged (issue 17, item 2).

The sweep drives them on its schedule (no process of their own): it lists the enquiries
whose next follow-up is due (the store's sparse "awaiting-reply" index) and hands each
here. Each is claimed with a lease of its own (two sweeps at once send it once; a live lease
is left alone), sent, then marked: after the reminder the escalation falls due at the
deadline; after the escalation nothing more. The team's acknowledgement (or an outcome)
takes the enquiry off the list at once. A follow-up that SES throttles is released for the
next run; one SES refuses for good is marked done all the same, since trying again would
not help and the enquiry itself has reached the team (logged, with the reason code).

The recipients are the routing snapshot's: the team that got the enquiry, and the hospital's
escalation address (the central enquiries team when the catalog gives none).
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.enquiries.emails import escalation_notice, team_reminder
from chalicelib.enquiries.ports import MailAbout, MailRejected, MailThrottled

if TYPE_CHECKING:
    from email.message import EmailMessage

    from chalicelib.enquiries.followup import TeamLinks
    from chalicelib.enquiries.metrics import DeadlineMetrics
    from chalicelib.enquiries.notify import MailSettings
    from chalicelib.enquiries.ports import DueFollowUps, FollowUpStage, Mailer
    from chalicelib.enquiries.record import Enquiry, Routing

log = logging.getLogger(__name__)

# Long enough to send one e-mail with SES's timeouts; a crashed sweep's claim frees itself then.
FOLLOW_UP_LEASE_S = 60
# Follow-ups one run looks at; the rest wait for the next run (every few minutes).
FOLLOW_UP_LIMIT = 100


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Reminders:
    def __init__(
        self,
        store: DueFollowUps,
        mailer: Mailer,
        mail: MailSettings,
        links: TeamLinks | None = None,
        *,
        limit: int = FOLLOW_UP_LIMIT,
        clock: Callable[[], datetime] = _utc_now,
        metrics: DeadlineMetrics | None = None,
    ) -> None:
        self._store = store
        self._mailer = mailer
        self._mail = mail
        self._links = links
        self._limit = limit
        self._clock = clock
        self._metrics = metrics

    def run(self, may_start: Callable[[], bool] = lambda: True) -> Counter[str]:
        """Send the follow-ups due now; the count of each outcome. ``may_start`` is asked before
        each one (the sweep's time left): those not started stay due for the next run."""
        outcomes: Counter[str] = Counter()
        ids = self._store.due_ids(self._clock(), self._limit)
        for position, enquiry_id in enumerate(ids):
            if not may_start():
                outcomes["not_started"] += len(ids) - position
                break
            outcomes[self._follow_up(enquiry_id)] += 1
        if ids:
            log.info("follow-ups: %d due: %s", len(ids), dict(sorted(outcomes.items())))
        return outcomes

    def _follow_up(self, enquiry_id: str) -> str:
        token = secrets.token_hex(16)
        claim = self._store.claim_follow_up(enquiry_id, token, self._clock(), FOLLOW_UP_LEASE_S)
        if claim.state != "claimed" or claim.stage is None:
            return claim.state
        stage = claim.stage
        hospital_id: str | None = None
        try:
            enquiry = self._store.load(enquiry_id)
            if enquiry is None:
                return "gone"
            if enquiry.routing is None or enquiry.reply_by is None:  # not one to follow up: off the list
                self._store.mark_followed_up(enquiry_id, token, "escalate", self._clock())
                return "not_followed_up"
            hospital_id = enquiry.routing.hospital_id
            message = self._message(enquiry, enquiry.routing, enquiry.reply_by, stage)
            self._mailer.send(message, MailAbout(enquiry_id, "reminder" if stage == "remind" else "escalation"))
        except MailThrottled as exc:
            log.warning("enquiry %s: the %s e-mail throttled (%s); next run", enquiry_id, stage, exc.code)
            self._store.release_follow_up(enquiry_id, token)
            return "retry_later"
        except MailRejected as exc:
            log.error("enquiry %s: the %s e-mail refused (%s); not tried again", enquiry_id, stage, exc.code)
        except Exception:
            self._store.release_follow_up(enquiry_id, token)
            raise
        self._store.mark_followed_up(enquiry_id, token, stage, self._clock())
        if stage == "remind":
            return "reminded"
        if self._metrics is not None:  # the deadline has passed unacknowledged, whatever SES said
            self._metrics.escalated(enquiry_id, hospital_id)
        return "escalated"

    def _message(self, enquiry: Enquiry, routing: Routing, reply_by: str, stage: FollowUpStage) -> EmailMessage:
        sender = self._mail.sender
        if stage == "remind":
            links = self._links.best_effort(enquiry.enquiry_id) if self._links else []
            return team_reminder(enquiry, routing, sender, reply_by, links)
        to = routing.escalation_email or self._mail.fallback_team_email
        return escalation_notice(enquiry, routing, sender, to, reply_by)
