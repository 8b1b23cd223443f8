"""SES: identity, configuration set, bounce and complaint events, suppression left to the account."""

from __future__ import annotations

from aws_cdk.assertions import Match, Template

from infra.settings import StageConfig


def test_sending_identity_uses_the_configuration_set(template: Template, stage_config: StageConfig) -> None:
    template.has_resource_properties(
        "AWS::SES::EmailIdentity",
        {"EmailIdentity": stage_config.mail.identity, "ConfigurationSetAttributes": Match.any_value()},
    )


def test_bounces_and_complaints_become_cloudwatch_metrics(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SES::ConfigurationSetEventDestination",
        {
            "EventDestination": {
                "Enabled": True,
                "MatchingEventTypes": ["bounce", "complaint"],
                "CloudWatchDestination": {"DimensionConfigurations": Match.any_value()},
            }
        },
    )


def test_configuration_set_relies_on_the_account_suppression_list(template: Template) -> None:
    template.has_resource_properties("AWS::SES::ConfigurationSet", {"SuppressionOptions": Match.absent()})


def test_configuration_set_requires_tls_to_the_receiving_server(template: Template) -> None:
    template.has_resource_properties("AWS::SES::ConfigurationSet", {"DeliveryOptions": {"TlsPolicy": "REQUIRE"}})


def test_functions_get_the_sender_and_configuration_set(template: Template, stage_config: StageConfig) -> None:
    template.has_resource_properties(
        "AWS::Serverless::Function",
        {
            "Handler": "app.notify",
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "SES_SENDER": stage_config.mail.sender,
                        "FALLBACK_TEAM_EMAIL": stage_config.mail.fallback_team_email,
                        "SES_CONFIGURATION_SET": {"Ref": Match.string_like_regexp("^MailConfigurationSet")},
                    }
                )
            },
        },
    )
