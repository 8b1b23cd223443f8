"""The Chalice app (the api function behind API Gateway, and ``notify``) deployed through
``chalice.cdk``, with our roles, log groups, stage throttling, access logs, gateway
responses and an optional WAF web ACL.

``chalice package`` runs during the synth and writes a SAM template that the construct
includes; resources keep Chalice's logical ids (``APIHandler``, ``Notify``, ``RestAPI``).
Its deployment zip is finished first (``infra/lambda_package.py``: compiled bytecode, and
no unused distributions).
"""

from __future__ import annotations

from aws_cdk import Fn, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.bundle import REPO
from infra.gateway import ACCESS_LOG_FORMAT, gateway_responses
from infra.lambda_package import CompiledChalice
from infra.roles import FunctionIdentity
from infra.settings import ApiConfig

API_FUNCTION = "APIHandler"
NOTIFY_FUNCTION = "Notify"
REST_API = "RestAPI"
# Chalice's stage config must name a role when it does not manage one; every function's
# Role is then replaced with the role made here (the tests check none keeps this).
_UNUSED_ROLE = "arn:aws:iam::000000000000:role/replaced-by-cdk"
# The click events' route (app.py's POST /events), throttled apart from the stage's other
# methods; a stage's method setting writes each slash of the path as ``~1``, after a slash.
EVENTS_RESOURCE_PATH = "/~1events"


class ChaliceApp:
    """Not a construct of its own: ``chalice.cdk`` takes the Chalice stage from its
    scope's path, so the construct must sit directly in the stack named after the stage."""

    def __init__(
        self,
        stack: Stack,
        *,
        api: FunctionIdentity,
        notify: FunctionIdentity,
        environment: dict[str, str],
        memory_mb: int,
    ) -> None:
        self.chalice = CompiledChalice(
            stack,
            "ChaliceApp",
            source_dir=str(REPO),
            stage_config={
                "manage_iam_role": False,
                "iam_role_arn": _UNUSED_ROLE,
                "api_gateway_endpoint_type": "REGIONAL",
            },
        )
        self.api_function = self.chalice.get_resource(API_FUNCTION)
        self.notify_function = self.chalice.get_resource(NOTIFY_FUNCTION)
        self.rest_api = self.chalice.get_resource(REST_API)
        # API Gateway's part of each trace, before the api function's.
        self.rest_api.add_property_override("TracingEnabled", True)
        self.api_function.add_property_override("MemorySize", memory_mb)
        for name, identity in ((API_FUNCTION, api), (NOTIFY_FUNCTION, notify)):
            function = self.chalice.get_resource(name)
            function.add_property_override("Role", identity.role.role_arn)
            function.add_property_override("LoggingConfig", identity.logging_config)
            function.add_property_override("Tracing", "Active")  # X-Ray (chalicelib/tracing.py)
            # The role's policies must exist before the function first runs (the role
            # itself is already a dependency through the reference above).
            function.node.add_dependency(identity.policy)
            for key, value in environment.items():
                self.chalice.add_environment_variable(key, value, name)

    def configure_gateway(
        self, scope: Construct, config: ApiConfig, *, log_retention: logs.RetentionDays, retain: bool
    ) -> None:
        access_logs = logs.LogGroup(
            scope,
            "ApiAccessLogs",
            retention=log_retention,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        self.rest_api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": Fn.sub(
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}",
                    {"Name": access_logs.log_group_name},
                ),
                "Format": ACCESS_LOG_FORMAT,
            },
        )
        self.rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": config.throttle_rate_per_second,
                    "ThrottlingBurstLimit": config.throttle_burst,
                    "DataTraceEnabled": False,
                },
                {
                    "ResourcePath": EVENTS_RESOURCE_PATH,
                    "HttpMethod": "POST",
                    "ThrottlingRateLimit": config.events_throttle_rate_per_second,
                    "ThrottlingBurstLimit": config.events_throttle_burst,
                    "DataTraceEnabled": False,
                },
            ],
        )
        self.rest_api.add_property_override(
            "DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses(config.origins[0])
        )
        if config.manage_api_gateway_logging_role:
            self._logging_role(scope)
        if config.waf_requests_per_5_minutes is not None:
            self._web_acl(scope, config.waf_requests_per_5_minutes)

    @property
    def stage_arn(self) -> str:
        # SAM resolves "RestAPI.Stage" to the stage it generates, and depends on it.
        return Fn.sub("arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/${RestAPI.Stage}")

    def _logging_role(self, scope: Construct) -> None:
        """API Gateway writes access logs with the account's CloudWatch role."""
        role = iam.Role(
            scope,
            "ApiGatewayLoggingRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        account = apigateway.CfnAccount(scope, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
        self.rest_api.node.add_dependency(account)

    def _web_acl(self, scope: Construct, limit: int) -> None:
        visibility = wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True, metric_name="api", sampled_requests_enabled=True
        )
        acl = wafv2.CfnWebACL(
            scope,
            "ApiWebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility,
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="per-ip-rate",
                    priority=0,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=limit, aggregate_key_type="IP"
                        )
                    ),
                    visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                        cloud_watch_metrics_enabled=True, metric_name="per-ip-rate", sampled_requests_enabled=True
                    ),
                )
            ],
        )
        wafv2.CfnWebACLAssociation(scope, "ApiWebAclAssociation", resource_arn=self.stage_arn, web_acl_arn=acl.attr_arn)
