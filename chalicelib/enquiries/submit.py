"""Accept an enquiry: route it, count it against the rate limits, store it durably.

The 202 is given only after DynamoDB holds the enquiry; the e-mails follow from the
table's stream. When search cannot answer, the enquiry is still accepted and routed at
send time (a general enquiry naming no hospital is routed to the central team at once).
The honeypot's catch gets the same answer as a patient, and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from typing_extensions import TypedDict

from chalicelib.enquiries.addresses import normalised
from chalicelib.enquiries.bounces import suppression_key
from chalicelib.enquiries.limits import address_digest, rate_limit
from chalicelib.enquiries.record import Enquiry, Routing, stored_time
from chalicelib.enquiries.rights import email_key
from chalicelib.enquiries.routing import (
    NotTheirHospital,
    UnknownHospital,
    UnknownSlug,
    UnknownSpecialist,
    central_routing,
    resolve_general_routing,
    resolve_routing,
)
from chalicelib.errors import InvalidParameter
from chalicelib.search.ports import SearchUnavailable
from chalicelib.shapes import documented

if TYPE_CHECKING:
    from chalicelib.analytics.event_recorder import EventRecorder
    from chalicelib.config import Settings
    from chalicelib.enquiries.ports import EnquiryStore
    from chalicelib.enquiries.request import EnquiryRequest
    from chalicelib.enquiries.service_metrics import ServiceMetrics
    from chalicelib.search.ports import SearchIndex

DAY_S = 24 * 3600


@documented
class EnquiryAccepted(TypedDict):
    """The enquiry is stored; the hospital team and the patient are e-mailed from here on."""

    enquiry_id: str
    """The patient's reference (a ULID)."""
    status: Literal["received"]


def new_enquiry_id() -> str:
    from ulid import ULID

    return str(ULID())


def enquired(request: EnquiryRequest) -> tuple[str, str]:
    """Whom an enquiry is for, as an event record names it: object id and its field."""
    if request.specialist_id is not None:
        return request.specialist_id, "specialist_id"
    if request.hospital_id is not None:
        return request.hospital_id, "hospital_id"
    return "central", "team"


class EnquiryService:
    def __init__(
        self,
        store: EnquiryStore,
        index: SearchIndex,
        settings: Settings,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = new_enquiry_id,
        metrics: ServiceMetrics | None = None,
        events: EventRecorder | None = None,
    ) -> None:
        self._metrics = metrics
        self._events = events
        self._store = store
        self._index = index
        self._settings = settings
        self._clock = clock
        self._new_id = new_id

    def submit(self, request: EnquiryRequest, client_ip: str, idempotency_record: str | None = None) -> EnquiryAccepted:
        """``idempotency_record``: the id of the idempotency record the enquiry is taken under,
        kept on it so that erasure can delete that record too."""
        accepted: EnquiryAccepted = {"enquiry_id": self._new_id(), "status": "received"}
        if request.is_bot:
            return accepted
        routing = self._routing(request)
        now = self._clock()
        settings = self._settings
        limits = [
            # One mailbox, one allowance: counted on the normalised address, stored as typed.
            rate_limit("email", normalised(request.email), settings.email_rate_per_hour, settings.rate_limit_salt, now),
            rate_limit("ip", client_ip, settings.ip_rate_per_hour, settings.rate_limit_salt, now),
        ]
        enquiry = Enquiry(
            enquiry_id=accepted["enquiry_id"],
            created_at=stored_time(datetime.fromtimestamp(now, UTC)),
            expires_at=int(now) + settings.retention_days * DAY_S,
            status="received",
            specialist_id=request.specialist_id,
            hospital_id=request.hospital_id,
            first_name=request.first_name,
            last_name=request.last_name,
            email=request.email,
            phone=request.phone,
            preferred_contact=request.preferred_contact,
            treatment=request.treatment,
            message=request.message,
            marketing_opt_in=request.marketing_opt_in,
            routing=routing,
            specialty=request.specialty,
            consent_version=request.consent_version,
            email_key=email_key(request.email, settings.rate_limit_salt),
            idempotency_record=idempotency_record,
            **self._reply_deadline(routing, now),
        )
        # Refused (AddressSuppressed) when e-mail to this address bounced for good before.
        self._store.put_new(enquiry, limits, suppression_key=suppression_key(request.email, settings.rate_limit_salt))
        if self._metrics is not None:
            self._metrics.received()
        if request.query_id is not None and self._events is not None:
            self._events.enquiry_sent(request.query_id, *enquired(request))
        return accepted

    def address_digest(self, email: str) -> str:
        """The normalised address's HMAC under the rate-limit salt: what scopes an
        ``Idempotency-Key`` to one patient (see :mod:`chalicelib.enquiries.endpoint`)."""
        return address_digest(email, self._settings.rate_limit_salt)

    def _reply_deadline(self, routing: Routing | None, now: float) -> dict[str, str]:
        """When to remind the team and by when it should acknowledge: its hospital's own
        deadline or the service's, in working hours. None without a routing snapshot (search
        down): the follow-ups need to know whom to remind and where to escalate."""
        if routing is None:
            return {}
        from chalicelib.enquiries.bank_holidays import ENGLAND_AND_WALES, EVERY_DAY
        from chalicelib.enquiries.deadlines import deadline, reminder_at

        settings = self._settings
        hours = routing.reply_working_hours or settings.reply_working_hours
        calendar = EVERY_DAY if settings.reply_calendar == "every-day" else ENGLAND_AND_WALES
        received = datetime.fromtimestamp(now, UTC)
        return {
            "remind_at": stored_time(reminder_at(received, hours, calendar)),
            "reply_by": stored_time(deadline(received, hours, calendar)),
        }

    def _routing(self, request: EnquiryRequest) -> Routing | None:
        fallback = self._settings.fallback_team_email
        try:
            if request.specialist_id is None:
                return resolve_general_routing(
                    self._index, request.hospital_id, request.treatment, request.specialty, fallback
                )
            return resolve_routing(self._index, request.specialist_id, request.hospital_id, fallback)
        except UnknownSpecialist:
            raise InvalidParameter("specialist_id", "'specialist_id' names no specialist we list") from None
        except NotTheirHospital:
            raise InvalidParameter("hospital_id", "'hospital_id' is not one of this specialist's hospitals") from None
        except UnknownHospital:
            raise InvalidParameter("hospital_id", "'hospital_id' names no hospital we list") from None
        except UnknownSlug as exc:
            raise InvalidParameter(exc.field, f"'{exc.field}' names no {exc.field} we list") from None
        except SearchUnavailable:
            if request.specialist_id is None and request.hospital_id is None:
                return central_routing(fallback)  # the central team needs no search: only labels are missing
            return None  # accepted all the same: notify routes it at send time
