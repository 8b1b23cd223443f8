"""The CDK app: one stack per stage in ``infra/stages.json``.

``python -m infra.cdk_app --out infra/cdk.out`` synthesises every stage (``make synth``);
``cdk deploy --app infra/cdk.out`` deploys one from that cloud assembly (``make deploy``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aws_cdk import App

from infra.bundle import indexer_code
from infra.settings import InfraConfig, StageName, load_config
from infra.stack import BackendStack


def synth(outdir: Path, config: InfraConfig | None = None) -> dict[StageName, BackendStack]:
    """Synthesise every stage into ``outdir`` and return the stacks (for assertions).

    ``chalice package`` writes ``chalice.out/`` in the working directory: run this from
    a scratch directory (``make synth`` uses ``infra/``).
    """
    config = config or load_config()
    app = App(outdir=str(outdir))
    with _synth_environment(), indexer_code() as code:
        stacks = {
            stage: BackendStack(app, stage, app_name=config.app_name, config=stage_config, indexer_code=code)
            for stage, stage_config in config.stages.items()
        }
        app.synth()
    return stacks


@contextmanager
def _synth_environment() -> Iterator[None]:
    """boto3 (inside ``chalice package``) wants a region and must not probe EC2 metadata;
    both only while synthesising, so a test process keeps its own environment."""
    wanted = {"AWS_DEFAULT_REGION": "eu-west-2", "AWS_EC2_METADATA_DISABLED": "true"}
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update({name: before[name] or value for name, value in wanted.items()})
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("cdk.out"))
    args = parser.parse_args()
    stacks = synth(args.out.resolve())
    for stage, stack in stacks.items():
        print(f"{stage}: {args.out / stack.template_file}")


if __name__ == "__main__":
    main()
