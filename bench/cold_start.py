"""Cold start (issues 8 and 14): what a fresh api or notify Lambda pays before its first answer.

Each measure runs in a fresh interpreter (``bench/cold_probe.py``), rounds alternating
between three apps: ours from the repository, ours as deployed, and a hello-world Chalice
app written to a temporary directory, the baseline (a Lambda cannot start faster than
Chalice itself). "As deployed" is the api package that ``tests/infra`` builds (the CDK
synth, which runs ``chalice package`` and then ``infra/lambda_package.py``: unchecked-hash
bytecode for every module, the unused gRPC/protobuf distributions dropped), unzipped and
run as Lambda runs it: the package first on the path, then the runtime's own boto3, no
site-packages, and no bytecode written (``-B``, i.e. ``PYTHONDONTWRITEBYTECODE=1``, which
``-E`` would ignore: Lambda's ``/var/task`` is read-only), so a module the package holds no
``.pyc`` for is compiled on every cold start. The first ``/specialists`` answer is a real
search against a local OpenSearch node holding the demo catalog.

Ours, from the repository and as deployed, also runs with X-Ray subsegments on (issue 18:
``XRAY_SUBSEGMENTS=on`` and the variables Lambda sets for the SDK, the daemon a socket of the
bench's, :class:`XRayDaemon`), beside the same run with them off in every round: what X-Ray adds,
and whether issue 14's targets still hold with it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
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
from chalicelib.tracing import SETTING as XRAY_SETTING
from devstack.stack import DEMO_COUNT, PROJECT_DIR, stage_environment

PROBE = Path(__file__).resolve().parent / "cold_probe.py"
ROUNDS = 15
QUICK_ROUNDS = 5
ALIAS = "bench-cold-start"
SEARCH = "/specialists?q=cardiology"
MODES = ("import", "notify", "answer")
# An invocation's trace header, sampled, as Lambda sets it with active tracing on (AWS's example id).
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
# Packages a cold start should not pay for unless its route needs them.
WATCHED = ("boto3", "botocore", "opensearchpy", "urllib3", "pydantic", "pydantic_core", "aws_lambda_powertools")
CLIENT_LIBRARIES = ("boto3", "botocore", "opensearchpy")
# The same measures before issue 14 (bench/report.md of 2026-11-26: the package shipped no
# bytecode and carried grpc), shown beside the new ones.
BEFORE_ISSUE_14: dict[str, Any] = {
    "measured": "2026-11-26 03:34 UTC",
    "import": {"ours": 54.7, "deployed": 118.6, "baseline": 20.0},
    "notify": {"ours": 54.5, "deployed": 116.0, "baseline": 20.7},
    "answer": {"ours": 328.6, "deployed": 680.2, "baseline": 49.7},
    "package": {"zipped_mib": 13.46, "unzipped_mib": 37.75},
}
# Issue 14's targets: the first answer as deployed within 1.15x the same code run from the
# repository; `import app` within 2x hello world.
DEPLOYED_ANSWER_TARGET = 1.15
IMPORT_TARGET = 2.0
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


class XRayDaemon:
    """A stand-in for the X-Ray daemon: a UDP socket keeping what the probes send (the SDK sends
    each subsegment as one datagram, a header line then the JSON document), so the measure shows
    that X-Ray on recorded and sent its subsegments, and that nothing is sent with it off."""

    def __enter__(self) -> XRayDaemon:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.setblocking(False)
        return self

    def __exit__(self, *exc: object) -> None:
        self._socket.close()

    @property
    def address(self) -> str:
        host, port = self._socket.getsockname()
        return f"{host}:{port}"

    def take(self) -> list[str]:
        """The names of the subsegments received since the last take."""
        names: list[str] = []
        while True:
            try:
                datagram = self._socket.recv(1 << 16)
            except BlockingIOError:
                return names
            names.append(str(json.loads(datagram.decode().partition("\n")[2]).get("name")))


@dataclass(frozen=True)
class _App:
    directory: Path
    first_path: str
    runtime: Path | None = None
    """The Lambda runtime's own packages: when given, the app runs as deployed."""
    xray: bool = False
    """X-Ray subsegments on (``XRAY_SUBSEGMENTS=on``, as the CDK app sets it), else the setting unset."""

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` with X-Ray's setting on or unset; ``LAMBDA_TASK_ROOT`` (which the SDK reads to
        know it is in Lambda) the app's directory either way."""
        inherited = {name: value for name, value in env.items() if name != XRAY_SETTING}
        return {**inherited, "LAMBDA_TASK_ROOT": str(self.directory), **({XRAY_SETTING: "on"} if self.xray else {})}

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
            "ours_xray": _App(PROJECT_DIR, SEARCH, xray=True),
            "deployed": _App(Path(scratch) / "package", SEARCH, Path(scratch) / "runtime"),
            "deployed_xray": _App(Path(scratch) / "package", SEARCH, Path(scratch) / "runtime", xray=True),
            "baseline": _App(Path(scratch) / "hello", "/hello"),
        }
        apps["baseline"].directory.mkdir()
        (apps["baseline"].directory / "app.py").write_text(HELLO_APP, encoding="utf-8")
        package = deployed_package(apps["deployed"].directory, Path(scratch) / "runtime")  # before the node: memory
        with OpenSearchNode() as node, XRayDaemon() as daemon:
            catalog = _load_catalog(node.url)
            env = _environment(node.url, daemon.address)
            result = _measure(apps, env, QUICK_ROUNDS if quick else ROUNDS, daemon)
            result["import_costs_ms"] = {
                "import app": _import_costs(apps["ours"], "import", env),
                "first answer, from the repository": _import_costs(apps["ours"], "answer", env),
                "first answer, from the repository, X-Ray on": _import_costs(apps["ours_xray"], "answer", env),
                "first answer, as deployed": _import_costs(apps["deployed"], "answer", env),
            }
    return {"catalog": catalog, "search": SEARCH, **result, "package": package, "before": BEFORE_ISSUE_14}


def _load_catalog(opensearch_url: str) -> int:
    from opensearchpy import OpenSearch

    from chalicelib.adapters.file_catalog_source import LocalFileSource
    from indexer.reindex import Options, Reindexer

    client = OpenSearch(hosts=[opensearch_url], timeout=120)
    loaded = Reindexer(client, ALIAS, Options()).run(LocalFileSource(demo_feed(DEMO_COUNT)))
    if not loaded.ok:
        raise RuntimeError(f"loading the cold-start catalog failed: {loaded.reason}")
    return loaded.indexed


def _environment(opensearch_url: str, xray_daemon: str) -> dict[str, str]:
    """What the api function sees locally (tests/conftest.py's ``BASE_ENV``), aimed at the node,
    and what Lambda sets that the X-Ray SDK reads (the function's name, an invocation's sampled
    trace header, the daemon's address: here :class:`XRayDaemon`); from the repository,
    bytecode is written and reused, as for the baseline."""
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {
        **inherited,
        **stage_environment(),
        "OPENSEARCH_URL": opensearch_url,
        "SEARCH_ALIAS": ALIAS,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_LAMBDA_FUNCTION_NAME": "cold-start-probe",
        "_X_AMZN_TRACE_ID": TRACE_HEADER,
        "AWS_XRAY_DAEMON_ADDRESS": xray_daemon,
    }


def _measure(apps: dict[str, _App], env: dict[str, str], rounds: int, daemon: XRayDaemon) -> dict[str, Any]:
    for app in apps.values():  # untimed: writes the repository's bytecode, warms the page cache and the node
        _probe(app, "answer", env)
    daemon.take()
    samples: dict[str, dict[str, list[float]]] = {name: {mode: [] for mode in MODES} for name in apps}
    loaded: dict[str, dict[str, list[str]]] = {}
    answered: dict[str, list[str]] = {}  # every third-party package loaded by the first answer
    subsegments: Counter[str] = Counter()
    for round_number in range(rounds):
        for mode in MODES:
            for name in _order(apps, round_number):
                found = _probe(apps[name], mode, env)
                samples[name][mode].append(found["measure_s"])
                traced = apps[name].xray and mode == "answer"
                sent = daemon.take()
                if traced != bool(sent):
                    raise RuntimeError(f"{name} {mode}: {len(sent)} X-Ray subsegments sent, with tracing {traced}")
                subsegments.update(sent)
                if mode == "answer":
                    answered[name] = found["packages_after_answer"]
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
    result["xray"] = xray_figures(result, samples, rounds)
    result["xray"]["subsegments_per_answer"] = {
        name: round(count / (2 * rounds), 2) for name, count in subsegments.most_common()
    }
    result["xray"]["packages_added_by_the_first_answer"] = sorted(set(answered["ours_xray"]) - set(answered["ours"]))
    return result


def _order(apps: dict[str, _App], round_number: int) -> list[str]:
    """The apps in a round's order: each X-Ray pair side by side, which goes first alternating by round."""
    order: list[str] = []
    for name, app in apps.items():
        if app.xray:
            continue
        pair = [name, f"{name}_xray"] if f"{name}_xray" in apps else [name]
        order += reversed(pair) if round_number % 2 else pair
    return order


def xray_figures(result: dict[str, Any], samples: dict[str, dict[str, list[float]]], rounds: int) -> dict[str, Any]:
    """Per measure and side (from the repository, as deployed): what X-Ray on adds, the median over
    the rounds of the per-round difference (ms) and ratio, on over off; and issue 14's targets
    with X-Ray on."""
    figures: dict[str, Any] = {"rounds": rounds}
    for mode in MODES:
        figures[mode] = {}
        for side in ("ours", "deployed"):
            pairs = list(zip(samples[f"{side}_xray"][mode], samples[side][mode], strict=True))
            figures[mode][side] = {
                "added_ms": round(statistics.median(on - off for on, off in pairs) * 1000, 1),
                "ratio": round(statistics.median(on / off for on, off in pairs), 3),
            }
    imported, answer = result["import"], result["answer"]
    figures["targets"] = {
        "import_over_hello_world": _ratio(imported["ours_xray"], imported["baseline"])["median_ms"],
        "deployed_answer_over_repository": _ratio(answer["deployed_xray"], answer["ours_xray"])["median_ms"],
    }
    return figures


def _probe(app: _App, mode: str, env: dict[str, str]) -> dict[str, Any]:
    """One fresh interpreter; ``measure_s`` is the import, the import and resolve, or spawn to answer."""
    spawned = time.monotonic()
    done = subprocess.run(
        app.command(mode),
        cwd=app.directory,
        env=app.environment(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
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
        env=app.environment(env),
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
    from infra.lambda_package import REPORT_NAME
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
        finished = json.loads(next((Path(scratch) / "chalice.out").glob(f"*/{REPORT_NAME}")).read_text("utf-8"))
    runtime.mkdir()
    for name in LAMBDA_PROVIDED:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{name} is not installed")
        source = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
        (runtime / source.name).symlink_to(source)
    return {
        **sizes,
        "chalice_zipped_mib": round(finished["chalice_zipped_bytes"] / MIB, 2),
        "chalice_unzipped_mib": round(finished["chalice_unzipped_bytes"] / MIB, 2),
        "dropped_mib": {top: round(size / MIB, 2) for top, size in finished["dropped_bytes"].items()},
        "stray_bytecode_dropped": len(finished["stray_bytecode"]),
        "pyc_files": dict(compiled.most_common()),
        "same_for_notify": shared,
        "synth_s": round(took, 1),
    }


def markdown(result: dict[str, Any]) -> list[str]:
    """The report's section."""
    lines = [
        "## Cold start",
        "",
        f"Each measure in a fresh interpreter, {result['rounds']} rounds alternating: ours from the repository "
        "(bytecode cached), ours as deployed (the api package unzipped, the Lambda runtime's boto3 after it, no "
        "site-packages, no bytecode written (`-B`): `/var/task` is read-only, so a cold start compiles every "
        "module the package holds no `.pyc` for; the build now ships unchecked-hash bytecode for all of them), "
        "and a hello-world Chalice app with one route and one Lambda function, the baseline. The first answer is "
        "the api function called as Lambda's runtime calls it (an API Gateway proxy event): a real search over "
        f"{result['catalog']:,} demo specialists on a local OpenSearch node (on the local stage the answer is also "
        "recorded on that node, `ubi_queries`: an existence check and an index request that a Lambda does not "
        "make, writing a log line instead); the baseline's, its one route.",
        "",
        "| measure | ours | baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    labels = {
        "import": "`import app` (the api function)",
        "notify": "notify function: `import app` and resolve `app.notify`",
        "answer": f"first `GET {result['search']}` answer, from process spawn",
    }
    targets = {("import", "ratio"): f"<= {IMPORT_TARGET}", ("answer", "deployed_ratio"): f"<= {DEPLOYED_ANSWER_TARGET}"}
    for mode, label in labels.items():
        measured = result[mode]
        for stat in ("median_ms", "p95_ms"):
            name = stat.removesuffix("_ms")
            target = targets.get((mode, "ratio"), "-") if stat == "median_ms" else "-"
            lines.append(
                f"| {label}, {name}, ms (baseline: hello world) | {measured['ours'][stat]} | "
                f"{measured['baseline'][stat]} | {measured['ratio'][stat]} | {target} |"
            )
        for stat in ("median_ms", "p95_ms"):
            name = stat.removesuffix("_ms")
            target = targets.get((mode, "deployed_ratio"), "-") if stat == "median_ms" else "-"
            lines.append(
                f"| {label} as deployed, {name}, ms (baseline: ours from the repository) | "
                f"{measured['deployed'][stat]} | {measured['ours'][stat]} | {measured['deployed_ratio'][stat]} | "
                f"{target} |"
            )
    loaded, package = result["packages"], result["package"]
    lines += [
        f"| client libraries loaded by `import app` | {_names(result['client_libraries_on_import'])} | - | - | "
        f"none of {_names(list(CLIENT_LIBRARIES))} |",
        "",
        f"Of {_names(list(WATCHED))}: `import app` loads {_names(loaded['ours']['import'])}; the first search "
        f"answer, {_names(loaded['ours']['answer'])} (the baseline, {_names(loaded['baseline']['answer'])}).",
        "",
    ]
    lines += _targets(result)
    lines += _xray_markdown(result)
    lines += _before_and_after(result)
    lines += ["Own import time by top-level package, ms (`-X importtime`, one run each):", ""]
    for moment, costs in result["import_costs_ms"].items():
        lines.append(f"- {moment}: " + ", ".join(f"{name} {ms}" for name, ms in costs.items()))
    pyc = package["pyc_files"]
    lines += [
        "",
        f"Deployment package (api and notify {'share one zip' if package['same_for_notify'] else 'differ'}; "
        f"built by the CDK synth as `tests/infra` builds it, in {package['synth_s']} s: `chalice package`, then "
        f"`infra/lambda_package.py`): {package['zipped_mib']} MiB zipped, {package['unzipped_mib']} MiB unzipped "
        f"(as `chalice package` wrote it: {package.get('chalice_zipped_mib', '-')} MiB zipped, "
        f"{package.get('chalice_unzipped_mib', '-')} MiB unzipped; Lambda's limit: 250 MiB unzipped). Dropped, "
        "never imported: "
        + (", ".join(f"`{top}` {mib} MiB" for top, mib in package.get("dropped_mib", {}).items()) or "nothing")
        + f"; `.pyc` files copied from the checkout and dropped: {package.get('stray_bytecode_dropped', 0)}. "
        f"Unchecked-hash `.pyc` files shipped: {sum(pyc.values()):,} (the most: "
        + ", ".join(f"{top} {count}" for top, count in list(pyc.items())[:6])
        + ").",
        "",
    ]
    return lines


def _targets(result: dict[str, Any]) -> list[str]:
    answer = result["answer"]["deployed_ratio"]["median_ms"]
    imported = result["import"]["ratio"]["median_ms"]
    lines = [
        f"Issue 14's targets: first answer as deployed <= {DEPLOYED_ANSWER_TARGET}x the repository run, median: "
        f"{answer}x, {'met' if answer <= DEPLOYED_ANSWER_TARGET else '**missed**'}; `import app` <= "
        f"{IMPORT_TARGET}x hello world, median: {imported}x, {'met' if imported <= IMPORT_TARGET else '**missed**'}"
    ]
    if imported > IMPORT_TARGET:
        lines[0] += (
            " (bytecode cannot help here: the repository run already has it cached; what remains is "
            "`chalicelib`'s own import work, the first package in the `-X importtime` list below)"
        )
    return [lines[0] + ".", ""]


def _xray_markdown(result: dict[str, Any]) -> list[str]:
    """What X-Ray subsegments add to a cold start (issue 18), and issue 14's targets with them on."""
    xray = result.get("xray")
    if not xray:
        return []
    sent = ", ".join(f"`{name}` x {count:g}" for name, count in xray["subsegments_per_answer"].items())
    added = xray["packages_added_by_the_first_answer"]
    lines = [
        f"X-Ray (issue 18): ours from the repository and as deployed, each also run with `{XRAY_SETTING}=on` (as "
        "the CDK app sets it on every function), the two side by side in every round, which goes first "
        "alternating by round; everything else the same, including what Lambda sets that the SDK reads "
        "(`AWS_LAMBDA_FUNCTION_NAME`, `LAMBDA_TASK_ROOT`, a sampled `_X_AMZN_TRACE_ID`, "
        "`AWS_XRAY_DAEMON_ADDRESS`). The SDK is loaded and botocore patched when the first client is built, so "
        "`import app` and the notify function should not move; the first answer records its subsegments and "
        f"sends each over UDP to a stand-in daemon (a socket of the bench), per answer: {sent or 'none'}. "
        "Added: the median over the rounds of the per-round difference, on minus off; ratio: the median of "
        "the per-round ratios.",
        "",
        "| measure | X-Ray on, median ms | off, median ms | added, ms | ratio | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    labels = {
        "import": "`import app`",
        "notify": "notify function: `import app`, resolve `app.notify`",
        "answer": f"first `GET {result['search']}` answer, from process spawn",
    }
    for mode, label in labels.items():
        for side, said in (("ours", "from the repository"), ("deployed", "as deployed")):
            paired = xray[mode][side]
            lines.append(
                f"| {label}, {said} | {result[mode][f'{side}_xray']['median_ms']} | {result[mode][side]['median_ms']} "
                f"| {paired['added_ms']} | {paired['ratio']} | reported |"
            )
    targets = xray["targets"]
    answer, imported = targets["deployed_answer_over_repository"], targets["import_over_hello_world"]
    lines += [
        "",
        f"Issue 14's targets with X-Ray on: first answer as deployed <= {DEPLOYED_ANSWER_TARGET}x the repository "
        f"run (both on), median: {answer}x, {'met' if answer <= DEPLOYED_ANSWER_TARGET else '**missed**'}; "
        f"`import app` <= {IMPORT_TARGET}x hello world, median: {imported}x, "
        f"{'met' if imported <= IMPORT_TARGET else '**missed**'}. Packages the first answer loads with X-Ray on "
        f"and not off: {_names(added)}"
        + (
            " (here the search requests are not signed, so botocore comes with the SDK's patch; in AWS the "
            "request signer has loaded it already, and X-Ray adds less)."
            if "botocore" in added
            else "."
        ),
        "",
    ]
    return lines


def _before_and_after(result: dict[str, Any]) -> list[str]:
    before, package = result.get("before"), result["package"]
    if not before:
        return []
    lines = [
        f"Before issue 14 (measured {before['measured']}: no `.pyc` in the package, grpc shipped) and now, "
        "medians in ms:",
        "",
        "| measure | before | now |",
        "| --- | ---: | ---: |",
    ]
    labels = {
        "import": "`import app`",
        "notify": "notify: `import app`, resolve `app.notify`",
        "answer": "first answer",
    }
    for mode, label in labels.items():
        old, new = before[mode], result[mode]
        lines += [
            f"| {label}, as deployed | {old['deployed']} | {new['deployed']['median_ms']} |",
            f"| {label}, as deployed / from the repository | {round(old['deployed'] / old['ours'], 2)} | "
            f"{new['deployed_ratio']['median_ms']} |",
            f"| {label}, from the repository / hello world | {round(old['ours'] / old['baseline'], 2)} | "
            f"{new['ratio']['median_ms']} |",
        ]
    lines += [
        f"| package, MiB zipped | {before['package']['zipped_mib']} | {package['zipped_mib']} |",
        f"| package, MiB unzipped | {before['package']['unzipped_mib']} | {package['unzipped_mib']} |",
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
