"""The fake enquiry store (``tests/fakes.py``) and the DynamoDB adapter (on moto) given the
same operations give the same answers and leave the same items: the fast unit tests of notify
and the sweep are only as good as the fake's likeness to the real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.config import Config

from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore
from chalicelib.config import get_settings
from tests.enquiries import an_enquiry
from tests.fakes import FakeEnquiryStore

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 25, 19, 9, tzinfo=UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def run(store: Any, item: Any) -> list[Any]:
    log: list[Any] = []
    e1 = an_enquiry(1)
    e2 = an_enquiry(2, created_at="2026-11-25T19:00:00.000+00:00")
    e3 = an_enquiry(3, created_at="2026-11-25T19:05:00.000+00:00")
    for e in (e1, e2, e3):
        store.put_new(e)
    store.put_new(e1)  # again: accepted, unchanged
    log.append(("after put", item(e1.enquiry_id)))
    log.append(("unsent all", store.unsent_ids(T0, 10)))
    log.append(("unsent limit", store.unsent_ids(T0, 2)))
    log.append(("unsent strict", store.unsent_ids(datetime(2026, 11, 25, 19, 5, tzinfo=UTC), 10)))
    log.append(("claim a", store.claim(e1.enquiry_id, "a", T0, 180)))
    log.append(("claim b held", store.claim(e1.enquiry_id, "b", T0 + timedelta(seconds=179), 180)))
    store.mark_sent(e1.enquiry_id, "team", "m-team", T0 + timedelta(seconds=1))
    store.mark_sent(e1.enquiry_id, "team", "m-team-again", T0 + timedelta(seconds=2))
    log.append(("claim b at expiry", store.claim(e1.enquiry_id, "b", T0 + timedelta(seconds=180), 180)))
    store.finish(e1.enquiry_id, "a")  # no longer a's
    store.release(e1.enquiry_id, "a")
    log.append(("after a's finish and release", item(e1.enquiry_id)))
    store.release(e1.enquiry_id, "b")
    log.append(("after b's release", item(e1.enquiry_id)))
    log.append(("claim c", store.claim(e1.enquiry_id, "c", T0 + timedelta(seconds=200), 180)))
    store.mark_sent(e1.enquiry_id, "patient", "m-patient", T0 + timedelta(seconds=201))
    log.append(("claim d after both sent", store.claim(e1.enquiry_id, "d", T0 + timedelta(seconds=999), 180)))
    store.finish(e1.enquiry_id, "d")
    log.append(("finished", item(e1.enquiry_id)))
    log.append(("claim sent", store.claim(e1.enquiry_id, "e", T0 + timedelta(seconds=9999), 180)))
    store.mark_failed(e1.enquiry_id, "late", T0)
    log.append(("mark_failed after sent", item(e1.enquiry_id)))
    log.append(("claim e2", store.claim(e2.enquiry_id, "x", T0, 180)))
    store.mark_failed(e2.enquiry_id, "team:MessageRejected", T0)
    store.mark_failed(e2.enquiry_id, "again", T0)
    log.append(("failed", item(e2.enquiry_id)))
    log.append(("claim failed", store.claim(e2.enquiry_id, "y", T0 + timedelta(days=1), 180)))
    store.finish(e2.enquiry_id, "x")
    log.append(("finish after failed", item(e2.enquiry_id)))
    store.mark_failed(e3.enquiry_id, "compose:UnsafeHeaderValue", T0)  # failed without a claim
    log.append(("failed unclaimed", item(e3.enquiry_id)))
    log.append(("unsent at the end", store.unsent_ids(T0 + timedelta(days=1), 10)))
    log.append(("claim missing", store.claim("nobody", "z", T0, 180)))
    store.finish("nobody", "z")
    store.release("nobody", "z")
    store.mark_failed("nobody", "r", T0)
    try:
        store.mark_sent("nobody", "team", "m", T0)
        log.append(("mark_sent missing", "no error"))
    except Exception:  # noqa: BLE001 - each store raises its own kind: only that it raises is compared
        log.append(("mark_sent missing", "raises"))
    log.append(("load", store.load(e1.enquiry_id)))
    log.append(("load missing", store.load("nobody")))
    return log


def test_the_fake_store_answers_and_stores_as_the_dynamodb_adapter_does(aws: None) -> None:
    from boto3.dynamodb.types import TypeDeserializer

    settings = get_settings()
    config = Config(account_id_endpoint_mode="disabled")
    client = boto3.Session(region_name=settings.region).client("dynamodb", config=config)
    real = DynamoDBEnquiryStore(client, settings.enquiries_table, settings.rate_limit_table)

    def real_item(enquiry_id: str) -> dict[str, Any]:
        key = {"enquiry_id": {"S": enquiry_id}}
        raw = client.get_item(TableName=settings.enquiries_table, Key=key, ConsistentRead=True)["Item"]
        item: dict[str, Any] = _plain({k: TypeDeserializer().deserialize(v) for k, v in raw.items()})
        return item

    fake = FakeEnquiryStore()
    expected = run(real, real_item)
    got = run(fake, lambda enquiry_id: _plain(dict(fake.items[enquiry_id])))
    for (step, want), (_, have) in zip(expected, got, strict=True):
        assert have == want, step
