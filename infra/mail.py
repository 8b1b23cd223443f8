"""SES: the sending identity and a configuration set whose bounce and complaint events
become CloudWatch metrics.

The configuration set does not override suppression: the account-level suppression
list (bounces and complaints) applies, so an address that bounced is not mailed again.
It requires TLS to the receiving server: a team e-mail carries a patient's message,
which may hold health details, so SES must not fall back to plain SMTP.
"""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from constructs import Construct

from infra.settings import MailConfig

TRACKED_EVENTS = (ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT)


class Mail(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: MailConfig, name: str) -> None:
        super().__init__(scope, construct_id)
        self.configuration_set = ses.ConfigurationSet(
            self, "ConfigurationSet", configuration_set_name=name, tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE
        )
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
        identity = (
            ses.Identity.email(config.identity) if "@" in config.identity else ses.Identity.domain(config.identity)
        )
        ses.EmailIdentity(self, "Identity", identity=identity, configuration_set=self.configuration_set)
        self.identity_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/{config.identity}"
        self.configuration_set_arn = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:configuration-set/{name}"

    def grant_send(self, role: iam.IRole) -> None:
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["ses:SendEmail"], resources=[self.identity_arn, self.configuration_set_arn])
        )
