"""The enquiry reporting in CloudWatch: the per-hospital metrics on the on-call dashboard, and the alarm
for a hospital under 80% within the reply deadline, paging on-call like the others."""

from __future__ import annotations

import json
from typing import Any

from infra.settings import StageName
from tests.infra.conftest import Synthesised

QUERY = (
    'SELECT AVG(AcknowledgedWithinDeadline) FROM SCHEMA("FindASpecialist/Enquiries", Hospital) '
    "GROUP BY Hospital ORDER BY AVG() ASC LIMIT 1"
)


def _late_alarm(synthesised: Synthesised, stage: StageName) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        value["Properties"]
        for key, value in synthesised.resources(stage, "AWS::CloudWatch::Alarm").items()
        if key.startswith("EnquiryMonitoringHospitalRepliesLate")
    ]
    assert len(found) == 1
    return found[0]


def test_a_hospital_under_80_percent_within_deadline_over_a_day_pages_on_call(
    synthesised: Synthesised, stage: StageName
) -> None:
    alarm = _late_alarm(synthesised, stage)
    topic = synthesised.on_call_topic(stage)

    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0.8, "LessThanThreshold")
    assert alarm["EvaluationPeriods"] == 1
    assert alarm["TreatMissingData"] == "notBreaching"
    [query] = alarm["Metrics"]
    assert (query["Expression"], query["Period"], query["ReturnData"]) == (QUERY, 86400, True)
    assert alarm["AlarmActions"] == [{"Ref": topic}]
    assert alarm["OKActions"] == [{"Ref": topic}]


def _body(synthesised: Synthesised, stage: StageName) -> str:
    _, dashboard = synthesised.only(stage, "AWS::CloudWatch::Dashboard")
    parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    return "".join(part if isinstance(part, str) else "REGION" for part in parts)


def test_the_dashboard_shows_each_hospitals_share_and_counts(synthesised: Synthesised, stage: StageName) -> None:
    _, dashboard = synthesised.only(stage, "AWS::CloudWatch::Dashboard")
    body = json.loads(_body(synthesised, stage))
    per_hospital = [
        widget["properties"]
        for widget in body["widgets"]
        if widget["type"] == "metric"
        and any("SCHEMA(" in str(metric) for metric in widget["properties"].get("metrics", []))
    ]
    expressions = [metric[0]["expression"] for widget in per_hospital for metric in widget["metrics"]]

    assert dashboard["Properties"]["DashboardName"] == f"find-a-specialist-{stage}-on-call"
    assert len(expressions) == 4
    assert {widget["start"] for widget in per_hospital} == {"-P28D"}
    assert all('FROM SCHEMA("FindASpecialist/Enquiries", Hospital) GROUP BY Hospital' in e for e in expressions)
    assert {e.split(" FROM ")[0] for e in expressions} == {
        "SELECT AVG(AcknowledgedWithinDeadline)",
        "SELECT SUM(Acknowledged)",
        "SELECT SUM(MissedDeadline)",
        "SELECT AVG(HoursToAcknowledge)",
    }
