"""One execution role per function, each starting with nothing but its own log group.

Every other permission is added by the construct that owns the resource, naming it
(a table, the stream, the domain, the queue, the SES identity); nothing here uses a
managed policy or a ``*`` action. The one ``*`` resource is X-Ray's: sending trace segments
has no resource to name (every function runs with active tracing).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from infra.settings import LogRetentionDays

# What active tracing needs (X-Ray's write actions support no resource-level permission).
XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")

_RETENTION: dict[int, logs.RetentionDays] = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


def retention(days: LogRetentionDays) -> logs.RetentionDays:
    return _RETENTION[days]


class FunctionIdentity(Construct):
    """A function's role and its log group (with retention, created before the function
    so Lambda never creates one that keeps logs forever), and its traces' writes."""

    def __init__(self, scope: Construct, construct_id: str, *, retention_days: LogRetentionDays, retain: bool) -> None:
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=retention(retention_days),
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id} function: its own log group and the resources it names",
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self.role.add_to_principal_policy(iam.PolicyStatement(actions=list(XRAY_ACTIONS), resources=["*"]))

    @property
    def logging_config(self) -> dict[str, str]:
        """The function's ``LoggingConfig``: its own group, JSON lines, and INFO from our code.

        Without ``ApplicationLogLevel`` the Python runtime leaves the root logger at
        WARNING, and the info lines (notify's "e-mail sent", the indexer's run summary)
        would be dropped; the level applies only with the JSON format.
        """
        return {
            "LogGroup": self.log_group.log_group_name,
            "LogFormat": "JSON",
            "ApplicationLogLevel": "INFO",
            "SystemLogLevel": "WARN",
        }

    @property
    def policy(self) -> IConstruct:
        """The role's policy: what a function using the role must wait for."""
        return self.role.node.find_child("DefaultPolicy")
