"""One role per function, least privilege: named resources, no wildcard action (but X-Ray's
trace writes, which name no resource)."""

from __future__ import annotations

from typing import Any

from infra.roles import XRAY_ACTIONS
from infra.settings import StageName
from infra.stack import chalice_config
from tests.infra.conftest import Synthesised
from tests.infra.roles import all_statements, as_list, role_of_function, statements_of_role

FUNCTIONS = ("APIHandler", "Notify", "ReindexFunction")


def test_each_function_has_a_role_of_its_own(synthesised: Synthesised, stage: StageName) -> None:
    roles = [role_of_function(synthesised, stage, name) for name in FUNCTIONS]
    assert len(set(roles)) == len(FUNCTIONS)
    for role in roles:
        properties = synthesised.templates[stage]["Resources"][role]["Properties"]
        assert "ManagedPolicyArns" not in properties
        principal = properties["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        assert principal == {"Service": "lambda.amazonaws.com"}


def test_no_statement_allows_a_wildcard_action_or_resource(synthesised: Synthesised, stage: StageName) -> None:
    statements = list(all_statements(synthesised, stage))
    assert len(statements) > 10
    allowed = [statement for statement in statements if statement["Effect"] == "Allow"]
    for statement in allowed:
        assert "NotAction" not in statement
        assert "NotResource" not in statement
        for action in as_list(statement["Action"]):
            assert not action.endswith("*"), statement
        for resource in as_list(statement.get("Resource", [])):
            assert resource != "*" or set(as_list(statement["Action"])) <= set(XRAY_ACTIONS), statement
    # Wildcards appear only in denials (TLS-only bucket and queue policies).
    denied = [statement for statement in statements if statement["Effect"] == "Deny"]
    assert all(statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for statement in denied)


def _grants(synthesised: Synthesised, stage: StageName, function: str) -> dict[str, set[str]]:
    """Action → the resources (rendered as JSON text) it is granted on."""
    role = role_of_function(synthesised, stage, function)
    grants: dict[str, set[str]] = {}
    for statement in statements_of_role(synthesised, stage, role):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            grants.setdefault(action, set()).update(_show(resource) for resource in as_list(statement["Resource"]))
    return grants


def _show(resource: Any) -> str:
    import json

    return json.dumps(resource, sort_keys=True)


def _ref(kind: str, synthesised: Synthesised, stage: StageName, prefix: str, attribute: str = "Arn") -> str:
    found = [key for key in synthesised.resources(stage, kind) if key.startswith(prefix)]
    assert len(found) == 1, found
    return _show({"Fn::GetAtt": [found[0], attribute]})


def test_api_role_names_its_three_tables_and_nothing_else_writable(synthesised: Synthesised, stage: StageName) -> None:
    grants = _grants(synthesised, stage, "APIHandler")
    tables = {
        _ref("AWS::DynamoDB::Table", synthesised, stage, name)
        for name in ("DataEnquiries", "DataIdempotency", "DataRateLimits")
    }
    assert grants["dynamodb:UpdateItem"] == tables
    assert grants["dynamodb:PutItem"] == tables - {_ref("AWS::DynamoDB::Table", synthesised, stage, "DataRateLimits")}
    assert not any(action.startswith(("ses:", "sqs:", "s3:")) for action in grants)
    # The intake checks the suppression list (in the rate-limits table) inside its transaction.
    assert grants["dynamodb:ConditionCheckItem"] == {_ref("AWS::DynamoDB::Table", synthesised, stage, "DataRateLimits")}
    _assert_reads_only_the_alias(grants, treatments=True)


def test_notify_role_names_the_stream_the_queue_and_the_identity(synthesised: Synthesised, stage: StageName) -> None:
    grants = _grants(synthesised, stage, "Notify")
    stream = _ref("AWS::DynamoDB::Table", synthesised, stage, "DataEnquiries", "StreamArn")
    queue = _ref("AWS::SQS::Queue", synthesised, stage, "DataNotifyDeadLetters")
    for action in ("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"):
        assert grants[action] == {stream}
    table = _ref("AWS::DynamoDB::Table", synthesised, stage, "DataEnquiries")
    (streams,) = grants["dynamodb:ListStreams"]
    assert table in streams
    assert streams.endswith('"/stream/*"]]}')
    assert grants["sqs:SendMessage"] == {queue}
    (identity, configuration_set) = sorted(grants["ses:SendEmail"])
    config = synthesised.config.stages[stage]
    assert f":configuration-set/find-a-specialist-{stage}" in identity + configuration_set
    assert f":identity/{config.mail.identity}" in identity + configuration_set
    # The only item notify creates: a suppression-list entry in the rate-limits table.
    assert grants["dynamodb:PutItem"] == {_ref("AWS::DynamoDB::Table", synthesised, stage, "DataRateLimits")}
    assert "dynamodb:DeleteItem" not in grants
    _assert_reads_only_the_alias(grants)


def _assert_reads_only_the_alias(grants: dict[str, set[str]], *, treatments: bool = False) -> None:
    """Searches, gets and the health check: no verb that writes, and POST only to ``_search``
    and ``_msearch`` (of the specialists' alias, and with ``treatments`` of the treatments')."""
    alias = chalice_config()["environment_variables"]["SEARCH_ALIAS"]
    assert not {"es:ESHttpDelete", "es:ESHttpPut", "es:ESHttpHead"} & set(grants)
    posts = {f'/{alias}/_search"]]}}', f'/{alias}/_msearch"]]}}'}
    gets = {*posts, f'/{alias}/_doc/*"]]}}', '/_cluster/health"]]}'}
    if treatments:
        posts.add('/treatments/_search"]]}')
        gets |= {'/treatments/_search"]]}', '/treatments/_doc/*"]]}'}
    for action, ends in (("es:ESHttpPost", posts), ("es:ESHttpGet", gets)):
        assert len(grants[action]) == len(ends), grants[action]
        assert all(any(resource.endswith(end) for resource in grants[action]) for end in ends), grants[action]


def test_indexer_role_reads_feeds_under_the_prefix_and_writes_only_the_domain(
    synthesised: Synthesised, stage: StageName
) -> None:
    grants = _grants(synthesised, stage, "ReindexFunction")
    config = synthesised.config.stages[stage]
    objects = grants["s3:GetObject"]  # the catalog's prefix, the treatments', the availability feed's
    assert len(objects) == 3
    for prefix in (config.indexer.feed_prefix, "treatments/", "availability/"):
        assert any(f"/{prefix}*" in resource for resource in objects), objects
    (domain,) = grants["es:ESHttpPut"]
    assert f":domain/{config.search.domain_name}/*" in domain
    assert not any(action.startswith(("dynamodb:", "ses:", "sqs:")) for action in grants)


def test_every_function_writes_only_its_own_log_group(synthesised: Synthesised, stage: StageName) -> None:
    groups = set()
    for function in FUNCTIONS:
        (group,) = _grants(synthesised, stage, function)["logs:PutLogEvents"]
        groups.add(group)
    assert len(groups) == len(FUNCTIONS)
