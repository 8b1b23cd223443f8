"""Data rights in the stack: the enquiries' keys-only ``by-email`` index, the admin routes that
API Gateway admits only when SigV4-signed (IAM), and the api role's grants for them."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from chalicelib.tables import BY_EMAIL, ENQUIRIES
from infra.settings import StageName
from tests.infra.conftest import Synthesised
from tests.infra.roles import all_statements, as_list, role_of_function, statements_of_role

ADMIN_METHODS = {("/admin/rights/export", "post"), ("/admin/rights/erase", "post")}


def test_enquiries_table_has_a_keys_only_index_by_email_key(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": ENQUIRIES.partition_key, "KeyType": "HASH"}],
            "AttributeDefinitions": Match.array_with([{"AttributeName": BY_EMAIL.partition_key, "AttributeType": "S"}]),
            "GlobalSecondaryIndexes": Match.array_with(
                [
                    {
                        "IndexName": "by-email",
                        "KeySchema": [
                            {"AttributeName": "email_key", "KeyType": "HASH"},
                            {"AttributeName": "created_at", "KeyType": "RANGE"},
                        ],
                        "Projection": {"ProjectionType": "KEYS_ONLY"},
                    }
                ]
            ),
        },
    )


def _methods(synthesised: Synthesised, stage: StageName) -> dict[tuple[str, str], dict[str, Any]]:
    _, api = synthesised.only(stage, "AWS::Serverless::Api")
    body = api["Properties"]["DefinitionBody"]
    return {
        (path, method): operation
        for path, operations in body["paths"].items()
        for method, operation in operations.items()
        if method != "options" and isinstance(operation, dict)
    }


def test_only_the_admin_routes_require_iam_and_they_do(synthesised: Synthesised, stage: StageName) -> None:
    _, api = synthesised.only(stage, "AWS::Serverless::Api")
    definitions = api["Properties"]["DefinitionBody"].get("securityDefinitions", {})
    sigv4 = {name for name, scheme in definitions.items() if scheme.get("x-amazon-apigateway-authtype") == "awsSigv4"}
    assert sigv4, "no SigV4 (AWS_IAM) security scheme in the API"
    methods = _methods(synthesised, stage)
    assert set(methods) >= ADMIN_METHODS

    secured = {key for key, operation in methods.items() if operation.get("security")}

    assert secured == ADMIN_METHODS
    for key in ADMIN_METHODS:
        schemes = {name for requirement in methods[key]["security"] for name in requirement}
        assert schemes, key
        assert schemes <= sigv4, key  # AWS_IAM and nothing else


def test_api_may_query_only_the_by_email_index_and_delete_enquiries_but_never_scan(
    synthesised: Synthesised, stage: StageName
) -> None:
    role = role_of_function(synthesised, stage, "APIHandler")
    queries: list[str] = []
    deletes: list[str] = []
    for statement in statements_of_role(synthesised, stage, role):
        actions = as_list(statement["Action"])
        resources = [json.dumps(resource) for resource in as_list(statement["Resource"])]
        if "dynamodb:Query" in actions:
            queries += resources
        if "dynamodb:DeleteItem" in actions:
            deletes += resources

    assert len(queries) == 1
    assert queries[0].endswith(f'"/index/{BY_EMAIL.name}"]]}}')
    assert any("DataEnquiries" in resource for resource in deletes)
    assert any("DataRateLimits" in resource for resource in deletes)
    assert not any("dynamodb:Scan" in as_list(statement["Action"]) for statement in all_statements(synthesised, stage))
