"""DynamoDB tables and the dead-letter queue."""

from __future__ import annotations

from aws_cdk.assertions import Match, Template

from chalicelib.tables import ENQUIRIES, IDEMPOTENCY, RATE_LIMITS
from infra.settings import StageConfig, StageName
from tests.infra.conftest import Synthesised

FOURTEEN_DAYS_S = 14 * 24 * 3600


def test_enquiries_table_streams_new_images_with_recovery_kms_and_ttl(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": ENQUIRIES.partition_key, "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
            "TimeToLiveSpecification": {"AttributeName": ENQUIRIES.ttl_attribute, "Enabled": True},
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


def test_idempotency_and_rate_limit_tables_expire_items_and_bill_on_demand(template: Template) -> None:
    for spec in (IDEMPOTENCY, RATE_LIMITS):
        template.has_resource_properties(
            "AWS::DynamoDB::Table",
            {
                "KeySchema": [{"AttributeName": spec.partition_key, "KeyType": "HASH"}],
                "TimeToLiveSpecification": {"AttributeName": spec.ttl_attribute, "Enabled": True},
                "BillingMode": "PAY_PER_REQUEST",
                "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},
                "StreamSpecification": Match.absent(),
            },
        )
    template.resource_count_is("AWS::DynamoDB::Table", 3)


def test_prod_tables_survive_stack_deletion_and_dev_tables_do_not(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    tables = synthesised.resources(stage, "AWS::DynamoDB::Table")
    expected = "Retain" if stage == "prod" else "Delete"
    assert stage_config.retain_data is (stage == "prod")
    assert {table["DeletionPolicy"] for table in tables.values()} == {expected}
    assert {table["UpdateReplacePolicy"] for table in tables.values()} == {expected}
    assert {table["Properties"]["DeletionProtectionEnabled"] for table in tables.values()} == {stage == "prod"}


def test_dead_letter_queue_is_kms_encrypted_keeps_14_days_and_refuses_plain_http(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SQS::Queue", {"KmsMasterKeyId": "alias/aws/sqs", "MessageRetentionPeriod": FOURTEEN_DAYS_S}
    )
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )
