"""What the engineer on call sees: every function traced with X-Ray (and allowed to send its
traces), and one dashboard with the search and enquiry figures and every alarm."""

from __future__ import annotations

import json
from typing import Any

from infra.settings import StageName
from tests.infra.conftest import Synthesised
from tests.infra.roles import as_list, role_of_function, statements_of_role

FUNCTION_KINDS = ("AWS::Lambda::Function", "AWS::Serverless::Function")
OUR_FUNCTIONS = ("APIHandler", "Notify", "ReindexFunction")
SEARCH_METRICS = {
    "Searches",
    "ZeroResultSearches",
    "RelaxedSearches",
    "TypeaheadRequests",
    "AnalyticsRecordingFailures",
    "AnalyticsEvents",
}
ENQUIRY_METRICS = {"EnquiriesReceived", "EmailsSent", "SweepBacklog"}


def _functions(synthesised: Synthesised, stage: StageName) -> dict[str, dict[str, Any]]:
    return {key: value for kind in FUNCTION_KINDS for key, value in synthesised.resources(stage, kind).items()}


def test_every_function_runs_with_active_tracing(synthesised: Synthesised, stage: StageName) -> None:
    functions = _functions(synthesised, stage)

    assert all(any(key.startswith(name) for key in functions) for name in OUR_FUNCTIONS), sorted(functions)
    for key, function in functions.items():
        properties = function["Properties"]
        if function["Type"] == "AWS::Serverless::Function":
            assert properties.get("Tracing") == "Active", key
        else:
            assert properties.get("TracingConfig") == {"Mode": "Active"}, key


def test_every_function_records_subsegments_in_lambda(synthesised: Synthesised, stage: StageName) -> None:
    for key, function in _functions(synthesised, stage).items():
        assert function["Properties"]["Environment"]["Variables"]["XRAY_SUBSEGMENTS"] == "on", key


def test_the_api_stage_is_traced(synthesised: Synthesised, stage: StageName) -> None:
    _, api = synthesised.only(stage, "AWS::Serverless::Api")

    assert api["Properties"]["TracingEnabled"] is True


def test_every_function_role_may_send_its_traces_and_nothing_else_on_any_resource(
    synthesised: Synthesised, stage: StageName
) -> None:
    for name in OUR_FUNCTIONS:
        statements = statements_of_role(synthesised, stage, role_of_function(synthesised, stage, name))
        on_any = [statement for statement in statements if "*" in as_list(statement["Resource"])]

        assert len(on_any) == 1, (name, on_any)
        assert sorted(as_list(on_any[0]["Action"])) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def _dashboard(synthesised: Synthesised, stage: StageName) -> dict[str, Any]:
    """The one dashboard's body, with each alarm's ARN written as ``alarm:<logical id>``."""

    def text(part: Any) -> str:
        if isinstance(part, str):
            return part
        if "Fn::GetAtt" in part:
            return f"alarm:{part['Fn::GetAtt'][0]}"
        return "TOKEN"  # the region, the account

    _, dashboard = synthesised.only(stage, "AWS::CloudWatch::Dashboard")
    assert dashboard["Properties"]["DashboardName"] == f"find-a-specialist-{stage}-on-call"
    body: dict[str, Any] = json.loads(
        "".join(text(part) for part in dashboard["Properties"]["DashboardBody"]["Fn::Join"][1])
    )
    return body


def _metrics(body: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for widget in body["widgets"]:
        for metric in widget["properties"].get("metrics", []):
            if isinstance(metric[0], str) and len(metric) > 1 and isinstance(metric[1], str):
                found.add((metric[0], metric[1]))
    return found


def test_the_dashboard_shows_the_search_and_enquiry_counts(synthesised: Synthesised, stage: StageName) -> None:
    metrics = _metrics(_dashboard(synthesised, stage))

    assert {("FindASpecialist/Search", name) for name in SEARCH_METRICS} <= metrics
    assert {("FindASpecialist/Enquiries", name) for name in ENQUIRY_METRICS} <= metrics


def test_the_dashboard_shows_every_alarm_in_the_stack(synthesised: Synthesised, stage: StageName) -> None:
    body = _dashboard(synthesised, stage)
    alarms = {f"alarm:{key}" for key in synthesised.resources(stage, "AWS::CloudWatch::Alarm")}
    widgets = [widget["properties"] for widget in body["widgets"]]
    graphed = [alarm for widget in widgets for alarm in widget.get("annotations", {}).get("alarms", [])]
    (status,) = [widget["alarms"] for widget in widgets if "alarms" in widget]

    assert len(alarms) >= 15
    assert sorted(graphed) == sorted(alarms)  # one alarm widget each
    assert set(status) == alarms
