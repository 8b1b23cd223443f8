"""The enquiry counts through the app (moto, the real node for routing): an enquiry stored is
counted once, a replayed Idempotency-Key, a refusal and the honeypot's catch are not; notify counts its e-mails and the
sweep its backlog. tests/unit/test_enquiry_service_metrics.py has the branches."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest
from chalice.test import Client

from app import app, notify
from chalicelib import deps
from tests.enquiries import GOOD

pytestmark = pytest.mark.integration

LAMBDA_CONTEXT = SimpleNamespace(get_remaining_time_in_millis=lambda: 120_000)
SCHEDULED = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}


class Totals:
    def __init__(self) -> None:
        self.emitted: list[dict[str, float]] = []

    def totals(self, values: Mapping[str, float]) -> None:
        self.emitted.append(dict(values))

    def all(self, name: str) -> list[float]:
        return [values[name] for values in self.emitted if name in values]


@pytest.fixture
def totals(demo_index: str, aws: None, monkeypatch: pytest.MonkeyPatch) -> Totals:
    monkeypatch.setenv("OPENSEARCH_URL", demo_index)
    monkeypatch.setenv("SWEEP_AFTER_S", "1")
    deps.reset()
    sink = deps.services().totals_sink = Totals()
    return sink


def post(client: Client, body: Any, key: str) -> int:
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    return int(client.http.post("/enquiries", headers=headers, body=json.dumps(body)).status_code)


def test_an_enquiry_is_counted_once_then_its_emails_and_the_sweep_backlog(totals: Totals) -> None:
    with Client(app, stage_name="local") as client:
        statuses = [
            post(client, GOOD, "form-1"),
            post(client, GOOD, "form-1"),  # replayed
            post(client, {**GOOD, "email": "x"}, "form-2"),  # refused
            post(client, {**GOOD, "website": "https://spam.example"}, "form-3"),  # the honeypot's catch
        ]
    assert statuses == [202, 202, 400, 202]
    assert totals.all("EnquiriesReceived") == [1]

    time.sleep(1.2)  # older than SWEEP_AFTER_S: the stream has not sent it (no stream here), the sweep does
    swept = notify(SCHEDULED, LAMBDA_CONTEXT)
    again = notify(SCHEDULED, LAMBDA_CONTEXT)

    assert (swept["listed"], swept.get("sent"), again["listed"]) == (1, 1, 0)
    assert totals.all("SweepBacklog") == [1, 0]
    assert totals.all("EmailsSent") == [1, 1]  # the team's and the patient's
