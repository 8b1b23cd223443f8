"""The keys of the team e-mail's links: a generated secret whose ARN, never its value, reaches
the api and notify functions, which alone may read it; and the https page the links open."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.settings import StageConfig, StageName
from tests.infra.conftest import Synthesised
from tests.infra.roles import all_statements, as_list, role_of_function, statements_of_role

CHALICE_FUNCTIONS = {"app.app": "APIHandler", "app.notify": "Notify"}


def _link_keys(synthesised: Synthesised, stage: StageName) -> tuple[str, dict[str, Any]]:
    found = [
        (key, value)
        for key, value in synthesised.resources(stage, "AWS::SecretsManager::Secret").items()
        if key.startswith("EnquiryLinkKeys")
    ]
    assert len(found) == 1, found
    return found[0]


def _variables(synthesised: Synthesised, stage: StageName, handler: str) -> dict[str, Any]:
    functions = synthesised.resources(stage, "AWS::Serverless::Function").values()
    (function,) = [f for f in functions if f["Properties"]["Handler"] == handler]
    variables: dict[str, Any] = function["Properties"]["Environment"]["Variables"]
    return variables


def test_the_link_keys_are_generated_as_json_and_never_written(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig
) -> None:
    _, secret = _link_keys(synthesised, stage)
    properties = secret["Properties"]
    assert "SecretString" not in properties
    generated = properties["GenerateSecretString"]
    assert json.loads(generated["SecretStringTemplate"]) == {}
    assert generated["GenerateStringKey"] == "current"
    assert generated["PasswordLength"] >= 32  # links.py refuses shorter keys
    assert generated["ExcludePunctuation"] is True
    assert generated["IncludeSpace"] is False
    retained = "Retain" if stage_config.retain_data else "Delete"
    assert secret["DeletionPolicy"] == secret["UpdateReplacePolicy"] == retained


@pytest.mark.parametrize("handler", sorted(CHALICE_FUNCTIONS))
def test_functions_are_given_the_secrets_arn_and_not_its_value(
    synthesised: Synthesised, stage: StageName, handler: str
) -> None:
    secret, _ = _link_keys(synthesised, stage)
    variables = _variables(synthesised, stage, handler)
    assert variables["ENQUIRY_LINK_SECRET"] == {"Ref": secret}  # a secret's Ref is its ARN
    assert "ENQUIRY_LINK_KEY" not in variables
    # No variable resolves this secret into the environment (the salt's is resolved; not this one).
    for name, value in variables.items():
        assert not ("{{resolve:" in json.dumps(value) and secret in json.dumps(value)), name


@pytest.mark.parametrize("handler", sorted(CHALICE_FUNCTIONS))
def test_links_open_the_stages_https_page(
    synthesised: Synthesised, stage: StageName, stage_config: StageConfig, handler: str
) -> None:
    page = _variables(synthesised, stage, handler)["ENQUIRY_LINK_BASE_URL"]
    assert page == stage_config.api.enquiry_link_page
    assert page.startswith("https://")
    assert any(page.startswith(f"{origin}/") for origin in stage_config.api.origins)


def test_only_the_api_and_notify_may_read_the_link_keys_and_no_other_secret(
    synthesised: Synthesised, stage: StageName
) -> None:
    secret, _ = _link_keys(synthesised, stage)
    readers = set()
    for prefix in ("APIHandler", "Notify", "ReindexFunction"):
        role = role_of_function(synthesised, stage, prefix)
        grants = [
            statement
            for statement in statements_of_role(synthesised, stage, role)
            if any(action.startswith("secretsmanager:") for action in as_list(statement["Action"]))
        ]
        if grants:
            readers.add(prefix)
        for statement in grants:
            assert as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"], statement
            assert as_list(statement["Resource"]) == [{"Ref": secret}], statement
    assert readers == {"APIHandler", "Notify"}
    # Nothing else in the template is allowed anything on a secret.
    secret_statements = [
        statement
        for statement in all_statements(synthesised, stage)
        if any(str(action).startswith("secretsmanager:") for action in as_list(statement.get("Action", [])))
    ]
    assert len(secret_statements) == 2
