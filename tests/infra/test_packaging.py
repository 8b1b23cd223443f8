"""The code that would be deployed installs and imports on the Lambda runtime's Python.

Each package is loaded in a fresh interpreter (this machine's CPython 3.11, the
functions' runtime) whose path holds only the package and what the Lambda runtime itself
provides (boto3 and its dependencies), in Lambda's order: the package first. The api
package also answers a search there (against a stub OpenSearch), writing no bytecode, as
on Lambda's read-only ``/var/task``: every module it loads from the package must come with
the unchecked-hash ``.pyc`` the build compiled (``infra/lambda_package.py``).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import pytest

from devstack import local_routes, outbox, web
from devstack.stack import stage_environment
from infra import lambda_package
from infra.lambda_package import REPORT_NAME, UNUSED_PACKAGES, finish_package
from tests.infra.conftest import REPORT, Synthesised
from tests.infra.roles import function_id

# What Lambda's Python runtime puts on the path after the function's code.
LAMBDA_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
MIB = 1024 * 1024
# Lambda's limit on a function's unzipped code (and layers).
UNZIPPED_LIMIT = 250 * MIB

# X-Ray subsegments (loaded only when tracing is on; the botocore patch against the runtime's botocore).
TRACING_MODULES = ("chalicelib.tracing", "aws_xray_sdk.core", "aws_xray_sdk.ext.botocore.patch", "wrapt")
API_MODULES = (
    "app",
    "chalicelib.deps",
    "chalicelib.adapters.opensearch_index",
    "chalicelib.adapters.dynamodb_store",
    "chalicelib.enquiries.endpoint",
    "chalicelib.enquiries.notify",
    "opensearchpy",
    "pydantic_core",
    "orjson",
    "email_validator",
    "phonenumbers",
    "ulid",
    "aws_lambda_powertools.utilities.idempotency",
    *TRACING_MODULES,
)
INDEXER_MODULES = (
    "indexer.handler",
    "indexer.reindex",
    "indexer.sources",
    "chalicelib.index_schema",
    "opensearchpy",
    *TRACING_MODULES,
)
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
# The api function's first search, as Lambda's runtime calls it, then notify's handler and
# the SigV4 signer the deployed stages use; what was loaded, and from where.
_SEARCH_PROBE = """
import importlib, json, os, sys
package, runtime = sys.argv[1], sys.argv[2]
sys.path[:0] = [package, runtime]
path, query = "/specialists", {"q": "cardiolgy"}  # misspelt: the spelling msearch too
event = {
    "resource": path, "path": path, "httpMethod": "GET",
    "headers": {"Accept": "application/json", "Host": "api.example"},
    "multiValueHeaders": {"Accept": ["application/json"], "Host": ["api.example"]},
    "queryStringParameters": query, "multiValueQueryStringParameters": {k: [v] for k, v in query.items()},
    "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
    "requestContext": {"resourcePath": path, "httpMethod": "GET", "path": "/api" + path, "stage": "api",
                       "requestId": "packaging-probe", "identity": {"sourceIp": "203.0.113.9"}},
}
class Context:
    function_name = aws_request_id = "packaging-probe"
    def get_remaining_time_in_millis(self):
        return 30_000
app = importlib.import_module("app")
answer = app.app(event, Context())
assert callable(app.notify)
from botocore.credentials import Credentials
from opensearchpy import Urllib3AWSV4SignerAuth
signed = Urllib3AWSV4SignerAuth(Credentials("AKIDEXAMPLE", "secret"), "eu-west-2", "es")(
    "POST", "https://search.example/specialists/_search", b"{}"
)
from_package = [m for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith(package)]
print(json.dumps({
    "status": answer["statusCode"],
    "body": answer["body"][:500],
    "signed": "Authorization" in signed,
    "loaded": sorted({name.partition(".")[0] for name in sys.modules}),
    "from_package": len(from_package),
    "without_bytecode": sorted(
        m.__file__ for m in from_package
        if m.__file__.endswith(".py") and not (m.__cached__ and os.path.isfile(m.__cached__))
    ),
}))
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


class _StubSearch(BaseHTTPRequestHandler):
    """An OpenSearch that holds nobody: every search finds no one, with an empty bucket list
    for each aggregation asked for, as a real empty index answers."""

    asked: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        _StubSearch.asked.append(f"POST {self.path.partition('?')[0]}")
        data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        if self.path.partition("?")[0].endswith("/_msearch"):
            bodies = [json.loads(line) for line in data.splitlines() if line.strip()][1::2]
            answer: dict[str, Any] = {"took": 1, "responses": [{**_nobody(body), "status": 200} for body in bodies]}
        else:
            answer = _nobody(json.loads(data or b"{}"))
        self._send(answer)

    def do_GET(self) -> None:
        self._send({"cluster_name": "stub", "status": "green"})

    def _send(self, answer: dict[str, Any]) -> None:
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def _nobody(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "took": 1,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
        "aggregations": _empty_aggregations(body.get("aggs") or body.get("aggregations") or {}),
    }


def _empty_aggregations(asked: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    for name, spec in asked.items():
        inner = _empty_aggregations(spec.get("aggs") or spec.get("aggregations") or {})
        if "terms" in spec or "histogram" in spec or "significant_terms" in spec:
            answer[name] = {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []}
        elif "filters" in spec:  # one bucket per filter, in order (an anonymous list)
            answer[name] = {"buckets": [{"doc_count": 0, **inner} for _ in spec["filters"]["filters"]]}
        elif "geo_centroid" in spec:
            answer[name] = {"count": 0}
        elif any(kind in spec for kind in ("cardinality", "max", "min", "sum", "avg", "value_count")):
            answer[name] = {"value": None}
        else:  # single-bucket: filter, nested, global, ...
            answer[name] = {"doc_count": 0, **inner}
    return answer


@pytest.fixture(scope="module")
def stub_search() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubSearch)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def api_archive(synthesised: Synthesised) -> Path:
    archive = _code_asset(synthesised, "APIHandler")
    assert archive == _code_asset(synthesised, "Notify")
    return archive


def test_api_package_imports_on_the_lambda_python_and_fits(
    synthesised: Synthesised, api_archive: Path, lambda_runtime: Path, tmp_path: Path
) -> None:
    archive = api_archive
    package = tmp_path / "task"
    with zipfile.ZipFile(archive) as zipped:
        unzipped = sum(info.file_size for info in zipped.infolist())
        zipped.extractall(package)
    REPORT.append(
        f"api package (chalice, then compiled): {archive.stat().st_size / MIB:.2f} MiB zipped, "
        f"{unzipped / MIB:.2f} MiB unzipped"
    )
    for report in sorted((synthesised.outdir.parent / "chalice.out").glob(f"*/{REPORT_NAME}"))[:1]:
        built = json.loads(report.read_text(encoding="utf-8"))
        REPORT.append(
            f"  as chalice packaged it: {built['chalice_zipped_bytes'] / MIB:.2f} MiB zipped, "
            f"{built['chalice_unzipped_bytes'] / MIB:.2f} MiB unzipped; dropped "
            + ", ".join(f"{top} {size / MIB:.2f} MiB" for top, size in built["dropped_bytes"].items())
        )
    assert unzipped < UNZIPPED_LIMIT
    assert not any(package.glob("boto3*")), "Lambda provides boto3; the package must not ship its own"
    assert not any(package.glob("botocore*")), "nor botocore, which boto3 must find in the runtime"
    loaded = _probe(package, lambda_runtime, API_MODULES, tmp_path)
    for name in COMPILED:
        assert loaded[name].startswith(str(package)), loaded[name]
        assert "x86_64-linux-gnu" in Path(loaded[name]).parent.name or any(
            "x86_64" in path.name for path in Path(loaded[name]).parent.glob("*.so")
        )


def test_api_package_answers_a_search_from_its_own_bytecode(
    api_archive: Path, lambda_runtime: Path, stub_search: str, tmp_path: Path
) -> None:
    """No site-packages, no bytecode written: the first search, notify's handler and the
    request signer work without what the build dropped, and load only compiled modules."""
    package = tmp_path / "task"
    with zipfile.ZipFile(api_archive) as zipped:
        zipped.extractall(package)
    env = {
        **stage_environment(),
        "OPENSEARCH_URL": stub_search,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    answer = subprocess.run(
        [sys.executable, "-S", "-E", "-B", "-c", _SEARCH_PROBE, str(package), str(lambda_runtime)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr[-3000:]
    found = json.loads(answer.stdout.strip().splitlines()[-1])
    assert found["status"] == 200, found["body"]
    assert json.loads(found["body"])["total"] == 0, found["body"]
    # The vocabulary, the search as understood, then (nobody found) the ladder and the spelling in one msearch.
    assert set(_StubSearch.asked) == {"POST /specialists/_search", "POST /specialists/_msearch"}, _StubSearch.asked
    assert found["signed"]
    assert {"opensearchpy", "urllib3", "chalicelib", "chalice"} <= set(found["loaded"])
    assert not set(UNUSED_PACKAGES) & set(found["loaded"])
    assert found["from_package"] > 100
    assert found["without_bytecode"] == []


def _importable(name: str) -> bool:
    path = PurePosixPath(name)
    return path.suffix == ".py" and all(part.isidentifier() for part in (*path.parent.parts, path.stem))


def test_api_package_ships_unchecked_hash_bytecode_for_every_module(api_archive: Path) -> None:
    """PEP 552: after the magic number, a flags word (bit 0: hash-based, bit 1: check the
    source), then the source's SipHash; an unchecked-hash ``.pyc`` is loaded as it is.
    Every ``.pyc`` shipped is one of these, beside its source: none came from a checkout
    (those are timestamp-based, flags 0)."""
    with zipfile.ZipFile(api_archive) as zipped:
        names = set(zipped.namelist())
        sources = sorted(name for name in names if _importable(name))
        expected = {importlib.util.cache_from_source(source): source for source in sources}
        assert len(sources) > 1000
        assert {"app.py", "chalicelib/__init__.py", "opensearchpy/__init__.py"} <= set(sources)
        for compiled, source in expected.items():
            assert compiled in names, f"no bytecode for {source}"
            header = zipped.read(compiled)[:16]
            assert header[:4] == importlib.util.MAGIC_NUMBER, compiled
            assert int.from_bytes(header[4:8], "little") == 0b01, f"{compiled} is not unchecked-hash"
            assert header[8:16] == importlib.util.source_hash(zipped.read(source)), f"{compiled} is stale"
        shipped = {name for name in names if name.endswith((".pyc", ".pyo")) or "/__pycache__/" in f"/{name}"}
        assert shipped == set(expected), sorted(shipped ^ set(expected))[:10]
        assert not {name.partition("/")[0] for name in names} & {"grpc", "google", *UNUSED_PACKAGES}
        stamps = {info.date_time for info in zipped.infolist()}
        assert stamps == {(1980, 1, 1, 0, 0, 0)}
        assert [info.filename for info in zipped.infolist()] == sorted(names)


def _local_stack_files() -> list[Path]:
    """The demo page and its assets, the outbox and the local routes: the local stack's only."""
    modules = (Path(local_routes.__file__ or ""), Path(outbox.__file__ or ""))
    return [*sorted(path for path in web.WEB_DIR.iterdir() if path.is_file()), *modules]


def test_api_package_holds_nothing_of_the_local_stack(synthesised: Synthesised, api_archive: Path) -> None:
    """No demo page or asset, no outbox, nothing of ``devstack/``: not by name, nor by content
    under another name; and neither stage's API has a path of the local stack."""
    local_files = _local_stack_files()
    assert {path.name for path in local_files} >= {web.PAGE, *web.ASSETS, "outbox.py"}
    assert all(path.stat().st_size > 0 for path in local_files)  # an empty file's digest is everywhere
    local_digests = {hashlib.sha256(path.read_bytes()).hexdigest(): path.name for path in local_files}
    with zipfile.ZipFile(api_archive) as zipped:
        names = [info.filename for info in zipped.infolist()]
        same_bytes = {
            name: local_digests[digest]
            for name in names
            if (digest := hashlib.sha256(zipped.read(name)).hexdigest()) in local_digests
        }
    ours = [name for name in names if name == "app.py" or name.startswith("chalicelib/")]

    assert same_bytes == {}
    assert [name for name in names if name.partition("/")[0] == "devstack"] == []
    assert [name for name in names if PurePosixPath(name).name == web.PAGE] == []
    assert [name for name in ours if PurePosixPath(name).name in web.ASSETS or "outbox" in name] == []
    for stage in synthesised.config.stages:
        _, api = synthesised.only(stage, "AWS::Serverless::Api")
        paths = api["Properties"]["DefinitionBody"]["paths"]
        assert [path for path in local_routes.LOCAL_PATHS if path in paths] == [], stage
        assert "/specialists" in paths


def _small_chalice_zip(path: Path, when: tuple[int, int, int, int, int, int]) -> None:
    files = {
        "app.py": b"WORDS = {'a', 'b', 'c', 'd'}\n",
        "chalicelib/__init__.py": b"",
        "chalicelib/__pycache__/__init__.cpython-311.pyc": b"stale bytecode from a checkout",
        "chalicelib/__pycache__/gone.cpython-311.pyc": b"bytecode of a module deleted since",
        "grpc/__init__.py": b"raise ImportError('unused')\n",
        "grpcio-1.0.dist-info/METADATA": b"Name: grpcio\n",
        "mylib-1.0.data/scripts/tool.py": b"print('not importable')\n",
        "mylib/helper.py": b"def helper(): return 1\n",
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, data in files.items():
            zipped.writestr(zipfile.ZipInfo(name, date_time=when), data)


@pytest.fixture
def own_build_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finished zips cached here, not beside the real ones."""
    monkeypatch.setattr(lambda_package, "BUILD_DIR", tmp_path / "build")


@pytest.mark.usefixtures("own_build_dir")
def test_finishing_is_reproducible_and_replaces_checkout_bytecode(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "deployment.zip", tmp_path / "two" / "deployment.zip"
    for archive, when in ((first, (2020, 1, 2, 3, 4, 5)), (second, (2024, 6, 7, 8, 9, 10))):
        archive.parent.mkdir()
        _small_chalice_zip(archive, when)
        finish_package(archive)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zipped:
        names = zipped.namelist()
        compiled = zipped.read("chalicelib/__pycache__/__init__.cpython-311.pyc")
    assert names == sorted(
        [
            "__pycache__/app.cpython-311.pyc",
            "app.py",
            "chalicelib/__init__.py",
            "chalicelib/__pycache__/__init__.cpython-311.pyc",
            "mylib-1.0.data/scripts/tool.py",
            "mylib/__pycache__/helper.cpython-311.pyc",
            "mylib/helper.py",
        ]
    )
    assert compiled[:4] == importlib.util.MAGIC_NUMBER
    report = json.loads((first.parent / REPORT_NAME).read_text(encoding="utf-8"))
    assert set(report["dropped_bytes"]) == {"grpc", "grpcio-1.0.dist-info"}
    assert len(report["stray_bytecode"]) == 2
    assert report["compiled"] == 3


@pytest.mark.usefixtures("own_build_dir")
def test_finishing_refuses_another_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lambda_package, "LAMBDA_PYTHON", "3.99")
    archive = tmp_path / "deployment.zip"
    _small_chalice_zip(archive, (2020, 1, 1, 0, 0, 0))
    with pytest.raises(RuntimeError, match=r"the functions run Python 3\.99; .* synthesise with Python 3\.99"):
        finish_package(archive)


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
    assert not any(package.glob("botocore*")), "Lambda provides botocore; the asset must not ship its own"
    loaded = _probe(package, lambda_runtime, INDEXER_MODULES, tmp_path)
    for name in COMPILED:
        assert loaded[name].startswith(str(package)), loaded[name]
