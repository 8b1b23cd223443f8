"""The enquiries table's stream → the ``notify`` function.

Chalice's ``on_dynamodb_record`` is not used: the mapping is made here so that every
knob is explicit. A failing record is retried a bounded number of times, the batch is
split to isolate it, records the function reports as failed are the only ones retried
(partial batch response), and what still fails is described in the dead-letter queue.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.settings import NotifyConfig

# The stream actions the event source mapping uses, all on the stream's ARN.
STREAM_READ_ACTIONS = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")


def connect_stream(
    scope: Construct,
    *,
    function_arn: str,
    role: iam.IRole,
    table: dynamodb.ITable,
    dead_letters: sqs.IQueue,
    config: NotifyConfig,
) -> lambda_.EventSourceMapping:
    stream_arn = table.table_stream_arn
    if stream_arn is None:
        raise ValueError("the table has no stream")
    role.add_to_principal_policy(iam.PolicyStatement(actions=list(STREAM_READ_ACTIONS), resources=[stream_arn]))
    # Lambda's stream poller also lists the table's streams (scoped as AWS's own example is).
    role.add_to_principal_policy(
        iam.PolicyStatement(actions=["dynamodb:ListStreams"], resources=[f"{table.table_arn}/stream/*"])
    )
    function = lambda_.Function.from_function_attributes(
        scope, "NotifyFunction", function_arn=function_arn, role=role, same_environment=True
    )
    mapping = lambda_.EventSourceMapping(
        scope,
        "NotifyStream",
        target=function,
        event_source_arn=stream_arn,
        starting_position=lambda_.StartingPosition.TRIM_HORIZON,
        batch_size=config.batch_size,
        bisect_batch_on_error=True,
        retry_attempts=config.retry_attempts,
        max_record_age=Duration.hours(config.max_record_age_hours),
        report_batch_item_failures=True,
        on_failure=event_sources.SqsDlq(dead_letters),
    )
    # Lambda checks the role's stream and queue permissions when the mapping is created.
    mapping.node.add_dependency(role)
    return mapping
