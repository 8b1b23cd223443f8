"""An enquiry as stored in DynamoDB: the one shape the API writes and ``notify`` reads.

The API writes it (status ``received``) before answering 202; the table's stream hands
the new item to ``notify``, which marks its progress on the same item. Routing (who the
specialist is, which hospital team gets the e-mail, the labels of a general enquiry's
slugs) is snapshotted when search answers at submission; when it does not, ``notify``
resolves it at send time.

A *general* enquiry names no specialist (``specialist_id`` absent): it is for the
hospital ``hospital_id`` names, or, with neither id, for the group's central enquiries
team.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal


def stored_time(moment: datetime) -> str:
    """RFC 3339 in UTC to the millisecond: the one form an enquiry's times are stored in, so
    that they compare as strings in the order of time (the sweep's indexes rely on it)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


Status = Literal["received", "sending", "sent", "failed"]
PreferredContact = Literal["email", "phone"]


@dataclass(frozen=True)
class Routing:
    specialist_name: str | None  # None: a general enquiry
    hospital_id: str | None  # None: a general enquiry for the central team
    hospital_name: str | None
    team_email: str
    # A general enquiry's treatment and specialty labels, as the catalog names its slugs.
    treatment_label: str | None = None
    specialty_label: str | None = None
    # The hospital's own reply deadline (working hours) and escalation address, when the
    # catalog gives them: the service's default and the fallback team otherwise.
    reply_working_hours: int | None = None
    escalation_email: str | None = None

    def to_item(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Routing:
        """Absent attributes are None (a general enquiry's), extra ones ignored."""
        values: dict[str, Any] = {field.name: item.get(field.name) for field in fields(cls)}
        return cls(**values)


@dataclass(frozen=True)
class Enquiry:
    enquiry_id: str
    created_at: str  # RFC 3339, UTC
    expires_at: int  # epoch seconds: the table's TTL attribute
    status: Status
    specialist_id: str | None  # None: a general enquiry
    hospital_id: str | None  # None: the specialist's primary hospital, or (general) the central team
    first_name: str
    last_name: str
    email: str
    phone: str | None  # E.164
    preferred_contact: PreferredContact
    treatment: str | None  # free text for a specialist; a treatment slug in a general enquiry
    message: str | None
    marketing_opt_in: bool
    routing: Routing | None
    specialty: str | None = None  # a specialty slug; general enquiries only
    # When the team is reminded, and by when it should have acknowledged (RFC 3339, UTC):
    # set at submission when the enquiry is routed; None, no follow-ups.
    remind_at: str | None = None
    reply_by: str | None = None
    # The privacy notice's version the form showed when the patient consented. None: stored
    # before the version was recorded.
    consent_version: str | None = None
    # The keyed hash of the normalised address (chalicelib.enquiries.rights.email_key): the key of
    # the ``by-email`` index that finds a patient's enquiries for export and erasure. None: stored
    # before the index existed.
    email_key: str | None = None
    # The id of the idempotency record the enquiry was taken under (an Idempotency-Key was given),
    # so that erasure deletes it too. None: no key, or stored before it was recorded.
    idempotency_record: str | None = None

    @property
    def is_general(self) -> bool:
        return self.specialist_id is None

    def to_item(self) -> dict[str, Any]:
        """The DynamoDB item (resource-style values); absent optionals are left out."""
        item = {field.name: getattr(self, field.name) for field in fields(self)}
        item["routing"] = self.routing.to_item() if self.routing else None
        return {key: value for key, value in item.items() if value is not None}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Enquiry:
        values: dict[str, Any] = {field.name: item.get(field.name) for field in fields(cls)}
        routing = values["routing"]
        values["routing"] = Routing.from_item(routing) if isinstance(routing, dict) else None
        values["expires_at"] = int(values["expires_at"])  # DynamoDB numbers come back as Decimal
        values["marketing_opt_in"] = bool(values["marketing_opt_in"])
        return cls(**values)
