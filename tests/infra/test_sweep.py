"""The sweep: notify's second trigger (a schedule), the enquiries' sparse "unsent" index it
queries, and the one grant it adds."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from chalicelib.tables import AWAITING_REPLY, ENQUIRIES, UNSENT
from infra.settings import StageName
from infra.sweep import SWEEP_SCHEDULE
from tests.infra.conftest import Synthesised
from tests.infra.roles import as_list, function_id, role_of_function, statements_of_role


def _sweep_rule(synthesised: Synthesised, stage: StageName) -> tuple[str, dict[str, Any]]:
    notify = {"Fn::GetAtt": [function_id(synthesised, stage, "Notify"), "Arn"]}
    found = [
        (key, rule["Properties"])
        for key, rule in synthesised.resources(stage, "AWS::Events::Rule").items()
        if any(target["Arn"] == notify for target in rule["Properties"]["Targets"])
    ]
    assert len(found) == 1, found
    return found[0]


def test_a_schedule_every_five_minutes_invokes_notify_once_per_run(synthesised: Synthesised, stage: StageName) -> None:
    _, rule = _sweep_rule(synthesised, stage)

    assert SWEEP_SCHEDULE == "rate(5 minutes)"
    assert rule["ScheduleExpression"] == SWEEP_SCHEDULE
    assert rule["State"] == "ENABLED"
    assert "EventPattern" not in rule
    (target,) = rule["Targets"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 0}  # the next run comes within minutes
    assert "Input" not in target  # notify tells the scheduled event by its own shape


def test_eventbridge_may_invoke_notify_from_that_rule_only(
    template: Template, synthesised: Synthesised, stage: StageName
) -> None:
    rule, _ = _sweep_rule(synthesised, stage)
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [function_id(synthesised, stage, "Notify"), "Arn"]},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [rule, "Arn"]},
        },
    )


def test_enquiries_table_has_sparse_keys_only_indexes_of_the_unsent_and_the_awaiting_reply(
    template: Template,
) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": ENQUIRIES.partition_key, "KeyType": "HASH"}],
            "AttributeDefinitions": Match.array_with(
                [
                    {"AttributeName": UNSENT.partition_key, "AttributeType": "S"},
                    {"AttributeName": UNSENT.sort_key, "AttributeType": "S"},
                    {"AttributeName": AWAITING_REPLY.partition_key, "AttributeType": "S"},
                    {"AttributeName": AWAITING_REPLY.sort_key, "AttributeType": "S"},
                ]
            ),
            "GlobalSecondaryIndexes": Match.array_with(  # beside data rights' by-email index
                [
                    {
                        "IndexName": index.name,
                        "KeySchema": [
                            {"AttributeName": index.partition_key, "KeyType": "HASH"},
                            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                        ],
                        "Projection": {"ProjectionType": "KEYS_ONLY"},
                    }
                    for index in (UNSENT, AWAITING_REPLY)
                ]
            ),
        },
    )
    assert (UNSENT.sort_key, AWAITING_REPLY.sort_key) == ("created_at", "due_at")
    assert ENQUIRIES.sparse_indexes == (UNSENT, AWAITING_REPLY)


def test_notify_may_query_the_two_sweep_indexes_and_nothing_else(synthesised: Synthesised, stage: StageName) -> None:
    role = role_of_function(synthesised, stage, "Notify")
    queries = [
        statement
        for statement in statements_of_role(synthesised, stage, role)
        if "dynamodb:Query" in as_list(statement["Action"])
    ]
    (table,) = [key for key in synthesised.resources(stage, "AWS::DynamoDB::Table") if key.startswith("DataEnquiries")]

    assert len(queries) == 1
    assert as_list(queries[0]["Action"]) == ["dynamodb:Query"]
    assert as_list(queries[0]["Resource"]) == [
        {"Fn::Join": ["", [{"Fn::GetAtt": [table, "Arn"]}, f"/index/{index.name}"]]}
        for index in (UNSENT, AWAITING_REPLY)
    ]
    api_role = role_of_function(synthesised, stage, "APIHandler")
    api_queries = json.dumps(
        [s for s in statements_of_role(synthesised, stage, api_role) if "dynamodb:Query" in as_list(s["Action"])]
    )
    # The api queries data rights' by-email index only (tests/infra/test_data_rights.py), never the sweep's.
    assert not any(f"/index/{index.name}" in api_queries for index in (UNSENT, AWAITING_REPLY))
