"""The indexer function, its feed bucket, and what starts it: a schedule per feed, and a
new feed arriving under the bucket's prefixes (S3 → EventBridge "Object Created").

Two feeds (``docs/indexer.md``): the specialists catalog under ``feed_prefix`` and the
treatments' content under ``treatments/``. The catalog's schedule sends the default
scheduled event; the treatments' sends ``{"feed": "treatments"}``, at the same cadence.
The availability feed under ``availability/`` updates the live specialists' slots in
place, hourly (``{"feed": "availability"}``) and when a new one arrives.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.buckets import private_bucket
from infra.roles import FunctionIdentity
from infra.settings import AVAILABILITY_FEED_PREFIX, QUALITY_PREFIX, TREATMENTS_FEED_PREFIX, IndexerConfig

# Lambda's limit, and the reindex lock outlives it (see docs/indexer.md).
TIMEOUT = Duration.minutes(15)
# The availability feed: slots change hourly, the rest of the catalog daily. A quarter
# past, clear of the nightly rebuild's start.
AVAILABILITY_FEED_KEY = f"{AVAILABILITY_FEED_PREFIX}availability.jsonl.gz"
AVAILABILITY_SCHEDULE = "cron(15 * * * ? *)"


class Indexer(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: IndexerConfig,
        identity: FunctionIdentity,
        code: Path,
        environment: dict[str, str],
        retain: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.feeds = private_bucket(
            self,
            "Feeds",
            retain=retain,
            versioned=True,
        )
        # EventBridge delivery, set on the bucket itself (no notifications custom resource).
        bucket = self.feeds.node.default_child
        assert isinstance(bucket, s3.CfnBucket)
        bucket.add_property_override("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True)
        prefixes = [config.feed_prefix, TREATMENTS_FEED_PREFIX, AVAILABILITY_FEED_PREFIX]
        identity.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[self.feeds.arn_for_objects(f"{prefix}*") for prefix in prefixes]
            )
        )
        # Each catalog run's data-quality report, beside its feed; no prefix above, so it starts no run.
        identity.role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:PutObject"], resources=[self.feeds.arn_for_objects(f"{QUALITY_PREFIX}*")])
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_11,
            handler="indexer.handler.handler",
            code=lambda_.Code.from_asset(str(code)),  # a zip, used as it is
            timeout=TIMEOUT,
            memory_size=config.memory_mb,
            role=identity.role,
            log_group=identity.log_group,
            # A failed run raises for the alarm; running it again at once would fail again.
            retry_attempts=0,
            environment={
                **environment,
                "CATALOG_URI": f"s3://{self.feeds.bucket_name}/{config.feed_key}",
                "TREATMENTS_CATALOG_URI": f"s3://{self.feeds.bucket_name}/{config.treatments_feed_key}",
                "AVAILABILITY_URI": f"s3://{self.feeds.bucket_name}/{AVAILABILITY_FEED_KEY}",
                "INDEXER_MAX_INVALID_RATIO": str(config.max_invalid_ratio),
                "INDEXER_MAX_DROP_RATIO": str(config.max_drop_ratio),
                "INDEXER_KEEP": str(config.keep),
                "QUALITY_MIN_SHARES": config.quality_min_shares_variable(),
            },
        )
        function = cast(lambda_.CfnFunction, self.function.node.default_child)
        function.add_property_override("LoggingConfig", identity.logging_config)
        # X-Ray active tracing; the role's grant is the identity's (``tracing=`` would add it twice).
        function.add_property_override("TracingConfig", {"Mode": "Active"})
        target = targets.LambdaFunction(self.function, retry_attempts=0)
        self.schedule = events.Rule(
            self, "Schedule", schedule=events.Schedule.expression(config.schedule), targets=[target]
        )
        self.treatments_schedule = events.Rule(
            self,
            "TreatmentsSchedule",
            schedule=events.Schedule.expression(config.schedule),
            targets=[
                targets.LambdaFunction(
                    self.function,
                    event=events.RuleTargetInput.from_object({"feed": "treatments"}),
                    retry_attempts=0,
                )
            ],
        )
        self.availability_schedule = events.Rule(
            self,
            "AvailabilitySchedule",
            schedule=events.Schedule.expression(AVAILABILITY_SCHEDULE),
            targets=[
                targets.LambdaFunction(
                    self.function,
                    event=events.RuleTargetInput.from_object({"feed": "availability"}),
                    retry_attempts=0,
                )
            ],
        )
        self.new_feed = events.Rule(
            self,
            "NewFeed",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [self.feeds.bucket_name]},
                    "object": {"key": [{"prefix": prefix} for prefix in prefixes]},
                },
            ),
            targets=[target],
        )
