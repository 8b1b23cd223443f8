"""Cold start (issue 8): what a fresh api or notify Lambda pays before its first answer.

Each measure runs in a fresh interpreter (``bench/cold_probe.py``), rounds alternating
between three apps: ours from the repository, ours as deployed, and a hello-world Chalice
app written to a temporary directory, the baseline (a Lambda cannot start faster than
Chalice itself). "As deployed" is the api package that ``tests/infra`` builds (the CDK
synth, which runs ``chalice package``), unzipped and run as Lambda runs it: the package
first on the path, then the runtime's own boto3, no site-packages, and no bytecode written
(Lambda's ``/var/task`` is read-only), so every cold start compiles each module it imports
that the package holds no ``.pyc`` for (its dependencies ship none). The first
``/specialists`` answer is a real search against a local OpenSearch node holding the demo
catalog.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.feeds import demo_feed
from devstack.stack import DEMO_COUNT, PROJECT_DIR, stage_environment

PROBE = Path(__file__).resolve().parent / "cold_probe.py"
ROUNDS = 15
QUICK_ROUNDS = 5
ALIAS = "bench-cold-start"
SEARCH = "/specialists?q=cardiology"
MODES = ("import", "notify", "answer")
# Packages a cold start should not pay for unless its route needs them.
WATCHED = ("boto3", "botocore", "opensearchpy", "urllib3", "pydantic", "pydantic_core", "aws_lambda_powertools")
CLIENT_LIBRARIES = ("boto3", "botocore", "opensearchpy")
HELLO_APP = '''"""Hello world: the smallest Chalice app with a route and a Lambda function."""
from chalice import Chalice

app = Chalice(app_name="hello-world")


@app.route("/hello")
def hello():
    return {"hello": "world"}


@app.lambda_function(name="notify")
def notify(event, context):
    return {}
'''


@dataclass(frozen=True)
class _App:
    directory: Path
    first_path: str
    runtime: Path | None = None
    """The Lambda runtime's own packages: when given, the app runs as deployed."""

    def command(self, mode: str, *flags: str) -> list[str]:
        probe = [str(PROBE), mode, str(self.directory), self.first_path]
        if self.runtime is None:
            return [sys.executable, *flags, *probe]
        # As deployed: no site-packages, no PYTHON* variables, no bytecode written; the runtime's packages last.
        return [sys.executable, "-S", "-E", "-B", *flags, *probe, str(self.runtime)]


def run(quick: bool) -> dict[str, Any]:
    """Every measure, ours from the repository and as deployed beside the baseline."""
    from devstack.opensearch_node import OpenSearchNode

    with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
        apps = {
            "ours": _App(PROJECT_DIR, SEARCH),
            "deployed": _App(Path(scratch) / "package", SEARCH, Path(scratch) / "runtime"),
            "baseline": _App(Path(scratch) / "hello", "/hello"),
        }
        apps["baseline"].directory.mkdir()
        (apps["baseline"].directory / "app.py").write_text(HELLO_APP, encoding="utf-8")
        package = deployed_package(apps["deployed"].directory, Path(scratch) / "runtime")  # before the node: memory
        with OpenSearchNode() as node:
            catalog = _load_catalog(node.url)
            env = _environment(node.url)
            result = _measure(apps, env, QUICK_ROUNDS if quick else ROUNDS)
            result["import_costs_ms"] = {
                "import app": _import_costs(apps["ours"], "import", env),
                "first answer, as deployed": _import_costs(apps["deployed"], "answer", env),
            }
    return {"catalog": catalog, "search": SEARCH, **result, "package": package}


def _load_catalog(opensearch_url: str) -> int:
    from opensearchpy import OpenSearch

    from indexer.reindex import Options, Reindexer
    from indexer.sources import LocalFileSource

    client = OpenSearch(hosts=[opensearch_url], timeout=120)
    loaded = Reindexer(client, ALIAS, Options()).run(LocalFileSource(demo_feed(DEMO_COUNT)))
    if not loaded.ok:
        raise RuntimeError(f"loading the cold-start catalog failed: {loaded.reason}")
    return loaded.indexed


def _environment(opensearch_url: str) -> dict[str, str]:
    """What the api function sees locally (tests/conftest.py's ``BASE_ENV``), aimed at the node;
    from the repository, bytecode is written and reused, as for the baseline."""
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {
        **inherited,
        **stage_environment(),
        "OPENSEARCH_URL": opensearch_url,
        "SEARCH_ALIAS": ALIAS,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def _measure(apps: dict[str, _App], env: dict[str, str], rounds: int) -> dict[str, Any]:
    for app in apps.values():  # untimed: writes the repository's bytecode, warms the page cache and the node
        _probe(app, "answer", env)
    samples: dict[str, dict[str, list[float]]] = {name: {mode: [] for mode in MODES} for name in apps}
    loaded: dict[str, dict[str, list[str]]] = {}
    for _ in range(rounds):
        for name, app in apps.items():
            for mode in MODES:
                found = _probe(app, mode, env)
                samples[name][mode].append(found["measure_s"])
                if mode == "answer":
                    loaded[name] = {
                        moment: [p for p in found[f"packages_after_{moment}"] if p in WATCHED]
                        for moment in ("import", "answer")
                    }
    result: dict[str, Any] = {"rounds": rounds, "packages": loaded}
    for mode in MODES:
        summary = {name: _summary(samples[name][mode]) for name in apps}
        result[mode] = {
            **summary,
            "ratio": _ratio(summary["ours"], summary["baseline"]),
            "deployed_ratio": _ratio(summary["deployed"], summary["ours"]),
        }
    result["client_libraries_on_import"] = [p for p in loaded["ours"]["import"] if p in CLIENT_LIBRARIES]
    return result


def _probe(app: _App, mode: str, env: dict[str, str]) -> dict[str, Any]:
    """One fresh interpreter; ``measure_s`` is the import, the import and resolve, or spawn to answer."""
    spawned = time.monotonic()
    done = subprocess.run(
        app.command(mode), cwd=app.directory, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"cold-start probe {mode} of {app.directory} failed: {done.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if mode == "answer":
        if found["status"] != 200:
            raise RuntimeError(f"{app.first_path} answered {found['status']} in {app.directory}")
        found["measure_s"] = found["answered_at"] - spawned
    else:
        found["measure_s"] = found["notify_s" if mode == "notify" else "import_s"]
    return found


def _summary(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"median_ms": round(statistics.median(samples) * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1)}


def _ratio(ours: dict[str, float], baseline: dict[str, float]) -> dict[str, float]:
    return {key: round(ours[key] / baseline[key], 2) for key in ("median_ms", "p95_ms")}


def _import_costs(app: _App, mode: str, env: dict[str, str], top: int = 8) -> dict[str, float]:
    """One probe under ``-X importtime``: own import time per top-level package, largest first."""
    done = subprocess.run(
        app.command(mode, "-X", "importtime"),
        cwd=app.directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    own: Counter[str] = Counter()
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[0].strip().isdigit():
            own[fields[2].strip().partition(".")[0]] += int(fields[0])
    return {name: round(us / 1000, 1) for name, us in own.most_common(top)}


def deployed_package(package: Path, runtime: Path) -> dict[str, Any]:
    """The api (and notify) package as ``tests/infra`` builds and checks it, unzipped into
    ``package``, with ``runtime`` standing in for the Lambda runtime's own packages."""
    from infra.cdk_app import synth
    from infra.settings import load_config
    from tests.infra.conftest import Synthesised
    from tests.infra.test_packaging import LAMBDA_PROVIDED, MIB, _code_asset

    before = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="cold-start-synth-") as scratch:
        os.chdir(scratch)  # chalice package writes chalice.out/ where it runs
        try:
            started = time.perf_counter()
            synth(Path(scratch) / "cdk.out")
            took = time.perf_counter() - started
        finally:
            os.chdir(before)
        built = Synthesised(outdir=Path(scratch) / "cdk.out", config=load_config())
        built.templates["dev"] = json.loads(built.template_path("dev").read_text(encoding="utf-8"))
        archive = _code_asset(built, "APIHandler")
        with zipfile.ZipFile(archive) as zipped:
            unzipped = sum(info.file_size for info in zipped.infolist())
            compiled = Counter(name.partition("/")[0] for name in zipped.namelist() if name.endswith(".pyc"))
            zipped.extractall(package)
        sizes = {"zipped_mib": round(archive.stat().st_size / MIB, 2), "unzipped_mib": round(unzipped / MIB, 2)}
        shared = archive == _code_asset(built, "Notify")
    runtime.mkdir()
    for name in LAMBDA_PROVIDED:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed")
        source = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
        (runtime / source.name).symlink_to(source)
    return {**sizes, "pyc_files": dict(compiled), "same_for_notify": shared, "synth_s": round(took, 1)}


def markdown(result: dict[str, Any]) -> list[str]:
    """The report's section."""
    lines = [
        "## Cold start",
        "",
        f"Each measure in a fresh interpreter, {result['rounds']} rounds alternating: ours from the repository "
        "(bytecode cached), ours as deployed (the api package unzipped, the Lambda runtime's boto3 after it, no "
        "site-packages, no bytecode written: `/var/task` is read-only, so each cold start compiles every module "
        "the package holds no `.pyc` for), and a hello-world Chalice app with one route and one Lambda function, the "
        "baseline. The first answer is the api function called as Lambda's runtime calls it (an API Gateway "
        f"proxy event): a real search over {result['catalog']:,} demo specialists on a local OpenSearch node; "
        "the baseline's, its one route.",
        "",
        "| measure | ours | baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    labels = {
        "import": "`import app` (the api function)",
        "notify": "notify function: `import app` and resolve `app.notify`",
        "answer": f"first `GET {result['search']}` answer, from process spawn",
    }
    for mode, label in labels.items():
        measured = result[mode]
        for stat in ("median_ms", "p95_ms"):
            name = stat.removesuffix("_ms")
            lines.append(
                f"| {label}, {name}, ms (baseline: hello world) | {measured['ours'][stat]} | "
                f"{measured['baseline'][stat]} | {measured['ratio'][stat]} | - |"
            )
        for stat in ("median_ms", "p95_ms"):
            name = stat.removesuffix("_ms")
            lines.append(
                f"| {label} as deployed, {name}, ms (baseline: ours from the repository) | "
                f"{measured['deployed'][stat]} | {measured['ours'][stat]} | {measured['deployed_ratio'][stat]} | - |"
            )
    loaded, package = result["packages"], result["package"]
    lines += [
        f"| client libraries loaded by `import app` | {_names(result['client_libraries_on_import'])} | - | - | "
        f"none of {_names(list(CLIENT_LIBRARIES))} |",
        "",
        f"Of {_names(list(WATCHED))}: `import app` loads {_names(loaded['ours']['import'])}; the first search "
        f"answer, {_names(loaded['ours']['answer'])} (the baseline, {_names(loaded['baseline']['answer'])}).",
        "",
        "Own import time by top-level package, ms (`-X importtime`, one run each):",
        "",
    ]
    for moment, costs in result["import_costs_ms"].items():
        lines.append(f"- {moment}: " + ", ".join(f"{name} {ms}" for name, ms in costs.items()))
    lines += [
        "",
        f"Deployment package (api and notify {'share one zip' if package['same_for_notify'] else 'differ'}; "
        f"built by the CDK synth, which runs `chalice package`, as `tests/infra` builds it, in "
        f"{package['synth_s']} s): {package['zipped_mib']} MiB zipped, {package['unzipped_mib']} MiB unzipped "
        f"(Lambda's limit: 250 MiB unzipped). `.pyc` files in it, by top-level directory: "
        + (", ".join(f"{top} {count}" for top, count in package["pyc_files"].items()) or "none")
        + " (`chalice package` copies `chalicelib/` whole, with whatever `__pycache__` this checkout has).",
        "",
    ]
    return lines


def _names(packages: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in packages) or "none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start")
    parser.add_argument("--quick", action="store_true", help="fewer rounds: checks the harness")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = run(args.quick)
    result["took_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))
    print("\n".join(markdown(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
