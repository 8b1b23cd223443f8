"""What the fault tests share: enquiries to send, where they must go, and what arrived."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import tables
from devstack.outbox import local_outbox
from devstack.stack import DEMO_COUNT, DEMO_SEED, LocalStack

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class PlannedEnquiry:
    """An enquiry body and the team address the demo catalog routes it to."""

    body: dict[str, Any]
    team_email: str

    @property
    def patient_email(self) -> str:
        return str(self.body["email"])


def planned_enquiries(label: str) -> Iterator[PlannedEnquiry]:
    """Endless enquiries for demo specialists, each from its own patient address (the per-address
    limit is 5 an hour): a named hospital when the specialist has several, else their primary."""
    from indexer.demo import generate

    routed = [
        (specialist.id, hospital.id if len(specialist.hospitals) > 1 else None, str(hospital.enquiries_email))
        for specialist in itertools.islice(generate(DEMO_COUNT, seed=DEMO_SEED), 200)
        for hospital in [specialist.hospitals[-1]]
        if hospital.enquiries_email
    ]
    for number, (specialist_id, hospital_id, team_email) in enumerate(itertools.cycle(routed)):
        body: dict[str, Any] = {
            "specialist_id": specialist_id,
            "first_name": "Fault",
            "last_name": f"Test{number}",
            "email": f"{label}.{number}@example.com",
            "message": "A test enquiry.",
            "consent": True,
            "consent_version": "2026-11",
        }
        if hospital_id is not None:
            body["hospital_id"] = hospital_id
        yield PlannedEnquiry(body, team_email)


def mails_for(stack: LocalStack, reference: str) -> list[dict[str, Any]]:
    """The e-mails the stack sent about one enquiry (its reference is in each)."""
    return [
        mail
        for mail in local_outbox(stack.moto_url)
        if reference in str(mail["subject"]) or reference in str(mail["text"])
    ]


def _dynamodb(stack: LocalStack) -> DynamoDBClient:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        endpoint_url=stack.moto_url,
        region_name=stack.settings().region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(account_id_endpoint_mode="disabled"),
    )


def stored_patient_addresses(stack: LocalStack) -> set[str]:
    """The patient address of every enquiry in the table."""
    pages = _dynamodb(stack).get_paginator("scan").paginate(TableName=stack.settings().enquiries_table)
    return {item["email"]["S"] for page in pages for item in page["Items"] if "email" in item}


def stored_enquiry(stack: LocalStack, enquiry_id: str) -> dict[str, Any] | None:
    """The enquiry's item as DynamoDB holds it (moto's), or None."""
    from boto3.dynamodb.types import TypeDeserializer

    settings = stack.settings()
    client = _dynamodb(stack)
    found = client.get_item(
        TableName=settings.enquiries_table,
        Key={tables.ENQUIRIES.partition_key: {"S": enquiry_id}},
        ConsistentRead=True,
    )
    item = found.get("Item")
    if item is None:
        return None
    deserializer = TypeDeserializer()
    return {name: deserializer.deserialize(value) for name, value in item.items()}


def wait_until(condition: Callable[[], bool], timeout_s: float, pause_s: float = 0.25) -> bool:
    """True as soon as ``condition()`` is; False once ``timeout_s`` passed without it."""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(pause_s)
