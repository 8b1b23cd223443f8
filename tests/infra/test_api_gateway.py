"""API Gateway in front of the api function: throttling, gateway responses, CORS, access
logs, WAF; and the settings both Chalice functions are given."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from chalicelib.config import load_settings
from chalicelib.errors import GATEWAY_RESPONSES
from infra.settings import StageConfig, StageName
from tests.infra.conftest import Synthesised

# $context variables an access log line may carry: nothing from the query string, the
# body, the concrete path or the caller (IP, user agent).
ALLOWED_LOG_VARIABLES = {
    "$context.requestId",
    "$context.requestTimeEpoch",
    "$context.httpMethod",
    "$context.resourcePath",
    "$context.status",
    "$context.responseLength",
    "$context.responseLatency",
    "$context.integrationLatency",
    "$context.error.responseType",
    "$context.waf.status",
}


def _rest_api(synthesised: Synthesised, stage: StageName) -> dict[str, Any]:
    _, api = synthesised.only(stage, "AWS::Serverless::Api")
    properties: dict[str, Any] = api["Properties"]
    return properties


def test_stage_throttles_every_method_and_the_click_events_lower(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    api = stage_config.api
    settings = _rest_api(synthesised, stage)["MethodSettings"]

    assert settings == [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": api.throttle_rate_per_second,
            "ThrottlingBurstLimit": api.throttle_burst,
            "DataTraceEnabled": False,
        },
        {
            "ResourcePath": "/~1events",  # a method setting writes the path's slashes as ~1
            "HttpMethod": "POST",
            "ThrottlingRateLimit": api.events_throttle_rate_per_second,
            "ThrottlingBurstLimit": api.events_throttle_burst,
            "DataTraceEnabled": False,
        },
    ]
    assert api.events_throttle_rate_per_second < api.throttle_rate_per_second
    assert api.events_throttle_burst < api.throttle_burst


def test_every_throttled_method_is_a_route_of_the_api(synthesised: Synthesised, stage: StageName) -> None:
    """A method setting naming no route fails the deploy: the route must be in Chalice's definition."""
    api = _rest_api(synthesised, stage)
    routes = {(path, method.upper()) for path, methods in api["DefinitionBody"]["paths"].items() for method in methods}

    for setting in api["MethodSettings"]:
        if setting["ResourcePath"] != "/*":
            path = setting["ResourcePath"][1:].replace("~1", "/")  # "/~1events" is "/events"
            assert (path, setting["HttpMethod"]) in routes, setting


def test_unknown_paths_answer_the_shared_404_body(synthesised: Synthesised, stage: StageName) -> None:
    responses = _rest_api(synthesised, stage)["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    for kind, (status, body) in GATEWAY_RESPONSES.items():
        assert responses[kind]["statusCode"] == str(status)
        assert json.loads(responses[kind]["responseTemplates"]["application/json"]) == body
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"


@pytest.mark.parametrize("kind", ["DEFAULT_4XX", "DEFAULT_5XX", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED"])
def test_gateway_errors_carry_cors_for_the_configured_origin_and_the_error_shape(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig, kind: str
) -> None:
    response = _rest_api(synthesised, stage)["DefinitionBody"]["x-amazon-apigateway-gateway-responses"][kind]
    headers = response["responseParameters"]
    assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == f"'{stage_config.api.origins[0]}'"
    assert headers["gatewayresponse.header.Vary"] == "'Origin'"
    assert headers["gatewayresponse.header.X-Content-Type-Options"] == "'nosniff'"
    # $context.error.messageString is already a JSON string; stand one in to parse the shape.
    body = response["responseTemplates"]["application/json"].replace("$context.error.messageString", '"x"')
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message", "field"}
    assert re.fullmatch(r"[a-z_]+", error["code"])
    if kind == "DEFAULT_5XX":
        assert error["code"] == "internal_error"


def test_access_logs_leave_out_query_strings_bodies_and_callers(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    setting = _rest_api(synthesised, stage)["AccessLogSetting"]
    variables = set(re.findall(r"\$context\.[A-Za-z.]+", setting["Format"]))
    assert variables <= ALLOWED_LOG_VARIABLES
    assert "$context.requestId" in variables
    log_group = setting["DestinationArn"]["Fn::Sub"][1]["Name"]["Ref"]
    groups = synthesised.resources(stage, "AWS::Logs::LogGroup")
    assert groups[log_group]["Properties"]["RetentionInDays"] == stage_config.log_retention_days


def test_api_is_regional_and_named_per_stage(synthesised: Synthesised, stage: StageName) -> None:
    api = _rest_api(synthesised, stage)
    assert api["EndpointConfiguration"] == "REGIONAL"
    assert api["Name"] == f"find-a-specialist-{stage}"


def test_prod_puts_a_rate_based_web_acl_in_front_and_dev_has_none(
    template: Template, stage: StageName, stage_config: StageConfig
) -> None:
    limit = stage_config.api.waf_requests_per_5_minutes
    if limit is None:
        template.resource_count_is("AWS::WAFv2::WebACL", 0)
        return
    template.has_resource_properties(
        "AWS::WAFv2::WebACL",
        {
            "Scope": "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "Rules": [
                Match.object_like(
                    {
                        "Action": {"Block": {}},
                        "Statement": {"RateBasedStatement": {"Limit": limit, "AggregateKeyType": "IP"}},
                    }
                )
            ],
        },
    )
    template.has_resource_properties(
        "AWS::WAFv2::WebACLAssociation",
        {"ResourceArn": {"Fn::Sub": Match.string_like_regexp(r"/restapis/\$\{RestAPI\}/stages/\$\{RestAPI\.Stage\}$")}},
    )
    assert stage == "prod"


# Values Lambda and CloudFormation would put in place of the template's references.
_RESOLVED = {
    "OPENSEARCH_URL": "https://search-fas.eu-west-2.es.amazonaws.com",
    "ENQUIRIES_TABLE": "stack-enquiries-1",
    "IDEMPOTENCY_TABLE": "stack-idempotency-1",
    "RATE_LIMIT_TABLE": "stack-rate-limits-1",
    "DEAD_LETTER_QUEUE": "stack-dead-letters-1",
    "SES_CONFIGURATION_SET": "find-a-specialist-dev",
    "RATE_LIMIT_SALT": "s" * 48,
    "ENQUIRY_LINK_SECRET": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:EnquiryLinkKeys-AbCdEf",
}


@pytest.mark.parametrize("handler", ["app.app", "app.notify"])
def test_chalice_functions_get_every_setting_config_reads(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig, handler: str
) -> None:
    functions = synthesised.resources(stage, "AWS::Serverless::Function").values()
    (function,) = [f for f in functions if f["Properties"]["Handler"] == handler]
    variables: dict[str, Any] = function["Properties"]["Environment"]["Variables"]
    assert variables["STAGE"] == stage
    assert variables["CORS_ALLOWED_ORIGINS"] == ",".join(stage_config.api.origins)
    environ = {key: value if isinstance(value, str) else _RESOLVED[key] for key, value in variables.items()}
    settings = load_settings({**environ, "AWS_REGION": stage_config.region})
    assert settings.signs_search_requests


def test_rate_limit_salt_is_generated_by_secrets_manager_and_never_written(
    synthesised: Synthesised, stage: StageName, template: Template
) -> None:
    (secret,) = [key for key in synthesised.resources(stage, "AWS::SecretsManager::Secret") if "RateLimitSalt" in key]
    properties = synthesised.templates[stage]["Resources"][secret]
    assert "SecretString" not in properties["Properties"]
    assert properties["Properties"]["GenerateSecretString"]["PasswordLength"] >= 16
    template.has_resource_properties(
        "AWS::Serverless::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "RATE_LIMIT_SALT": {
                            "Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret}, ":SecretString:::}}"]]
                        }
                    }
                )
            }
        },
    )
    assert "local-stack-only-not-a-secret" not in json.dumps(synthesised.templates[stage])
