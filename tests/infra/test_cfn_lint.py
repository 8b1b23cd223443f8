"""cfn-lint on every synthesised template, and on the plain CloudFormation the SAM
transform makes of it (what CloudFormation will actually create)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform  # type: ignore[import-untyped]

from infra.settings import StageName
from tests.infra.conftest import Synthesised

# W3005 "dependency already enforced": CDK's Function depends on its role as well as on
# the role's policy, which the reference already implies. Harmless and not ours to change.
IGNORED = "W3005"
CFN_LINT = Path(sys.executable).with_name("cfn-lint")


class _NoManagedPolicies:
    """The transform's policy loader: our functions name no managed policies."""

    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="session")
def expanded(synthesised: Synthesised) -> dict[str, Path]:
    """Each stage's template after the SAM transform, written beside the original."""
    paths: dict[str, Path] = {}
    for stage, template in synthesised.templates.items():
        with pytest.MonkeyPatch.context() as patch:
            # The transform asks boto3 for the region (its pseudo-parameter values).
            patch.setenv("AWS_DEFAULT_REGION", synthesised.config.stages[stage].region)
            plain: dict[str, Any] = transform(json.loads(json.dumps(template)), {}, _NoManagedPolicies())
        paths[stage] = synthesised.outdir / f"{stage}.expanded.json"
        paths[stage].write_text(json.dumps(plain, indent=1), encoding="utf-8")
    return paths


def _lint(template: Path, region: str) -> list[str]:
    answer = subprocess.run(
        [str(CFN_LINT), "--format", "json", "--regions", region, "--ignore-checks", IGNORED, "--", str(template)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert answer.stdout.strip(), answer.stderr
    return [
        f"{m['Rule']['Id']} {m['Message']} ({'/'.join(map(str, m['Location']['Path']))})"
        for m in json.loads(answer.stdout)
    ]


def test_cfn_lint_finds_nothing_in_the_template(synthesised: Synthesised, stage: StageName) -> None:
    assert _lint(synthesised.template_path(stage), synthesised.config.stages[stage].region) == []


def test_cfn_lint_finds_nothing_once_sam_has_expanded_it(
    synthesised: Synthesised, expanded: dict[str, Path], stage: StageName
) -> None:
    assert _lint(expanded[stage], synthesised.config.stages[stage].region) == []


def test_gateway_settings_reach_the_stage_and_the_api_sam_creates(expanded: dict[str, Path], stage: StageName) -> None:
    resources: dict[str, dict[str, Any]] = json.loads(expanded[stage].read_text(encoding="utf-8"))["Resources"]
    (stage_resource,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert {"AccessLogSetting", "MethodSettings"} <= set(stage_resource["Properties"])
    (api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert "MISSING_AUTHENTICATION_TOKEN" in api["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]
    for resource in resources.values():
        assert "RestAPI.Stage" not in json.dumps(resource), "SAM leaves no unresolved stage reference"
