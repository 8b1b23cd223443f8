"""Routing you can trust: the hospitals' enquiry addresses a catalog feed may set.

Each enquiry is e-mailed to the address the catalog gives the hospital, so the feed
decides where patients' messages go. The indexer therefore checks, after the model has
accepted a line (the model is the published contract and knows nothing of deployments):

- every hospital's ``enquiries_email`` (and ``escalation_email``, when given) is at one of
  the allowed domains (``ENQUIRY_EMAIL_DOMAINS``): a domain allows itself and its
  subdomains, never a look-alike (``hospitals.example`` allows ``a@hospitals.example`` and
  ``a@mail.hospitals.example``, not ``a@evilhospitals.example``);
- a hospital has one enquiries address in the whole feed: the first accepted line's wins,
  and a later line that gives the same hospital another one is invalid.

A line breaking either rule is invalid like any other (reported by number and reason,
counted in the invalid-lines guard). Before the swap the run compares each hospital's
address with the live index's and lists the ones that changed in its summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

    from chalicelib.catalog import Specialist

NOT_ALLOWED = "domain not allowed for enquiries"
# A hospital's addresses an enquiry may be sent to (an absent or null one is not checked).
ROUTING_FIELDS = ("enquiries_email", "escalation_email")
# A catalog names a few hundred hospitals; the live read asks for up to this many.
MAX_HOSPITALS = 10_000


def domain_allowed(address: str, domains: Iterable[str]) -> bool:
    """Whether ``address``'s domain is one of ``domains`` or a subdomain of one (any case)."""
    _, at, domain = address.rpartition("@")
    domain = domain.lower()
    if not at or not domain:
        return False
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in domains)


@dataclass(frozen=True)
class AddressChange:
    hospital: str
    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        return {"hospital": self.hospital, "old": self.old, "new": self.new}


class HospitalRouting:
    """Checks each accepted line's hospitals; keeps the first address each hospital was given.

    ``domains`` None allows any domain (the local stage with ``ENQUIRY_EMAIL_DOMAINS``
    empty). Used from the one thread that reads the feed; read its results once that ends.
    """

    def __init__(self, domains: tuple[str, ...] | None) -> None:
        self._domains = domains
        self.addresses: dict[str, str] = {}  # hospital id -> the first accepted line's address
        self._first_line: dict[str, int] = {}
        self.conflicts: dict[str, int] = {}  # hospital id -> lines rejected for another address

    def check(self, number: int, specialist: Specialist) -> str | None:
        """The reason the line is invalid, or None (and its addresses are remembered)."""
        for position, hospital in enumerate(specialist.hospitals):
            where = f"hospitals.{position}"
            if self._domains is not None:
                for name in ROUTING_FIELDS:
                    address = getattr(hospital, name, None)
                    if address is not None and not domain_allowed(address, self._domains):
                        return f"{where}.{name}: {NOT_ALLOWED} (hospital {hospital.id})"
            known = self.addresses.get(hospital.id)
            if known is not None and known.lower() != hospital.enquiries_email.lower():
                self.conflicts[hospital.id] = self.conflicts.get(hospital.id, 0) + 1
                return (
                    f"{where}.enquiries_email: differs from the address line {self._first_line[hospital.id]} "
                    f"gave hospital {hospital.id} (the first line's wins)"
                )
        for hospital in specialist.hospitals:
            if hospital.id not in self.addresses:
                self.addresses[hospital.id] = hospital.enquiries_email
                self._first_line[hospital.id] = number
        return None

    def changes(self, live: Mapping[str, str]) -> list[AddressChange]:
        """Hospitals in both the live index and this feed whose address is not the same."""
        return [
            AddressChange(hospital, live[hospital], address)
            for hospital, address in sorted(self.addresses.items())
            if hospital in live and live[hospital].lower() != address.lower()
        ]


def live_addresses(client: OpenSearch, index: str) -> dict[str, str]:
    """Each hospital's enquiries address in ``index``: one aggregation, one document a hospital.

    The address is stored only (neither indexed nor aggregatable), so a ``top_hits`` of one
    document under each hospital id brings back that document's hospitals.
    """
    from chalicelib.index_schema import HOSPITAL_ENQUIRIES_EMAIL, HOSPITAL_ID, HOSPITAL_IDS, HOSPITALS

    body: dict[str, Any] = {
        "size": 0,
        "aggs": {
            "hospitals": {
                "terms": {"field": HOSPITAL_IDS, "size": MAX_HOSPITALS},
                "aggs": {
                    "one": {"top_hits": {"size": 1, "_source": {"includes": [HOSPITAL_ID, HOSPITAL_ENQUIRIES_EMAIL]}}}
                },
            }
        },
    }
    found = client.search(index=index, body=body, request_timeout=60)
    addresses: dict[str, str] = {}
    for bucket in found.get("aggregations", {}).get("hospitals", {}).get("buckets", []):
        for hit in bucket["one"]["hits"]["hits"]:
            for hospital in hit.get("_source", {}).get(HOSPITALS, []):
                address = hospital.get("enquiries_email")
                if hospital.get("id") == bucket["key"] and isinstance(address, str):
                    addresses[bucket["key"]] = address
    return addresses
