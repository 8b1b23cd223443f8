"""The DynamoDB tables (enquiries, idempotency, rate limits) and notify's dead-letter queue.

Key schemas, TTL attributes and the enquiries' sparse "unsent" index come from
:mod:`chalicelib.tables`, the same place the store adapters and the local provisioning read
them from.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.tables import ENQUIRIES, IDEMPOTENCY, RATE_LIMITS, TableSpec

DLQ_RETENTION = Duration.days(14)


class Data(Construct):
    """Everything that holds patients' enquiries or their traces."""

    def __init__(self, scope: Construct, construct_id: str, *, retain: bool) -> None:
        super().__init__(scope, construct_id)
        self._retain = retain
        self.enquiries = self._table("Enquiries", ENQUIRIES)
        self.idempotency = self._table("Idempotency", IDEMPOTENCY)
        self.rate_limits = self._table("RateLimits", RATE_LIMITS)
        # E-mails that could not be sent (from notify itself) and stream batches that
        # failed every retry (the event source mapping's on-failure destination).
        self.dead_letters = sqs.Queue(
            self,
            "NotifyDeadLetters",
            encryption=sqs.QueueEncryption.KMS_MANAGED,
            retention_period=DLQ_RETENTION,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )

    def _table(self, construct_id: str, spec: TableSpec) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            construct_id,
            partition_key=dynamodb.Attribute(name=spec.partition_key, type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute=spec.ttl_attribute,
            stream=dynamodb.StreamViewType.NEW_IMAGE if spec.stream_new_images else None,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=self._retain,
            removal_policy=RemovalPolicy.RETAIN if self._retain else RemovalPolicy.DESTROY,
        )
        for index in spec.indexes:  # one new index per deploy: DynamoDB adds one GSI per table update
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.partition_key, type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=index.sort_key, type=dynamodb.AttributeType.STRING),
                # Keys only: the sweep and data rights read each enquiry itself; no personal data is copied.
                projection_type=dynamodb.ProjectionType.KEYS_ONLY,
            )
        # AWS_MANAGED renders as SSEEnabled alone, which means KMS; say so in the template.
        cfn_table = table.node.default_child
        assert isinstance(cfn_table, dynamodb.CfnTable)
        cfn_table.add_property_override("SSESpecification.SSEType", "KMS")
        return table
