"""Lambda code built on this machine for the Lambda runtime: manylinux wheels of
``requirements.txt`` for CPython 3.11 on x86_64, plus our own packages.

Chalice does this for the api and notify functions; the indexer's asset is built here the
same way (no Docker). The installed dependencies are cached outside the repository (so no
linter walks them), in ``$INFRA_BUILD_DIR`` or ``~/.cache/find-a-specialist/lambda``, by
the hash of ``requirements.txt``: a second synth downloads nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = REPO / "requirements.txt"
BUILD_DIR = Path(os.environ.get("INFRA_BUILD_DIR") or Path.home() / ".cache" / "find-a-specialist" / "lambda")
LAMBDA_PYTHON = "3.11"
LAMBDA_PLATFORM = "manylinux2014_x86_64"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
# Required by a dependency (aws-xray-sdk) but provided by the Lambda runtime, with the boto3
# built against it: left out of both packages (the indexer's here, the api's in lambda_package).
RUNTIME_PROVIDED = ("botocore",)


def runtime_dependencies(requirements: Path = REQUIREMENTS) -> Path:
    """A directory holding the installed runtime dependencies, built once per requirements file."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    target = BUILD_DIR / f"deps-{LAMBDA_PLATFORM}-cp{LAMBDA_PYTHON.replace('.', '')}-{digest}"
    if target.is_dir():
        return target
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="deps-", dir=BUILD_DIR))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(staging),
            "--platform",
            LAMBDA_PLATFORM,
            "--implementation",
            "cp",
            "--python-version",
            LAMBDA_PYTHON,
            "--only-binary=:all:",
            "-r",
            str(requirements),
        ],
        check=True,
    )
    try:
        os.rename(staging, target)  # atomic: a concurrent build of the same hash wins or loses whole
    except OSError:
        shutil.rmtree(staging)
    return target


def _runtime_provided(top: str) -> bool:
    """``top`` (a top-level name in the package) is a package in :data:`RUNTIME_PROVIDED` or its ``.dist-info``."""
    return top in RUNTIME_PROVIDED or (top.endswith(".dist-info") and top.partition("-")[0].lower() in RUNTIME_PROVIDED)


@contextmanager
def indexer_code() -> Iterator[Path]:
    """The indexer function's deployment zip, alive while the CDK app is synthesised
    (the asset is copied into the cloud assembly, so it may go afterwards).

    A zip rather than a directory: the cloud assembly then holds no Python files for a
    linter or type checker to walk, and the bytes are the same on every synth (fixed
    timestamps, sorted entries), so an unchanged function is not redeployed.
    """
    deps = runtime_dependencies()
    roots = [(deps, deps), *((REPO / package, REPO) for package in ("indexer", "chalicelib"))]
    files = sorted(
        (path.relative_to(base).as_posix(), path)
        for root, base in roots
        for path in root.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix != ".pyc"
        and not _runtime_provided(path.relative_to(base).parts[0])
    )
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="indexer-", dir=BUILD_DIR) as scratch:
        archive = Path(scratch) / "indexer.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for name, path in files:
                entry = zipfile.ZipInfo(name, date_time=_EPOCH)
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                zipped.writestr(entry, path.read_bytes())
        yield archive
