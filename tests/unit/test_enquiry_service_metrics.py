"""The enquiry service's counts for the on-call dashboard (chalicelib/enquiries/service_metrics.py):
e-mails sent and the sweep's backlog, with fakes; the EMF line; never a failure of their own.
tests/integration/test_enquiry_service_metrics.py counts enquiries through the app."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

import pytest

from chalicelib.adapters.emf_metrics import EmfMetricsSink
from chalicelib.enquiries.notify import Backoff, MailSettings, Notifier
from chalicelib.enquiries.ports import MailRejected
from chalicelib.enquiries.service_metrics import ServiceMetrics, TotalsSink
from chalicelib.enquiries.sweep import Sweeper
from tests.enquiries import an_enquiry
from tests.fakes import FakeClock, FakeEnquiryStore, RecordingDeadLetters, RecordingMailer, ScriptedIndex

AFTER_S = 300
CREATED = datetime.fromisoformat(an_enquiry().created_at)


class Totals:
    def __init__(self) -> None:
        self.emitted: list[dict[str, float]] = []

    def totals(self, values: Mapping[str, float]) -> None:
        self.emitted.append(dict(values))

    def summed(self, name: str) -> float:
        return sum(values.get(name, 0) for values in self.emitted)


class Broken:
    def totals(self, values: Mapping[str, float]) -> None:
        raise OSError(f"stdout closed while writing {dict(values)}")


def _sweeper(store: FakeEnquiryStore, mailer: RecordingMailer, sink: TotalsSink, clock: FakeClock) -> Sweeper:
    metrics = ServiceMetrics(sink)
    notifier = Notifier(
        store,
        mailer,
        RecordingDeadLetters(),
        ScriptedIndex(),
        MailSettings("find@hospitals.example", "central@hospitals.example"),
        backoff=Backoff(sleep=lambda _s: None),
        clock=clock,
        metrics=metrics,
    )
    return Sweeper(store, notifier, after_s=AFTER_S, clock=clock, metrics=metrics)


def test_each_sweep_reports_its_backlog_zero_included_and_each_email_sent_counts_once() -> None:
    store, mailer, totals = FakeEnquiryStore(), RecordingMailer(), Totals()
    clock = FakeClock(CREATED + timedelta(seconds=AFTER_S + 1))
    for number in (1, 2, 3):
        store.put_new(an_enquiry(number))
    mailer.script(None, None, MailRejected("MessageRejected"))  # the second enquiry's team e-mail: refused, parked

    first = _sweeper(store, mailer, totals, clock).sweep()
    second = _sweeper(store, mailer, totals, clock).sweep()

    assert (first["listed"], second["listed"]) == (3, 0)
    assert [values["SweepBacklog"] for values in totals.emitted if "SweepBacklog" in values] == [3, 0]
    assert totals.summed("EmailsSent") == len(mailer.sent) == 4  # two each for the first and the third


def test_given_the_sink_fails_then_the_sweep_and_its_emails_go_on_and_the_failure_is_logged_without_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, mailer = FakeEnquiryStore(), RecordingMailer()
    clock = FakeClock(CREATED + timedelta(seconds=AFTER_S + 1))
    store.put_new(an_enquiry())

    with caplog.at_level(logging.WARNING):
        swept = _sweeper(store, mailer, Broken(), clock).sweep()

    assert swept == {"listed": 1, "sent": 1}
    assert len(mailer.sent) == 2
    assert "SweepBacklog not emitted (OSError)" in caplog.text
    assert "EmailsSent not emitted (OSError)" in caplog.text
    assert "stdout closed" not in caplog.text


def test_the_emf_line_has_the_namespace_no_dimension_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    ServiceMetrics(EmfMetricsSink()).received()
    ServiceMetrics(EmfMetricsSink()).sweep_backlog(0)

    received, backlog = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    [directive] = received["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "FindASpecialist/Enquiries"
    assert directive["Dimensions"] == [[]]
    assert directive["Metrics"] == [{"Name": "EnquiriesReceived", "Unit": "Count"}]
    assert set(received) == {"_aws", "EnquiriesReceived"}
    assert received["EnquiriesReceived"] == [1.0]
    assert (set(backlog), backlog["SweepBacklog"]) == ({"_aws", "SweepBacklog"}, [0.0])
