"""The api and notify functions' deployment zip, finished after ``chalice package``.

Lambda's ``/var/task`` is read-only, so Python cannot cache the bytecode it compiles there:
a zip without ``.pyc`` files makes every cold start compile every module it imports
(opensearch-py, urllib3, requests, dateutil, ...). This step rewrites the zip that
``chalice package`` writes, before the CDK asset is made from it:

* drops the ``__pycache__`` directories and ``.pyc`` files ``chalice package`` copied from
  this checkout's ``chalicelib/`` (whatever happened to be there: not reproducible);
* drops the distributions the functions never import (``UNUSED``): opensearch-py 3 requires
  opensearch-protobufs, which brings grpc and protobuf, but its synchronous HTTP client
  imports none of them (``tests/infra/test_packaging.py`` imports and answers a search
  from the finished package, in an interpreter that sees nothing else);
* drops the copy of botocore the X-Ray SDK requires (``RUNTIME_PROVIDED``): the Lambda runtime
  provides botocore, and boto3 must find the runtime's, which its own version was built with;
* compiles every module Python could import from the package with the Lambda runtime's
  Python version, as *unchecked-hash* ``.pyc`` files (PEP 552) in ``__pycache__/`` beside
  each source: Python loads them without comparing the source's mtime (which the zip
  does not keep) or hash;
* writes the entries sorted, with fixed timestamps and modes, compiled with a fixed hash
  seed, so the same sources give the same bytes (and the same asset hash) on every synth.

``package-report.json`` beside the zip records what changed (``bench/cold_start.py`` reads it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from chalice.cdk import Chalice

from infra.bundle import _EPOCH, BUILD_DIR, LAMBDA_PYTHON, RUNTIME_PROVIDED

# Top-level names (import packages and their ``.dist-info`` directories, by distribution)
# that no function imports: opensearch-py's protobuf/gRPC transport and what it pulls in.
UNUSED_PACKAGES = ("grpc", "google", "opensearch")
UNUSED_DISTRIBUTIONS = ("grpcio", "protobuf", "opensearch_protobufs")
REPORT_NAME = "package-report.json"
# Finished zips are kept in BUILD_DIR by the hash of their input (and of this step), so the
# second stage and the next synth of unchanged code reuse them; only the newest few stay.
KEEP_FINISHED = 4
CACHE_TAG = f"cpython-{LAMBDA_PYTHON.replace('.', '')}"
# Where Lambda unpacks the function's code: the path compiled into the code objects
# (Python replaces it with the real source path when it loads them).
TASK_ROOT = "/var/task"

_COMPILE = """
import json, py_compile, sys
root, tag, task_root = sys.argv[1], sys.argv[2], sys.argv[3]
if sys.implementation.cache_tag != tag:
    raise SystemExit(f"this Python writes {sys.implementation.cache_tag} bytecode, not {tag}")
failed = []
for source, compiled in json.load(sys.stdin):
    try:
        py_compile.compile(
            f"{root}/{source}", cfile=f"{root}/{compiled}", dfile=f"{task_root}/{source}", doraise=True,
            optimize=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError as error:
        failed.append([source, str(error.exc_value)])
print(json.dumps(failed))
"""


@dataclass
class PackageReport:
    chalice_zipped_bytes: int
    chalice_unzipped_bytes: int
    zipped_bytes: int = 0
    unzipped_bytes: int = 0
    stray_bytecode: list[str] = field(default_factory=list)
    dropped_bytes: dict[str, int] = field(default_factory=dict)
    compiled: int = 0
    not_compiled: list[list[str]] = field(default_factory=list)
    """Sources that are not valid Python 3.11 (no import could load them either)."""


class CompiledChalice(Chalice):
    """``chalice.cdk.Chalice`` whose deployment zip is finished by ``finish_package``
    between ``chalice package`` and the asset the construct makes of it."""

    def _package_app(self) -> None:
        super()._package_app()
        finish_package(Path(self._sam_package_dir) / "deployment.zip")


def check_python() -> None:
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if running != LAMBDA_PYTHON:
        raise RuntimeError(
            f"the functions run Python {LAMBDA_PYTHON}; bytecode compiled by Python {running} would be ignored "
            f"there (and chalice would declare runtime python{running}): synthesise with Python {LAMBDA_PYTHON}"
        )


def is_unused(name: str) -> bool:
    top = name.partition("/")[0]
    if top in UNUSED_PACKAGES or top in RUNTIME_PROVIDED:
        return True
    distribution, dash, _ = top.partition("-")
    dropped = (*UNUSED_DISTRIBUTIONS, *RUNTIME_PROVIDED)
    return bool(dash) and top.endswith(".dist-info") and distribution.lower() in dropped


def is_stray_bytecode(name: str) -> bool:
    return name.endswith((".pyc", ".pyo")) or "__pycache__" in name.split("/")


def importable(name: str) -> bool:
    """A ``.py`` file Python could import by a dotted name from the package root."""
    path = PurePosixPath(name)
    return path.suffix == ".py" and all(part.isidentifier() for part in (*path.parent.parts, path.stem))


def bytecode_name(source: str) -> str:
    path = PurePosixPath(source)
    return str(path.parent / "__pycache__" / f"{path.stem}.{CACHE_TAG}.pyc").removeprefix("./")


def finish_package(archive: Path) -> PackageReport:
    """Rewrite ``archive`` in place (see the module's docstring) and return what changed."""
    check_python()
    step = Path(__file__).read_bytes() + sys.version.encode() + repr(RUNTIME_PROVIDED).encode()
    digest = hashlib.sha256(archive.read_bytes() + step).hexdigest()[:24]
    cached = BUILD_DIR / f"api-package-{digest}.zip"
    cached_report = cached.with_suffix(".json")
    if cached.is_file() and cached_report.is_file():
        shutil.copyfile(cached, archive)
        shutil.copyfile(cached_report, archive.parent / REPORT_NAME)
        return PackageReport(**json.loads(cached_report.read_text(encoding="utf-8")))
    report = _finish(archive)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    for source, target in ((archive, cached), (archive.parent / REPORT_NAME, cached_report)):
        staging = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, staging)
        os.replace(staging, target)  # atomic: a concurrent synth sees the whole file or none
    finished = sorted(BUILD_DIR.glob("api-package-*.zip"), key=lambda path: path.stat().st_mtime, reverse=True)
    for old in finished[KEEP_FINISHED:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".json").unlink(missing_ok=True)
    return report


def _finish(archive: Path) -> PackageReport:
    with zipfile.ZipFile(archive) as original:
        entries = [info for info in original.infolist() if not info.is_dir()]
        report = PackageReport(archive.stat().st_size, sum(info.file_size for info in entries))
        kept: dict[str, tuple[zipfile.ZipInfo, bytes]] = {}
        for info in entries:
            if is_stray_bytecode(info.filename):
                report.stray_bytecode.append(info.filename)
            elif is_unused(info.filename):
                top = info.filename.partition("/")[0]
                report.dropped_bytes[top] = report.dropped_bytes.get(top, 0) + info.file_size
            else:
                kept[info.filename] = (info, original.read(info))
    compiled = _compile({name: data for name, (_, data) in kept.items() if importable(name)}, report)
    written = archive.with_name(archive.name + ".tmp")
    with zipfile.ZipFile(written, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        contents = {name: (info.external_attr, data) for name, (info, data) in kept.items()}
        contents.update({name: (0o644 << 16, data) for name, data in compiled.items()})
        for name in sorted(contents):
            attributes, data = contents[name]
            entry = zipfile.ZipInfo(name, date_time=_EPOCH)
            entry.external_attr = attributes or 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, whatever the build machine
            zipped.writestr(entry, data)
        report.unzipped_bytes = sum(len(data) for _, data in contents.values())
    os.replace(written, archive)
    report.zipped_bytes = archive.stat().st_size
    report.compiled = len(compiled)
    (archive.parent / REPORT_NAME).write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return report


def _compile(sources: dict[str, bytes], report: PackageReport) -> dict[str, bytes]:
    """Unchecked-hash bytecode of ``sources``, by the name it has in the zip. Compiled in a
    child with a fixed hash seed: constant sets are marshalled in their iteration order."""
    with tempfile.TemporaryDirectory(prefix="bytecode-") as scratch:
        root = Path(scratch)
        for name, data in sources.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        pairs = sorted((name, bytecode_name(name)) for name in sources)
        done = subprocess.run(
            [sys.executable, "-S", "-s", "-B", "-c", _COMPILE, str(root), CACHE_TAG, TASK_ROOT],
            input=json.dumps(pairs),
            env={"PYTHONHASHSEED": "0", "PATH": os.environ.get("PATH", "")},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"compiling the deployment package failed: {done.stderr[-2000:]}")
        report.not_compiled = json.loads(done.stdout)
        failed = {source for source, _ in report.not_compiled}
        return {compiled: (root / compiled).read_bytes() for source, compiled in pairs if source not in failed}
