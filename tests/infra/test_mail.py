"""SES: identity, configuration set, bounce and complaint events (as metrics, and through an
encrypted topic to notify), suppression left to the account."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from infra.settings import StageConfig, StageName
from tests.infra.conftest import Synthesised
from tests.infra.roles import function_id


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


def _events_topic(synthesised: Synthesised, stage: StageName) -> str:
    found = [key for key in synthesised.resources(stage, "AWS::SNS::Topic") if key.startswith("MailEvents")]
    assert len(found) == 1, found
    return found[0]


def _events_key(synthesised: Synthesised, stage: StageName) -> tuple[str, dict[str, Any]]:
    return synthesised.only(stage, "AWS::KMS::Key")


def test_mail_events_topic_is_encrypted_with_a_rotated_key_of_the_stack(
    synthesised: Synthesised, stage: StageName
) -> None:
    topic = synthesised.templates[stage]["Resources"][_events_topic(synthesised, stage)]["Properties"]
    key, properties = _events_key(synthesised, stage)

    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert properties["Properties"]["EnableKeyRotation"] is True


def test_ses_may_use_the_key_for_this_configuration_set_only(synthesised: Synthesised, stage: StageName) -> None:
    _, key = _events_key(synthesised, stage)
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    services = [s for s in statements if "Service" in s["Principal"]]

    assert len(statements) == 2  # the account's administrators (CDK's default) and SES
    [ses] = services
    assert ses["Principal"] == {"Service": "ses.amazonaws.com"}
    assert ses["Effect"] == "Allow"
    assert sorted(ses["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert ses["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    source = json.dumps(ses["Condition"]["StringEquals"]["aws:SourceArn"])
    assert source.endswith(f':configuration-set/find-a-specialist-{stage}"]]}}'), source


def test_configuration_set_sends_exactly_bounces_and_complaints_to_the_topic(
    synthesised: Synthesised, stage: StageName
) -> None:
    topic = _events_topic(synthesised, stage)
    (configuration_set, _) = synthesised.only(stage, "AWS::SES::ConfigurationSet")
    destinations = [
        d["Properties"] for d in synthesised.resources(stage, "AWS::SES::ConfigurationSetEventDestination").values()
    ]
    to_sns = [d for d in destinations if "SnsDestination" in d["EventDestination"]]

    assert len(destinations) == 2  # beside the CloudWatch metrics
    [destination] = to_sns
    assert destination["ConfigurationSetName"] == {"Ref": configuration_set}
    assert destination["EventDestination"]["Enabled"] is True
    assert destination["EventDestination"]["MatchingEventTypes"] == ["bounce", "complaint"]
    assert destination["EventDestination"]["SnsDestination"] == {"TopicARN": {"Ref": topic}}


def test_only_ses_from_this_configuration_set_may_publish_to_the_topic(
    synthesised: Synthesised, stage: StageName
) -> None:
    topic = _events_topic(synthesised, stage)
    policies = [
        p["Properties"]
        for p in synthesised.resources(stage, "AWS::SNS::TopicPolicy").values()
        if p["Properties"]["Topics"] == [{"Ref": topic}]
    ]

    [policy] = policies
    allowed = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    denied = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    [publish] = allowed
    assert publish["Principal"] == {"Service": "ses.amazonaws.com"}
    assert publish["Action"] == "sns:Publish"
    assert publish["Resource"] == {"Ref": topic}
    conditions = publish["Condition"]["StringEquals"]
    assert conditions["AWS:SourceAccount"] == {"Ref": "AWS::AccountId"}
    (configuration_set, _) = synthesised.only(stage, "AWS::SES::ConfigurationSet")
    arn = conditions["AWS:SourceArn"]["Fn::Join"][1]
    assert arn[-2:] == [":configuration-set/", {"Ref": configuration_set}]
    [tls] = denied
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_notify_is_subscribed_and_sns_may_invoke_it_from_that_topic_only(
    synthesised: Synthesised, stage: StageName
) -> None:
    topic = _events_topic(synthesised, stage)
    notify = {"Fn::GetAtt": [function_id(synthesised, stage, "Notify"), "Arn"]}
    subscriptions = [
        s["Properties"]
        for s in synthesised.resources(stage, "AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic}
    ]
    from_sns = [
        p["Properties"]
        for p in synthesised.resources(stage, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "sns.amazonaws.com"
    ]

    assert subscriptions == [{"Protocol": "lambda", "TopicArn": {"Ref": topic}, "Endpoint": notify}]
    assert from_sns == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": notify,
            "Principal": "sns.amazonaws.com",
            "SourceArn": {"Ref": topic},
        }
    ]
