"""The reply deadlines' metrics: what a team's first acknowledgement and an escalation emit, under
which hospital, and the Embedded Metric Format line the Lambda prints (issue 17, item 7)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from chalicelib.adapters.emf_metrics import EmfMetricsSink
from chalicelib.enquiries.bank_holidays import ENGLAND_AND_WALES
from chalicelib.enquiries.followup import FollowUpState, Outcome, TeamFollowUp
from chalicelib.enquiries.links import FixedKeys, issue
from chalicelib.enquiries.metrics import DeadlineMetrics, acknowledgement_values
from chalicelib.enquiries.record import stored_time
from chalicelib.enquiries.reminders import Reminders
from chalicelib.enquiries.report import ReportRow
from tests.fakes import RecordingMailer
from tests.unit.test_reminders import MAIL, OneDue, routed

KEY = b"k" * 32
ENQUIRY = "01JDQ3Z6V8K2M4N6P8R0S2T4V1"
CREATED = "2026-06-12T16:00:00.000+00:00"  # a Friday, 17:00 in the UK
REPLY_BY = "2026-06-16T04:00:00.000+00:00"  # 36 working hours later
MONDAY_10_BST = datetime(2026, 6, 15, 9, 0, tzinfo=UTC).timestamp()


class Recorded:
    """The metrics sink port, keeping what it is given."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict[str, float]]] = []

    def emit(self, hospital: str, values: Mapping[str, float]) -> None:
        self.emitted.append((hospital, dict(values)))


@dataclasses.dataclass
class OneEnquiry:
    """The FollowUps port and the report's row of one enquiry, in memory."""

    row: ReportRow

    def follow_up(self, enquiry_id: str) -> FollowUpState | None:
        r = self.row
        return FollowUpState(r.created_at, r.acknowledged_at, r.outcome, None)  # type: ignore[arg-type]

    def acknowledge(self, enquiry_id: str, at: str, after_s: int) -> bool:
        if self.row.acknowledged_at is not None:
            return False
        self.row = dataclasses.replace(self.row, acknowledged_at=at, acknowledge_s=after_s)
        return True

    def record_outcome(self, enquiry_id: str, outcome: Outcome, at: str, after_s: int) -> bool:
        if self.row.outcome == outcome:
            return False
        self.row = dataclasses.replace(self.row, outcome=outcome, acknowledged_at=self.row.acknowledged_at or at)
        return True


class Rows:
    def __init__(self, store: OneEnquiry) -> None:
        self._store = store

    def row(self, enquiry_id: str) -> ReportRow | None:
        return self._store.row


def click(store: OneEnquiry, sink: Recorded, action: str, now: float = MONDAY_10_BST) -> None:
    metrics = DeadlineMetrics(Rows(store), sink, ENGLAND_AND_WALES)
    follow_up = TeamFollowUp(store, FixedKeys(KEY), clock=lambda: now, metrics=metrics)
    follow_up.record(action, issue(KEY, ENQUIRY, action, int(now) + 3600))  # type: ignore[arg-type]


def hendon(reply_by: str | None = REPLY_BY, **changes: str) -> OneEnquiry:
    return OneEnquiry(ReportRow(CREATED, "hendon", "Hendon Hospital", reply_by, **changes))  # type: ignore[arg-type]


def test_given_a_first_acknowledgement_in_time_then_it_counts_for_its_hospital_in_working_hours() -> None:
    store, sink = hendon(), Recorded()

    click(store, sink, "acknowledge")

    # Friday 17:00 to Monday 10:00 in the UK: 7 + 10 working hours (65 clock hours).
    assert sink.emitted == [
        ("hendon", {"Acknowledged": 1, "HoursToAcknowledge": 17.0, "AcknowledgedWithinDeadline": 1})
    ]


def test_given_a_second_click_or_an_outcome_after_it_then_nothing_more_is_counted() -> None:
    store, sink = hendon(), Recorded()

    click(store, sink, "acknowledge")
    click(store, sink, "acknowledge")
    click(store, sink, "booked")

    assert len(sink.emitted) == 1


def test_given_an_outcome_first_then_it_counts_as_the_acknowledgement() -> None:
    store, sink = hendon(), Recorded()

    click(store, sink, "not_suitable")

    assert [values["Acknowledged"] for _, values in sink.emitted] == [1]


def test_given_a_late_acknowledgement_then_within_deadline_is_0_unless_the_escalation_counted_it() -> None:
    tuesday = datetime(2026, 6, 16, 9, 0, tzinfo=UTC).timestamp()
    late, escalated, sink = hendon(), hendon(escalated_at="2026-06-16T04:05:00.000+00:00"), Recorded()

    click(late, sink, "acknowledge", tuesday)
    click(escalated, sink, "acknowledge", tuesday)

    assert [values.get("AcknowledgedWithinDeadline") for _, values in sink.emitted] == [0, None]


def test_given_no_deadline_or_no_hospital_then_the_acknowledgement_counts_under_central_without_a_share() -> None:
    row = ReportRow(CREATED, acknowledged_at=stored_time(datetime.fromtimestamp(MONDAY_10_BST, UTC)))

    assert acknowledgement_values(row, ENGLAND_AND_WALES) == {"Acknowledged": 1, "HoursToAcknowledge": 17.0}
    store, sink = OneEnquiry(ReportRow(CREATED)), Recorded()
    click(store, sink, "acknowledge")
    assert sink.emitted[0][0] == "central"


def test_given_the_metrics_fail_then_the_click_is_recorded_all_the_same(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def emit(self, hospital: str, values: Mapping[str, float]) -> None:
            raise RuntimeError("stdout closed")

    store = hendon()
    metrics = DeadlineMetrics(Rows(store), Broken(), ENGLAND_AND_WALES)
    follow_up = TeamFollowUp(store, FixedKeys(KEY), clock=lambda: MONDAY_10_BST, metrics=metrics)

    answer = follow_up.record("acknowledge", issue(KEY, ENQUIRY, "acknowledge", int(MONDAY_10_BST) + 3600))

    assert answer["changed"] is True
    assert "metrics not emitted (RuntimeError)" in caplog.text


@pytest.mark.parametrize("refused", [False, True])
def test_given_an_escalation_then_a_missed_deadline_is_counted_for_the_hospital(refused: bool) -> None:
    from chalicelib.enquiries.ports import MailRejected

    store, mailer, sink = OneDue(routed(), "escalate"), RecordingMailer(), Recorded()
    if refused:
        mailer.fail_next(MailRejected("MessageRejected"))
    metrics = DeadlineMetrics(Rows(hendon()), sink, ENGLAND_AND_WALES)

    Reminders(store, mailer, MAIL, metrics=metrics).run()

    assert sink.emitted == [("hendon", {"MissedDeadline": 1, "AcknowledgedWithinDeadline": 0})]


def test_given_a_reminder_then_no_deadline_metric_is_counted() -> None:
    sink = Recorded()
    metrics = DeadlineMetrics(Rows(hendon()), sink, ENGLAND_AND_WALES)

    Reminders(OneDue(routed(), "remind"), RecordingMailer(), MAIL, metrics=metrics).run()

    assert sink.emitted == []


def test_the_emf_line_has_the_namespace_the_hospital_dimension_and_the_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    EmfMetricsSink().emit("hendon", {"Acknowledged": 1, "HoursToAcknowledge": 17.0, "AcknowledgedWithinDeadline": 1})
    EmfMetricsSink().emit("leeds", {"MissedDeadline": 1})

    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    [directive] = first["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "FindASpecialist/Enquiries"
    assert directive["Dimensions"] == [["Hospital"]]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "Acknowledged": "Count",
        "HoursToAcknowledge": "None",
        "AcknowledgedWithinDeadline": "Count",
    }
    assert (first["Hospital"], first["Acknowledged"], first["HoursToAcknowledge"]) == ("hendon", [1.0], [17.0])
    # Each line stands alone: nothing of the first is flushed again with the second.
    assert (second["Hospital"], set(second) - {"_aws"}) == ("leeds", {"Hospital", "MissedDeadline"})
