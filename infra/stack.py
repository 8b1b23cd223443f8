"""One stage of the backend in one stack: data, search, mail, the Chalice app, the
indexer, the stream wiring, the sweep's schedule, the mail events' subscription, the alarms,
the search analytics' delivery and the on-call dashboard; every function traced with X-Ray."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import Aws, CfnOutput, Environment, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from chalicelib.tables import BY_EMAIL
from chalicelib.tracing import SETTING as XRAY_SUBSEGMENTS
from infra.alarms import Alarms
from infra.analytics import SearchAnalytics
from infra.api import ChaliceApp
from infra.bundle import REPO
from infra.dashboard import OnCallDashboard, alarms_in
from infra.data import Data
from infra.indexing import Indexer
from infra.mail import Mail
from infra.monitoring_enquiries import EnquiryMonitoring
from infra.roles import FunctionIdentity, retention
from infra.search import SearchDomain
from infra.settings import StageConfig, StageName
from infra.stream import connect_stream
from infra.sweep import schedule_sweep

# What the api function does to each table (TransactWriteItems needs the item actions).
ENQUIRY_ACTIONS = ("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DescribeTable")
IDEMPOTENCY_ACTIONS = ("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
RATE_LIMIT_ACTIONS = ("dynamodb:UpdateItem",)
# The suppression list (patients' addresses that bounced or complained) lives in the rate-limits
# table: the intake checks it in the enquiry's own transaction, notify adds to it (chalicelib/enquiries/bounces.py).
SUPPRESSION_CHECK_ACTIONS = ("dynamodb:ConditionCheckItem",)
SUPPRESSION_ADD_ACTIONS = ("dynamodb:PutItem",)
# The data-rights admin routes (IAM-authorised): read and delete one address's enquiries (found
# through the by-email index), their idempotency records (granted above) and its rate counters.
RIGHTS_ENQUIRY_ACTIONS = ("dynamodb:DeleteItem",)
RIGHTS_RATE_LIMIT_ACTIONS = ("dynamodb:GetItem", "dynamodb:DeleteItem")
# notify reads the enquiry and marks its progress.
PROGRESS_ACTIONS = ("dynamodb:GetItem", "dynamodb:UpdateItem")
DEAD_LETTER_ACTIONS = ("sqs:GetQueueUrl", "sqs:SendMessage")
# The api and notify read the link keys' secret (no DescribeSecret, no other secret).
LINK_KEY_ACTIONS = ("secretsmanager:GetSecretValue",)


def chalice_config() -> dict[str, Any]:
    """``.chalice/config.json``: the search alias (the indexer must swap the one the api
    reads) and each stage's API Gateway stage name (the alarms' dimension)."""
    config: dict[str, Any] = json.loads((REPO / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return config


class BackendStack(Stack):
    def __init__(
        self, scope: Construct, stage: StageName, *, app_name: str, config: StageConfig, indexer_code: Path
    ) -> None:
        # The construct id is the Chalice stage (chalice.cdk reads it from the scope).
        super().__init__(
            scope,
            stage,
            stack_name=f"{app_name}-{stage}",
            env=Environment(region=config.region),
            description=f"Find a Specialist backend ({stage})",
        )
        retain = config.retain_data
        chalice = chalice_config()
        alias = str(chalice["environment_variables"]["SEARCH_ALIAS"])
        # The treatments' content: its own alias (``--feed treatments``), read by the api.
        treatments_alias = str(chalice["environment_variables"].get("TREATMENTS_ALIAS", "treatments"))
        log_retention = retention(config.log_retention_days)
        identities = {
            name: FunctionIdentity(self, name, retention_days=config.log_retention_days, retain=retain)
            for name in ("Api", "Notify", "Indexer")
        }
        api, notify, indexer = identities["Api"], identities["Notify"], identities["Indexer"]

        data = Data(self, "Data", retain=retain)
        search = SearchDomain(
            self,
            "Search",
            config=config.search,
            alias=alias,
            treatments_alias=treatments_alias,
            retain=retain,
            readers=[api.role, notify.role],
            content_readers=[api.role],
            writers=[indexer.role],
        )
        mail = Mail(self, "Mail", config=config.mail, name=f"{app_name}-{stage}")
        salt = secretsmanager.Secret(
            self,
            "RateLimitSalt",
            description="Keys the hashes under which enquiry rate-limit counters are stored",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True, include_space=False
            ),
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        # The keys of the team e-mail's links, read by the functions at run time (their
        # environment names the secret, never its value): notify signs links, the api verifies
        # them. Rotation: chalicelib/adapters/secretsmanager_link_keys.py.
        link_keys = secretsmanager.Secret(
            self,
            "EnquiryLinkKeys",
            description='Signs the enquiry e-mail links: {"current": key, "previous": key still accepted}',
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template="{}",  # noqa: S106 - an empty JSON object, not a password
                generate_string_key="current",
                password_length=64,
                exclude_punctuation=True,
                include_space=False,
            ),
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )

        _grant(api.role, data.enquiries.table_arn, ENQUIRY_ACTIONS)
        _grant(api.role, data.idempotency.table_arn, IDEMPOTENCY_ACTIONS)
        _grant(api.role, data.rate_limits.table_arn, RATE_LIMIT_ACTIONS)
        _grant(api.role, data.rate_limits.table_arn, SUPPRESSION_CHECK_ACTIONS)
        _grant(api.role, data.enquiries.table_arn, RIGHTS_ENQUIRY_ACTIONS)
        _grant(api.role, f"{data.enquiries.table_arn}/index/{BY_EMAIL.name}", ("dynamodb:Query",))
        _grant(api.role, data.rate_limits.table_arn, RIGHTS_RATE_LIMIT_ACTIONS)
        _grant(notify.role, data.enquiries.table_arn, PROGRESS_ACTIONS)
        _grant(notify.role, data.dead_letters.queue_arn, DEAD_LETTER_ACTIONS)
        _grant(notify.role, data.rate_limits.table_arn, SUPPRESSION_ADD_ACTIONS)
        mail.grant_send(notify.role)
        for role in (api.role, notify.role):
            _grant(role, link_keys.secret_arn, LINK_KEY_ACTIONS)
        if config.api.place_index:
            place_index_arn = (
                f"arn:{Aws.PARTITION}:geo:{Aws.REGION}:{Aws.ACCOUNT_ID}:place-index/{config.api.place_index}"
            )
            _grant(api.role, place_index_arn, ("geo:SearchPlaceIndexForText",))

        app = ChaliceApp(
            self,
            api=api,
            notify=notify,
            memory_mb=config.api.memory_mb,
            environment={
                "OPENSEARCH_URL": search.endpoint_url,
                "TREATMENTS_ALIAS": treatments_alias,
                "ENQUIRIES_TABLE": data.enquiries.table_name,
                "IDEMPOTENCY_TABLE": data.idempotency.table_name,
                "RATE_LIMIT_TABLE": data.rate_limits.table_name,
                "DEAD_LETTER_QUEUE": data.dead_letters.queue_name,
                "SES_SENDER": config.mail.sender,
                "FALLBACK_TEAM_EMAIL": config.mail.fallback_team_email,
                "SES_CONFIGURATION_SET": mail.configuration_set.configuration_set_name,
                "CORS_ALLOWED_ORIGINS": ",".join(config.api.origins),
                "PLACE_INDEX": config.api.place_index,
                # A CloudFormation dynamic reference, resolved at deploy time: the
                # template and the synthesised files never hold the value.
                "RATE_LIMIT_SALT": salt.secret_value.unsafe_unwrap(),
                # The ARN only: the functions read the keys themselves (never resolved here).
                "ENQUIRY_LINK_SECRET": link_keys.secret_arn,
                "ENQUIRY_LINK_BASE_URL": config.api.enquiry_link_page,
                XRAY_SUBSEGMENTS: "on",
            },
        )
        api_name = f"{app_name}-{stage}"
        app.rest_api.add_property_override("Name", api_name)
        app.configure_gateway(self, config.api, log_retention=log_retention, retain=retain)

        connect_stream(
            self,
            function_arn=app.notify_function.get_att("Arn").to_string(),
            role=notify.role,
            table=data.enquiries,
            dead_letters=data.dead_letters,
            config=config.notify,
        )

        schedule_sweep(
            self, function_arn=app.notify_function.get_att("Arn").to_string(), role=notify.role, table=data.enquiries
        )

        # notify's third trigger: SES's bounce and complaint notifications, through the mail topic.
        mail.deliver_events(function_arn=app.notify_function.get_att("Arn").to_string(), role=notify.role)

        indexing = Indexer(
            self,
            "Reindex",
            config=config.indexer,
            identity=indexer,
            code=indexer_code,
            environment={
                "STAGE": stage,
                "OPENSEARCH_URL": search.endpoint_url,
                "SEARCH_ALIAS": alias,
                "TREATMENTS_ALIAS": treatments_alias,
                "INDEX_REPLICAS": str(config.search.index_replicas),
                # Where the catalog may send enquiries: a line naming any other domain is invalid.
                "ENQUIRY_EMAIL_DOMAINS": ",".join(config.indexer.enquiry_email_domains),
                XRAY_SUBSEGMENTS: "on",
            },
            retain=retain,
        )

        alarms = Alarms(self, "Alarms", config=config)
        alarms.api(api_name, str(chalice["stages"][stage]["api_gateway_stage"]))
        alarms.dead_letters(data.dead_letters)
        alarms.notify(app.notify_function.ref)
        alarms.indexer(indexing.function, indexing.schedule)
        alarms.search(config.search.domain_name)
        alarms.mail()
        alarms.analytics()
        alarms.sweep_backlog()
        enquiry_monitoring = EnquiryMonitoring(self, "EnquiryMonitoring", topic=alarms.topic)

        # The api's UBI log lines → Firehose → S3, read with Athena (docs/infra.md, "Search analytics").
        analytics = SearchAnalytics(
            self, "Analytics", source=api.log_group, name=api_name, log_retention=log_retention, retain=retain
        )
        alarms.analytics_delivery(analytics.stream.ref)

        # Last: it shows every alarm built above.
        OnCallDashboard(self, "OnCall", name=api_name, alarms=alarms_in(self), rows=enquiry_monitoring.widgets)

        CfnOutput(self, "FeedBucket", value=indexing.feeds.bucket_name)
        CfnOutput(self, "AnalyticsBucket", value=analytics.bucket.bucket_name)
        CfnOutput(self, "OnCallTopic", value=alarms.topic.topic_arn)
        CfnOutput(self, "SearchEndpoint", value=search.endpoint_url)


def _grant(role: iam.IRole, resource: str, actions: tuple[str, ...]) -> None:
    role.add_to_principal_policy(iam.PolicyStatement(actions=list(actions), resources=[resource]))
