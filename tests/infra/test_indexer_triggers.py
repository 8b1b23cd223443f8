"""The indexer function, its feed bucket and its triggers: a schedule per feed (hourly for
the availability feed), and a new feed under any of the three prefixes."""

from __future__ import annotations

from aws_cdk.assertions import Match, Template

from indexer.handler import AVAILABILITY, AVAILABILITY_PREFIX, TREATMENTS_PREFIX, URI_VARIABLES
from infra.indexing import AVAILABILITY_FEED_KEY
from infra.settings import AVAILABILITY_FEED_PREFIX, TREATMENTS_FEED_PREFIX, StageConfig, StageName
from tests.infra.conftest import Synthesised
from tests.infra.roles import function_id


def test_indexer_runs_the_handler_for_up_to_15_minutes_on_python_3_11(
    template: Template, stage: StageName, stage_config: StageConfig
) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "indexer.handler.handler",
            "Runtime": "python3.11",
            "Timeout": 900,
            "MemorySize": stage_config.indexer.memory_mb,
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "STAGE": stage,
                        "SEARCH_ALIAS": "specialists",
                        "TREATMENTS_ALIAS": "treatments",
                        "INDEX_REPLICAS": str(stage_config.search.index_replicas),
                        "INDEXER_KEEP": str(stage_config.indexer.keep),
                        "ENQUIRY_EMAIL_DOMAINS": ",".join(stage_config.indexer.enquiry_email_domains),
                        "CATALOG_URI": {
                            "Fn::Join": ["", ["s3://", Match.any_value(), f"/{stage_config.indexer.feed_key}"]]
                        },
                        "TREATMENTS_CATALOG_URI": {
                            "Fn::Join": [
                                "",
                                ["s3://", Match.any_value(), f"/{stage_config.indexer.treatments_feed_key}"],
                            ]
                        },
                        "AVAILABILITY_URI": {
                            "Fn::Join": ["", ["s3://", Match.any_value(), "/availability/availability.jsonl.gz"]]
                        },
                    }
                )
            },
        },
    )


def test_a_schedule_per_feed_runs_the_indexer_on_the_configured_expression(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    indexer = function_id(synthesised, stage, "ReindexFunction")
    rules = synthesised.resources(stage, "AWS::Events::Rule")
    scheduled = [
        rule["Properties"]
        for rule in rules.values()
        if "ScheduleExpression" in rule["Properties"]
        and rule["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [indexer, "Arn"]}
    ]
    # The other schedule is notify's sweep (tests/infra/test_sweep.py).
    assert len(scheduled) == 3
    for rule in scheduled:
        assert len(rule["Targets"]) == 1
    # The catalog's run gets EventBridge's own scheduled event; the others name their feed.
    by_input = {str(rule["Targets"][0].get("Input")): rule["ScheduleExpression"] for rule in scheduled}
    assert by_input == {
        "None": stage_config.indexer.schedule,
        '{"feed":"treatments"}': stage_config.indexer.schedule,
        '{"feed":"availability"}': "cron(15 * * * ? *)",  # hourly: slots change by the hour
    }
    assert stage_config.indexer.schedule == "cron(0 2 * * ? *)"


def _feed_bucket(synthesised: Synthesised, stage: StageName) -> str:
    """The feed bucket's logical id (the analytics records have a bucket of their own)."""
    (bucket,) = [key for key in synthesised.resources(stage, "AWS::S3::Bucket") if key.startswith("ReindexFeeds")]
    return bucket


def test_new_feed_under_the_prefix_runs_the_indexer(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    indexer = function_id(synthesised, stage, "ReindexFunction")
    bucket = _feed_bucket(synthesised, stage)
    rules = synthesised.resources(stage, "AWS::Events::Rule")
    on_feed = [rule["Properties"] for rule in rules.values() if "EventPattern" in rule["Properties"]]
    assert len(on_feed) == 1
    assert on_feed[0]["EventPattern"] == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [{"Ref": bucket}]},
            "object": {
                "key": [
                    {"prefix": stage_config.indexer.feed_prefix},
                    {"prefix": "treatments/"},
                    {"prefix": "availability/"},
                ]
            },
        },
    }
    assert on_feed[0]["Targets"][0]["Arn"] == {"Fn::GetAtt": [indexer, "Arn"]}


def test_feed_bucket_sends_events_blocks_public_access_encrypts_and_requires_tls(template: Template) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            }
        },
    )
    # No bucket-notifications custom resource (its handler role needs a wildcard resource).
    template.resource_count_is("Custom::S3BucketNotifications", 0)


def test_the_stack_and_the_handler_agree_on_the_treatments_prefix() -> None:
    # The rule above runs the indexer for a key under it; the handler then loads the treatments.
    assert TREATMENTS_FEED_PREFIX == TREATMENTS_PREFIX == "treatments/"


def test_the_stack_and_the_handler_agree_on_the_availability_feed() -> None:
    # A new object under the prefix, or the hourly rule's input, makes the handler update the
    # slots; the scheduled run reads the variable the stack sets.
    assert AVAILABILITY_FEED_PREFIX == AVAILABILITY_PREFIX == "availability/"
    assert AVAILABILITY_FEED_KEY.startswith(AVAILABILITY_PREFIX)
    assert URI_VARIABLES[AVAILABILITY] == "AVAILABILITY_URI"


def test_the_api_reads_the_aliases_the_indexer_loads(synthesised: Synthesised, stage: StageName) -> None:
    functions = synthesised.resources(stage, "AWS::Serverless::Function").values()
    (api,) = [function for function in functions if function["Properties"]["Handler"] == "app.app"]
    indexer = synthesised.templates[stage]["Resources"][function_id(synthesised, stage, "ReindexFunction")]
    reads = api["Properties"]["Environment"]["Variables"]
    loads = indexer["Properties"]["Environment"]["Variables"]

    assert (reads["SEARCH_ALIAS"], reads["TREATMENTS_ALIAS"]) == (loads["SEARCH_ALIAS"], loads["TREATMENTS_ALIAS"])
    assert reads["TREATMENTS_ALIAS"] == "treatments"


def test_the_indexer_gets_the_stages_enquiry_domains_and_the_settings_read_them_alike(
    stage_config: StageConfig,
) -> None:
    from chalicelib.config import load_search_settings

    value = ",".join(stage_config.indexer.enquiry_email_domains)
    settings = load_search_settings(
        {
            "STAGE": "dev",
            "OPENSEARCH_URL": "https://search.example",
            "AWS_REGION": "eu-west-2",
            "ENQUIRY_EMAIL_DOMAINS": value,
        }
    )

    assert value
    assert settings.enquiry_email_domains == stage_config.indexer.enquiry_email_domains


def test_the_indexer_may_write_its_quality_reports_under_their_prefix_only_and_they_start_no_run(
    synthesised: Synthesised, stage: StageName
) -> None:
    from indexer.quality_report import PREFIX
    from infra.settings import QUALITY_PREFIX
    from tests.infra.roles import as_list, role_of_function, statements_of_role

    role = role_of_function(synthesised, stage, "ReindexFunction")
    puts = [
        statement
        for statement in statements_of_role(synthesised, stage, role)
        if any(action.startswith("s3:Put") for action in as_list(statement["Action"]))
    ]
    bucket = _feed_bucket(synthesised, stage)
    rules = synthesised.resources(stage, "AWS::Events::Rule").values()
    prefixes = [
        match["prefix"]
        for rule in rules
        if "EventPattern" in rule["Properties"]
        for match in rule["Properties"]["EventPattern"]["detail"]["object"]["key"]
    ]

    assert QUALITY_PREFIX == PREFIX == "quality/"
    assert [(statement["Action"], statement["Effect"]) for statement in puts] == [("s3:PutObject", "Allow")]
    assert puts[0]["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/quality/*"]]}
    assert prefixes
    assert not any(PREFIX.startswith(prefix) or prefix.startswith(PREFIX) for prefix in prefixes)


def test_the_indexer_reads_the_stages_quality_minimums_as_the_stage_file_gives_them(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    from indexer.options import options_from_env

    indexer = synthesised.templates[stage]["Resources"][function_id(synthesised, stage, "ReindexFunction")]
    variables = indexer["Properties"]["Environment"]["Variables"]

    minimums = options_from_env({"QUALITY_MIN_SHARES": variables["QUALITY_MIN_SHARES"]}).min_shares
    assert dict(minimums) == stage_config.indexer.quality_min_shares
    if stage == "prod":
        assert dict(minimums) == {"gmc_number": 0.9, "registration": 0.9}
