"""On-call alarms, each sending to the on-call topic, and log retention everywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra.analytics import BUFFER_SECONDS
from infra.settings import StageConfig, StageName
from infra.sweep import SWEEP_SCHEDULE
from tests.infra.conftest import Synthesised

# (namespace, metric, statistic, comparison) of each alarm the issue asks for.
EXPECTED = {
    "Api5xxRate": ("AWS/ApiGateway", "5XXError", "Average", "GreaterThanThreshold"),
    "ApiP99Latency": ("AWS/ApiGateway", "Latency", None, "GreaterThanThreshold"),
    "DeadLettersWaiting": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", "GreaterThanThreshold"),
    "IndexerFailed": ("AWS/Lambda", "Errors", "Sum", "GreaterThanOrEqualToThreshold"),
    "IndexerMissedSchedule": ("AWS/Events", "Invocations", "Sum", "LessThanThreshold"),
    "NotifyErrors": ("AWS/Lambda", "Errors", "Sum", "GreaterThanOrEqualToThreshold"),
    "NotifyBehind": ("AWS/Lambda", "IteratorAge", "Maximum", "GreaterThanThreshold"),
    "SearchClusterRed": ("AWS/ES", "ClusterStatus.red", "Maximum", "GreaterThanOrEqualToThreshold"),
    "SearchClusterYellow": ("AWS/ES", "ClusterStatus.yellow", "Maximum", "GreaterThanOrEqualToThreshold"),
    "SearchLowFreeStorage": ("AWS/ES", "FreeStorageSpace", "Minimum", "LessThanThreshold"),
    "SesBounceRate": ("AWS/SES", "Reputation.BounceRate", "Maximum", "GreaterThanThreshold"),
    "SesComplaintRate": ("AWS/SES", "Reputation.ComplaintRate", "Maximum", "GreaterThanThreshold"),
    "AnalyticsDeliveryLate": ("AWS/Firehose", "DeliveryToS3.DataFreshness", "Maximum", "GreaterThanThreshold"),
    "AnalyticsDeliveryFailing": ("AWS/Firehose", "DeliveryToS3.Success", "Average", "LessThanThreshold"),
    "EnquirySweepBacklog": ("FindASpecialist/Enquiries", "SweepBacklog", "Minimum", "GreaterThanThreshold"),
    "SearchRecordingFailing": (
        "FindASpecialist/Search",
        "AnalyticsRecordingFailures",
        "Sum",
        "GreaterThanOrEqualToThreshold",
    ),
}


def _alarm(synthesised: Synthesised, stage: StageName, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        value["Properties"]
        for key, value in synthesised.resources(stage, "AWS::CloudWatch::Alarm").items()
        if key.startswith(f"Alarms{name}")
    ]
    assert len(found) == 1, name
    return found[0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_alarm_watches_its_metric_and_pages_on_call(synthesised: Synthesised, stage: StageName, name: str) -> None:
    namespace, metric, statistic, comparison = EXPECTED[name]
    alarm = _alarm(synthesised, stage, name)
    topic = synthesised.on_call_topic(stage)
    assert (alarm["Namespace"], alarm["MetricName"], alarm["ComparisonOperator"]) == (namespace, metric, comparison)
    assert alarm.get("Statistic") == statistic
    assert alarm["AlarmActions"] == [{"Ref": topic}]
    assert alarm["OKActions"] == [{"Ref": topic}]


def test_thresholds_follow_the_stage_config(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    assert _alarm(synthesised, stage, "ApiP99Latency")["ExtendedStatistic"] == "p99"
    assert _alarm(synthesised, stage, "ApiP99Latency")["Threshold"] == stage_config.api.p99_latency_alarm_ms
    assert _alarm(synthesised, stage, "Api5xxRate")["Threshold"] == stage_config.api.error_rate_alarm
    assert _alarm(synthesised, stage, "DeadLettersWaiting")["Threshold"] == 0
    free = _alarm(synthesised, stage, "SearchLowFreeStorage")
    assert free["Threshold"] == stage_config.search.free_storage_alarm_mb
    assert {d["Name"] for d in free["Dimensions"]} == {"DomainName", "ClientId"}
    missed = _alarm(synthesised, stage, "IndexerMissedSchedule")
    assert missed["TreatMissingData"] == "breaching"
    assert missed["Period"] == stage_config.indexer.max_hours_between_runs * 3600
    # The catalog's nightly rule, not the function: the hourly availability updates invoke it too.
    (rule,) = [d["Value"] for d in missed["Dimensions"] if d["Name"] == "RuleName"]
    assert rule["Ref"].startswith("ReindexSchedule")
    assert _alarm(synthesised, stage, "SesBounceRate")["Threshold"] == stage_config.mail.bounce_rate_alarm
    assert _alarm(synthesised, stage, "SesComplaintRate")["Threshold"] == stage_config.mail.complaint_rate_alarm


def test_on_call_topic_is_subscribed_when_an_address_is_configured(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    subscriptions = synthesised.resources(stage, "AWS::SNS::Subscription").values()
    endpoints = [s["Properties"]["Endpoint"] for s in subscriptions if s["Properties"]["Protocol"] == "email"]
    assert endpoints == ([stage_config.on_call_email] if stage_config.on_call_email else [])


def test_every_log_group_has_retention(synthesised: Synthesised, stage: StageName, stage_config: StageConfig) -> None:
    groups = synthesised.resources(stage, "AWS::Logs::LogGroup")
    assert len(groups) == 5  # three functions, the access logs and the analytics delivery's errors
    assert {g["Properties"]["RetentionInDays"] for g in groups.values()} == {stage_config.log_retention_days}
    for function in synthesised.resources(stage, "AWS::Serverless::Function").values():
        assert set(function["Properties"]["LoggingConfig"]["LogGroup"]) == {"Ref"}


def test_every_function_logs_json_at_info(synthesised: Synthesised, stage: StageName) -> None:
    """Without an application log level the Python runtime drops INFO lines (the run
    summary, "e-mail sent"); the level applies only to the JSON format."""
    functions = {
        **synthesised.resources(stage, "AWS::Serverless::Function"),
        **synthesised.resources(stage, "AWS::Lambda::Function"),
    }
    ours = {name: f for name, f in functions.items() if "LoggingConfig" in f["Properties"]}
    assert len(ours) == 3, sorted(functions)
    for function in ours.values():
        config = function["Properties"]["LoggingConfig"]
        levels = (config["LogFormat"], config["ApplicationLogLevel"], config["SystemLogLevel"])
        assert levels == ("JSON", "INFO", "WARN")


@pytest.mark.parametrize(
    ("name", "query_text"),
    [
        ("EnquiryEmailsBounced", 'SELECT SUM(Bounced) FROM "FindASpecialist/Enquiries"'),
        ("EnquiryEmailsComplained", 'SELECT SUM(Complained) FROM "FindASpecialist/Enquiries"'),
    ],
)
def test_enquiry_emails_bounced_or_complained_in_the_hour_page_on_call(
    synthesised: Synthesised, stage: StageName, name: str, query_text: str
) -> None:
    """notify's counts (EMF) from SES's notifications, summed over every dimension: one is enough."""
    alarm = _alarm(synthesised, stage, name)
    topic = synthesised.on_call_topic(stage)

    [query] = alarm["Metrics"]
    assert query["Expression"] == query_text
    assert (query["Period"], query["ReturnData"]) == (3600, True)
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert (alarm["EvaluationPeriods"], alarm["TreatMissingData"]) == (1, "notBreaching")
    assert "state reason" in alarm["AlarmDescription"]
    assert alarm["AlarmActions"] == [{"Ref": topic}]
    assert alarm["OKActions"] == [{"Ref": topic}]


def test_analytics_delivery_alarms_watch_the_analytics_stream_and_ignore_quiet_nights(
    synthesised: Synthesised, stage: StageName
) -> None:
    """Firehose reports delivery only while it has records: no traffic is no data, not an alarm."""
    stream, _ = synthesised.only(stage, "AWS::KinesisFirehose::DeliveryStream")
    late = _alarm(synthesised, stage, "AnalyticsDeliveryLate")
    failing = _alarm(synthesised, stage, "AnalyticsDeliveryFailing")

    for alarm in (late, failing):
        assert alarm["Dimensions"] == [{"Name": "DeliveryStreamName", "Value": {"Ref": stream}}]
        assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["TreatMissingData"]) == (300, 3, "notBreaching")
    # Well past the stream's buffering interval: a normal delivery never comes near it.
    assert late["Threshold"] >= 10 * BUFFER_SECONDS
    # Any failed write to S3 in each period (the share of successful writes below 1).
    assert failing["Threshold"] == 1


def test_sweep_backlog_alarm_fires_when_every_sweep_run_for_half_an_hour_found_unsent_enquiries(
    synthesised: Synthesised, stage: StageName
) -> None:
    alarm = _alarm(synthesised, stage, "EnquirySweepBacklog")
    schedule = re.fullmatch(r"rate\((\d+) minutes\)", SWEEP_SCHEDULE)
    assert schedule is not None

    assert "Dimensions" not in alarm  # as the sweep reports it (chalicelib/enquiries/service_metrics.py)
    assert (alarm["Threshold"], alarm["Period"], alarm["EvaluationPeriods"]) == (0, 600, 3)
    # Two sweep runs or more in each period, so the smallest count is every run's.
    assert alarm["Period"] >= 2 * 60 * int(schedule[1])
    assert alarm["TreatMissingData"] == "notBreaching"
