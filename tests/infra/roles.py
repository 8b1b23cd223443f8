"""Finding a function's role, and every IAM statement, in a synthesised template."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infra.settings import StageName
from tests.infra.conftest import Synthesised


def function_id(synthesised: Synthesised, stage: StageName, prefix: str) -> str:
    """The logical id of the one function whose id starts with ``prefix``."""
    kinds = ("AWS::Lambda::Function", "AWS::Serverless::Function")
    found = [
        key
        for key, value in synthesised.templates[stage]["Resources"].items()
        if value["Type"] in kinds and key.startswith(prefix)
    ]
    assert len(found) == 1, found
    return str(found[0])


def role_of_function(synthesised: Synthesised, stage: StageName, prefix: str) -> str:
    function = synthesised.templates[stage]["Resources"][function_id(synthesised, stage, prefix)]
    role = function["Properties"]["Role"]
    assert set(role) == {"Fn::GetAtt"}, role
    assert role["Fn::GetAtt"][1] == "Arn", role
    return str(role["Fn::GetAtt"][0])


def statements_of_role(synthesised: Synthesised, stage: StageName, role: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for _, policy in synthesised.resources(stage, "AWS::IAM::Policy").items():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    inline = synthesised.templates[stage]["Resources"][role]["Properties"].get("Policies", [])
    for policy in inline:
        found.extend(policy["PolicyDocument"]["Statement"])
    return found


def all_statements(synthesised: Synthesised, stage: StageName) -> Iterator[dict[str, Any]]:
    """Every identity and resource policy statement in the template."""
    for resource in synthesised.templates[stage]["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("PolicyDocument", "AccessPolicies"):
            if isinstance(properties.get(key), dict):
                yield from properties[key]["Statement"]
        for key in ("Policies",):
            for policy in properties.get(key, []) if isinstance(properties.get(key), list) else []:
                if isinstance(policy, dict) and "PolicyDocument" in policy:
                    yield from policy["PolicyDocument"]["Statement"]
        if isinstance(properties.get("AssumeRolePolicyDocument"), dict):
            yield from properties["AssumeRolePolicyDocument"]["Statement"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
