"""Synthesise every stage once per session (``chalice package`` and the indexer bundle
take tens of seconds); the tests read the written templates, as cfn-lint and a deploy do."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from infra.cdk_app import synth
from infra.settings import InfraConfig, StageConfig, StageName, load_config

# Lines for the end of the run: package sizes and the synth time.
REPORT: list[str] = []


@dataclass(frozen=True)
class Synthesised:
    outdir: Path
    config: InfraConfig
    templates: dict[StageName, dict[str, Any]] = field(default_factory=dict)

    def template_path(self, stage: StageName) -> Path:
        return self.outdir / f"{stage}.template.json"

    def resources(self, stage: StageName, kind: str) -> dict[str, dict[str, Any]]:
        return {key: value for key, value in self.templates[stage]["Resources"].items() if value["Type"] == kind}

    def only(self, stage: StageName, kind: str) -> tuple[str, dict[str, Any]]:
        found = self.resources(stage, kind)
        assert len(found) == 1, f"{stage}: expected one {kind}, found {sorted(found)}"
        return next(iter(found.items()))

    def on_call_topic(self, stage: StageName) -> str:
        """The logical id of the on-call topic (the mail events have a topic of their own)."""
        found = [key for key in self.resources(stage, "AWS::SNS::Topic") if key.startswith("AlarmsOnCall")]
        assert len(found) == 1, found
        return found[0]


@pytest.fixture(scope="session")
def synthesised(tmp_path_factory: pytest.TempPathFactory) -> Synthesised:
    import time

    scratch = tmp_path_factory.mktemp("infra")
    before = Path.cwd()
    os.chdir(scratch)  # chalice package writes chalice.out/ here, not in the repo
    try:
        started = time.perf_counter()
        stacks = synth(scratch / "cdk.out")
        REPORT.append(f"synth of {len(stacks)} stages: {time.perf_counter() - started:.1f} s")
    finally:
        os.chdir(before)
    result = Synthesised(outdir=scratch / "cdk.out", config=load_config())
    for stage in result.config.stages:
        result.templates[stage] = json.loads(result.template_path(stage).read_text(encoding="utf-8"))
    return result


@pytest.fixture(scope="session", params=["dev", "prod"])
def stage(request: pytest.FixtureRequest) -> StageName:
    name: StageName = request.param
    return name


@pytest.fixture(scope="session")
def template(synthesised: Synthesised, stage: StageName) -> Template:
    return Template.from_json(synthesised.templates[stage])


@pytest.fixture(scope="session")
def stage_config(synthesised: Synthesised, stage: StageName) -> StageConfig:
    return synthesised.config.stages[stage]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("infra")
        for line in REPORT:
            terminalreporter.write_line(line)
