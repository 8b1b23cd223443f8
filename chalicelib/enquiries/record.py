"""An enquiry as stored in DynamoDB: the one shape the API writes and ``notify`` reads.

The API writes it (status ``received``) before answering 202; the table's stream hands
the new item to ``notify``, which marks its progress on the same item. Routing (who the
specialist is, which hospital team gets the e-mail) is snapshotted when search answers
at submission; when it does not, ``notify`` resolves it at send time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

Status = Literal["received", "sending", "sent", "failed"]
PreferredContact = Literal["email", "phone"]


@dataclass(frozen=True)
class Routing:
    specialist_name: str
    hospital_id: str
    hospital_name: str
    team_email: str


@dataclass(frozen=True)
class Enquiry:
    enquiry_id: str
    created_at: str  # RFC 3339, UTC
    expires_at: int  # epoch seconds: the table's TTL attribute
    status: Status
    specialist_id: str
    hospital_id: str | None  # None: the specialist's primary hospital
    first_name: str
    last_name: str
    email: str
    phone: str | None  # E.164
    preferred_contact: PreferredContact
    treatment: str | None
    message: str | None
    marketing_opt_in: bool
    routing: Routing | None

    def to_item(self) -> dict[str, Any]:
        """The DynamoDB item (resource-style values); absent optionals are left out."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Enquiry:
        values: dict[str, Any] = {field.name: item.get(field.name) for field in fields(cls)}
        routing = values["routing"]
        values["routing"] = Routing(**routing) if isinstance(routing, dict) else None
        values["expires_at"] = int(values["expires_at"])  # DynamoDB numbers come back as Decimal
        values["marketing_opt_in"] = bool(values["marketing_opt_in"])
        return cls(**values)
