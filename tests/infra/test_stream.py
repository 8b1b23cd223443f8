"""The enquiries stream → notify mapping, made in CDK rather than by Chalice."""

from __future__ import annotations

from aws_cdk.assertions import Template

from infra.settings import StageConfig, StageName
from tests.infra.conftest import Synthesised


def test_stream_feeds_notify_with_bounded_retries_bisection_and_partial_batches(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    _, mapping = synthesised.only(stage, "AWS::Lambda::EventSourceMapping")
    properties = mapping["Properties"]
    enquiries, _ = _enquiries_table(synthesised, stage)
    queue, _ = synthesised.only(stage, "AWS::SQS::Queue")
    assert properties["EventSourceArn"] == {"Fn::GetAtt": [enquiries, "StreamArn"]}
    assert "Notify" in str(properties["FunctionName"])
    assert 0 < properties["MaximumRetryAttempts"] == stage_config.notify.retry_attempts <= 10
    assert properties["BisectBatchOnFunctionError"] is True
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["MaximumRecordAgeInSeconds"] == stage_config.notify.max_record_age_hours * 3600
    assert properties["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}}
    assert properties["StartingPosition"] == "TRIM_HORIZON"


def test_notify_is_not_wired_by_chalice_and_keeps_its_timeout(template: Template) -> None:
    template.has_resource_properties("AWS::Serverless::Function", {"Handler": "app.notify", "Timeout": 120})
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)


def _enquiries_table(synthesised: Synthesised, stage: StageName) -> tuple[str, dict[str, object]]:
    streaming = {
        key: value
        for key, value in synthesised.resources(stage, "AWS::DynamoDB::Table").items()
        if "StreamSpecification" in value["Properties"]
    }
    assert len(streaming) == 1
    return next(iter(streaming.items()))
