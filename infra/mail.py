"""SES: the sending identity and a configuration set whose bounce and complaint events
become CloudWatch metrics and, through an SNS topic, reach the ``notify`` function.

The configuration set does not override suppression: the account-level suppression
list (bounces and complaints) applies, so an address that bounced is not mailed again.
It requires TLS to the receiving server: a team e-mail carries a patient's message,
which may hold health details, so SES must not fall back to plain SMTP.

The bounce and complaint notifications name the recipient (a patient's or a team's
address), so their topic is encrypted with a key of this stack: SES cannot publish to a
topic under the AWS-managed SNS key, whose policy admits no service principal. The key's
policy lets SES encrypt for this configuration set only; SNS decrypts before it invokes
``notify``, which needs no KMS grant. Only SES, from this configuration set, may publish to
the topic (the statement CDK adds to the topic policy), and only over TLS.
"""

from __future__ import annotations

from aws_cdk import Aws, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra.settings import MailConfig

TRACKED_EVENTS = (ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT)
# What SES needs of the topic's key to publish (AWS's documented key policy for SES → SNS).
SES_KEY_ACTIONS = ("kms:GenerateDataKey*", "kms:Decrypt")


class Mail(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: MailConfig, name: str) -> None:
        super().__init__(scope, construct_id)
        self.configuration_set = ses.ConfigurationSet(
            self, "ConfigurationSet", configuration_set_name=name, tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE
        )
        self.identity_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/{config.identity}"
        self.configuration_set_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:configuration-set/{name}"
        self.configuration_set.add_event_destination(
            "BouncesAndComplaints",
            destination=ses.EventDestination.cloud_watch_dimensions(
                [
                    ses.CloudWatchDimension(
                        name="ses:configuration-set",
                        source=ses.CloudWatchDimensionSource.MESSAGE_TAG,
                        default_value=name,
                    )
                ]
            ),
            events=list(TRACKED_EVENTS),
        )

        # Nothing is stored under the key (SNS does not keep messages), so it goes with the stack.
        self.events_key = kms.Key(
            self,
            "EventsKey",
            description=f"Encrypts the SES bounce and complaint notifications of {name}",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.events_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="SesPublishesBouncesAndComplaints",
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=list(SES_KEY_ACTIONS),
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": Aws.ACCOUNT_ID,
                        "aws:SourceArn": self.configuration_set_arn,
                    }
                },
            )
        )
        self.events = sns.Topic(
            self,
            "Events",
            display_name=f"{name} SES bounces and complaints",
            master_key=self.events_key,
            enforce_ssl=True,
        )
        # CDK adds the topic policy statement: ses.amazonaws.com may sns:Publish, conditioned on
        # this account and this configuration set.
        self.configuration_set.add_event_destination(
            "BouncesAndComplaintsToNotify",
            destination=ses.EventDestination.sns_topic(self.events),
            events=list(TRACKED_EVENTS),
        )

        identity = (
            ses.Identity.email(config.identity) if "@" in config.identity else ses.Identity.domain(config.identity)
        )
        ses.EmailIdentity(self, "Identity", identity=identity, configuration_set=self.configuration_set)

    def grant_send(self, role: iam.IRole) -> None:
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["ses:SendEmail"], resources=[self.identity_arn, self.configuration_set_arn])
        )

    def deliver_events(self, *, function_arn: str, role: iam.IRole) -> sns.Subscription:
        """Subscribe ``notify`` (by ARN: chalice.cdk made it) to the bounce and complaint topic.

        SNS may invoke it from this topic only (the permission's source ARN). SNS invokes it
        asynchronously: a run that fails is retried twice by Lambda, then dropped (the account's
        suppression list still holds a bounced address; ``SesBounceRate`` still counts it).
        """
        function = lambda_.Function.from_function_attributes(
            self, "NotifyEventsTarget", function_arn=function_arn, role=role, same_environment=True
        )
        return self.events.add_subscription(subscriptions.LambdaSubscription(function))
