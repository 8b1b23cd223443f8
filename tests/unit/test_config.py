from __future__ import annotations

import pytest

from chalicelib.config import ConfigError, load_search_settings, load_settings
from tests.conftest import BASE_ENV


def env(**changes: str | None) -> dict[str, str]:
    merged: dict[str, str | None] = {**BASE_ENV, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def test_given_the_local_stage_settings_when_loaded_then_every_field_is_typed() -> None:
    settings = load_settings(env(OPENSEARCH_URL="http://127.0.0.1:9200/"))

    assert settings.stage == "local"
    assert settings.region == "eu-west-2"
    assert settings.opensearch_url == "http://127.0.0.1:9200"
    assert settings.search_alias == "specialists"
    assert settings.enquiries_table == "find-a-specialist-local-enquiries"
    assert settings.ses_sender == "no-reply@find-a-specialist.localhost"
    assert settings.signs_search_requests is False


def test_given_no_search_alias_then_it_defaults_to_specialists() -> None:
    assert load_settings(env(SEARCH_ALIAS=None)).search_alias == "specialists"


def test_given_aws_region_it_wins_over_the_default_region() -> None:
    assert load_settings(env(AWS_REGION="eu-west-1")).region == "eu-west-1"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("OPENSEARCH_URL", None, "OPENSEARCH_URL is not set"),
        ("OPENSEARCH_URL", "localhost:9200", "OPENSEARCH_URL must be an http(s) URL"),
        ("OPENSEARCH_URL", "http://127.0.0.1:99999", "OPENSEARCH_URL has a malformed port"),
        ("OPENSEARCH_URL", "http://127.0.0.1:9200/x?y", "OPENSEARCH_URL must be scheme, host and port only"),
        ("STAGE", "staging", "STAGE must be one of local, dev, prod"),
        ("SEARCH_ALIAS", "Specialists", "SEARCH_ALIAS must be a lowercase OpenSearch index name"),
        ("ENQUIRIES_TABLE", "x", "ENQUIRIES_TABLE must be a DynamoDB table name"),
        ("DEAD_LETTER_QUEUE", "a queue", "DEAD_LETTER_QUEUE must be an SQS queue name"),
        ("SES_SENDER", "no-reply@localhost\r\nBcc: x@y.z", "SES_SENDER must be an e-mail address"),
        ("AWS_DEFAULT_REGION", None, "AWS_REGION (or AWS_DEFAULT_REGION) is not set"),
        ("PLACE_INDEX", "places; rm -rf", "PLACE_INDEX must be an Amazon Location place index name"),
        ("AWS_DEFAULT_REGION", "London", "AWS_REGION must be an AWS region"),
    ],
)
def test_given_a_bad_or_missing_value_then_one_line_names_the_variable(
    variable: str, value: str | None, expected: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(env(**{variable: value}))

    message = str(error.value)
    assert expected in message
    assert "\n" not in message


def test_given_several_problems_then_the_one_line_names_them_all() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(env(OPENSEARCH_URL=None, ENQUIRIES_TABLE=None))

    assert "OPENSEARCH_URL is not set; ENQUIRIES_TABLE is not set" in str(error.value)


def test_given_a_deployed_stage_then_opensearch_must_use_https() -> None:
    with pytest.raises(ConfigError, match="OPENSEARCH_URL must use https outside the local stage"):
        load_settings(env(STAGE="prod"))

    settings = load_settings(env(STAGE="prod", OPENSEARCH_URL="https://search-x.eu-west-2.es.amazonaws.com"))
    assert settings.signs_search_requests is True


def test_given_only_search_variables_then_search_settings_load_without_a_region() -> None:
    settings = load_search_settings({"STAGE": "local", "OPENSEARCH_URL": "http://127.0.0.1:9200"})

    assert settings.search_alias == "specialists"
    assert settings.region == ""
    assert settings.signs_search_requests is False


def test_given_a_deployed_stage_then_search_settings_need_a_region_to_sign() -> None:
    with pytest.raises(ConfigError, match=r"AWS_REGION \(or AWS_DEFAULT_REGION\) is not set"):
        load_search_settings({"STAGE": "dev", "OPENSEARCH_URL": "https://search.example"})


def test_given_a_bad_secret_then_the_error_does_not_echo_it() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(env(RATE_LIMIT_SALT="short secret"))

    assert "RATE_LIMIT_SALT must be at least 16 characters" in str(error.value)
    assert "short secret" not in str(error.value)
