"""The sweep's trigger: an EventBridge schedule that invokes ``notify`` (its second trigger,
beside the stream) to send the enquiries the stream's bounded retries did not
(:mod:`chalicelib.enquiries.sweep`) and the team follow-ups that fall due, and the one read
that adds: Query on the enquiries table's sparse "unsent" and "awaiting-reply" indexes, named
by their ARNs.
"""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from chalicelib.tables import ENQUIRIES

# Enquiries older than SWEEP_AFTER_S (default 5 minutes) are swept on the next run.
SWEEP_SCHEDULE = "rate(5 minutes)"


def schedule_sweep(scope: Construct, *, function_arn: str, role: iam.IRole, table: dynamodb.ITable) -> events.Rule:
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["dynamodb:Query"],
            resources=[f"{table.table_arn}/index/{index.name}" for index in ENQUIRIES.sparse_indexes],
        )
    )
    function = lambda_.Function.from_function_attributes(
        scope, "NotifySweepTarget", function_arn=function_arn, role=role, same_environment=True
    )
    return events.Rule(
        scope,
        "NotifySweep",
        description="Sends enquiries the enquiries stream did not (search down for longer than its retries)",
        schedule=events.Schedule.expression(SWEEP_SCHEDULE),
        # A failed run is not retried: the next one comes within minutes and lists the same enquiries.
        targets=[targets.LambdaFunction(function, retry_attempts=0)],
    )
