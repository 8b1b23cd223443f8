"""The code that would be deployed installs and imports on the Lambda runtime's Python.

Each package is loaded in a fresh interpreter (this machine's CPython 3.11, the
functions' runtime) whose path holds only the package and what the Lambda runtime itself
provides (boto3 and its dependencies), in Lambda's order: the package first.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.infra.conftest import REPORT, Synthesised
from tests.infra.roles import function_id

# What Lambda's Python runtime puts on the path after the function's code.
LAMBDA_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
MIB = 1024 * 1024
# Lambda's limit on a function's unzipped code (and layers).
UNZIPPED_LIMIT = 250 * MIB

API_MODULES = (
    "app",
    "chalicelib.deps",
    "chalicelib.adapters.opensearch_index",
    "chalicelib.adapters.dynamodb_store",
    "chalicelib.enquiries.intake",
    "chalicelib.enquiries.notify",
    "opensearchpy",
    "pydantic_core",
    "orjson",
    "email_validator",
    "phonenumbers",
    "ulid",
    "aws_lambda_powertools.utilities.idempotency",
)
INDEXER_MODULES = ("indexer.handler", "indexer.reindex", "indexer.sources", "chalicelib.index_schema", "opensearchpy")
# Compiled wheels must be the manylinux ones in the package, not this machine's.
COMPILED = ("pydantic_core", "orjson")

_PROBE = """
import importlib, json, sys
package, runtime, modules, compiled = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4].split(",")
sys.path[:0] = [package, runtime]
for name in modules:
    importlib.import_module(name)
import boto3
boto3.client("dynamodb", region_name="eu-west-2")  # botocore works beside the package's own libraries
print(json.dumps({name: sys.modules[name].__file__ for name in compiled}))
"""


@pytest.fixture(scope="session")
def lambda_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory standing in for the runtime's own site-packages (links to the venv's)."""
    runtime = tmp_path_factory.mktemp("lambda-runtime")
    for name in LAMBDA_PROVIDED:
        spec = importlib.util.find_spec(name)
        assert spec is not None, name
        assert spec.origin is not None, name
        source = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
        (runtime / source.name).symlink_to(source)
    return runtime


def _code_asset(synthesised: Synthesised, function: str) -> Path:
    properties = synthesised.templates["dev"]["Resources"][function_id(synthesised, "dev", function)]["Properties"]
    key = properties["CodeUri"]["Key"] if "CodeUri" in properties else properties["Code"]["S3Key"]
    archive = synthesised.outdir / f"asset.{key}"
    assert archive.suffix == ".zip"
    assert archive.is_file()
    return archive


def _probe(package: Path, runtime: Path, modules: tuple[str, ...], scratch: Path) -> dict[str, str]:
    answer = subprocess.run(
        [sys.executable, "-S", "-E", "-c", _PROBE, str(package), str(runtime), ",".join(modules), ",".join(COMPILED)],
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr[-3000:]
    found: dict[str, str] = json.loads(answer.stdout.strip().splitlines()[-1])
    return found


def test_api_package_imports_on_the_lambda_python_and_fits(
    synthesised: Synthesised, lambda_runtime: Path, tmp_path: Path
) -> None:
    archive = _code_asset(synthesised, "APIHandler")
    assert archive == _code_asset(synthesised, "Notify")
    package = tmp_path / "task"
    with zipfile.ZipFile(archive) as zipped:
        unzipped = sum(info.file_size for info in zipped.infolist())
        zipped.extractall(package)
    REPORT.append(
        f"api package (chalice): {archive.stat().st_size / MIB:.2f} MiB zipped, {unzipped / MIB:.2f} MiB unzipped"
    )
    assert unzipped < UNZIPPED_LIMIT
    assert not any(package.glob("boto3*")), "Lambda provides boto3; the package must not ship its own"
    loaded = _probe(package, lambda_runtime, API_MODULES, tmp_path)
    for name in COMPILED:
        assert loaded[name].startswith(str(package)), loaded[name]
        assert "x86_64-linux-gnu" in Path(loaded[name]).parent.name or any(
            "x86_64" in path.name for path in Path(loaded[name]).parent.glob("*.so")
        )


def test_indexer_asset_imports_on_the_lambda_python_and_fits(
    synthesised: Synthesised, lambda_runtime: Path, tmp_path: Path
) -> None:
    archive = _code_asset(synthesised, "ReindexFunction")
    package = tmp_path / "task"
    with zipfile.ZipFile(archive) as zipped:
        unzipped = sum(info.file_size for info in zipped.infolist())
        zipped.extractall(package)
    REPORT.append(f"indexer asset: {archive.stat().st_size / MIB:.2f} MiB zipped, {unzipped / MIB:.2f} MiB unzipped")
    assert unzipped < UNZIPPED_LIMIT
    assert (package / "chalicelib" / "synonyms.txt").is_file()
    assert not (package / "app.py").exists()
    loaded = _probe(package, lambda_runtime, INDEXER_MODULES, tmp_path)
    for name in COMPILED:
        assert loaded[name].startswith(str(package)), loaded[name]
