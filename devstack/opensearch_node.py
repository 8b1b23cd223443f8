"""A real single-node OpenSearch for the tests and the local stack, run from Maven jars.

The node is ``devstack/opensearch-node/`` (a pom plus one class, ``findaspecialist.LocalNode``);
this module builds it when needed and runs it as a child JVM. Standard library only, so it
works before the virtualenv has anything in it.

The JVM never outlives its Python parent:

* it runs in its own session, so Ctrl-C reaches only Python, which then stops it in order;
* its stdin is a pipe that Python keeps open: when Python dies, the pipe reaches EOF and the
  node closes itself (``LocalNode`` watches stdin);
* on Linux, ``PR_SET_PDEATHSIG`` also sends it SIGTERM when the parent dies (see
  ``devstack.processes.parent_death_signal`` for why that guard is only used from the main thread).

Run one by hand::

    python -m devstack.opensearch_node [--port 9200]
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from devstack.processes import log_tail, parent_death_signal

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType, TracebackType

PROJECT_DIR = Path(__file__).resolve().parent / "opensearch-node"
TARGET_DIR = PROJECT_DIR / "target"
JAR = TARGET_DIR / "opensearch-node.jar"
LIB_DIR = TARGET_DIR / "lib"
# Written after a successful build: a digest of the pom and the sources it was built from.
BUILD_STAMP = TARGET_DIR / "build.sha256"
MAIN_CLASS = "findaspecialist.LocalNode"
MAX_HEAP_MB = 1024

# From OpenSearch's own config/jvm.options, minus what only matters for production.
JVM_OPTIONS: tuple[str, ...] = (
    # OpenSearch's date handling expects its ISO calendar provider (an SPI in the jar).
    "-Djava.locale.providers=SPI,COMPAT",
    "-Dfile.encoding=UTF-8",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dlog4j2.disable.jmx=true",
    "-Djna.nosys=true",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
)

_STARTED_LINE = re.compile(rb"LocalNode started http=([^\s:]+):(\d+)")
_PR_SET_PDEATHSIG = 1


class OpenSearchNodeError(RuntimeError):
    """The node could not be built or did not become ready."""


# --------------------------------------------------------------------------- build


def _sources_digest() -> str:
    digest = hashlib.sha256()
    files = [PROJECT_DIR / "pom.xml", *sorted((PROJECT_DIR / "src").rglob("*"))]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT_DIR)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _is_built(digest: str) -> bool:
    try:
        return JAR.is_file() and LIB_DIR.is_dir() and BUILD_STAMP.read_text().strip() == digest
    except OSError:
        return False


def _run_maven(offline: bool) -> subprocess.CompletedProcess[str]:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise OpenSearchNodeError("mvn is not on PATH: it is needed once to build devstack/opensearch-node/")
    argv = [mvn, "-B", "-q", *(["-o"] if offline else []), "package"]
    return subprocess.run(argv, cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)


def build_launcher() -> list[str]:
    """Build the node's jars if the pom or the sources changed; return ``[java, -cp, CLASSPATH]``.

    Maven runs offline first (``-o``: fast, and enough once the local repository has the
    jars) and online only if that fails. A file lock serialises concurrent callers (pytest-xdist
    workers), and ``target/lib`` is emptied before a build so no stale jar stays on the classpath.
    """
    java = shutil.which("java")
    if java is None:
        raise OpenSearchNodeError("java (17 or later) is not on PATH")
    digest = _sources_digest()
    if not _is_built(digest):
        TARGET_DIR.mkdir(parents=True, exist_ok=True)
        with open(TARGET_DIR / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not _is_built(digest):  # another process may have built it meanwhile
                BUILD_STAMP.unlink(missing_ok=True)
                shutil.rmtree(LIB_DIR, ignore_errors=True)
                result = _run_maven(offline=True)
                if result.returncode != 0:
                    result = _run_maven(offline=False)
                if result.returncode != 0:
                    raise OpenSearchNodeError(
                        f"building {PROJECT_DIR} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
                    )
                BUILD_STAMP.write_text(digest + "\n")
    return [java, "-cp", f"{JAR}{os.pathsep}{LIB_DIR / '*'}"]


# --------------------------------------------------------------------------- process guards


# No proxy for loopback, whatever http_proxy says.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(url: str, timeout: float) -> tuple[int, Any]:
    """GET ``url``; (status, parsed body), also for error statuses (408 from a health wait)."""
    try:
        with _HTTP.open(url, timeout=timeout) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, body.decode(errors="replace")


# --------------------------------------------------------------------------- node


class OpenSearchNode:
    """One OpenSearch node in a child JVM, bound to 127.0.0.1.

    ``port=0`` picks a free HTTP port. Without ``data_dir`` the node lives in a fresh temporary
    directory that ``stop()`` removes; a given ``data_dir`` is kept (its indices survive a restart).
    """

    def __init__(self, port: int = 0, heap_mb: int = 768, data_dir: Path | None = None) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port out of range: {port}")
        if not 64 <= heap_mb <= MAX_HEAP_MB:
            raise ValueError(f"heap_mb must be between 64 and {MAX_HEAP_MB}, got {heap_mb}")
        self._requested_port = port
        self._heap_mb = heap_mb
        self._owns_data_dir = data_dir is None
        self._data_dir = data_dir
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._url: str | None = None
        self._lock = threading.RLock()  # stop() runs inside start() on failure

    # ---- properties

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once ``start()`` returned."""
        if self._url is None:
            raise OpenSearchNodeError("the node is not started")
        return self._url

    @property
    def pid(self) -> int:
        """The JVM's process id (also after it exited, until the next ``start()``)."""
        if self._process is None:
            raise OpenSearchNodeError("the node was never started")
        return self._process.pid

    @property
    def data_dir(self) -> Path:
        """The node's home: ``data/``, ``logs/``, ``node.log`` (the JVM's stdout and stderr)."""
        if self._data_dir is None:
            raise OpenSearchNodeError("the node was never started")
        return self._data_dir

    @property
    def log_path(self) -> Path:
        return self.data_dir / "node.log"

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def rss_bytes(self) -> int:
        """Resident memory of the JVM (``VmRSS`` from ``/proc/PID/status``)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
        if match is None:
            raise OpenSearchNodeError(f"no VmRSS for pid {self.pid} (has it exited?)")
        return int(match.group(1)) * 1024

    # ---- lifecycle

    def start(self, timeout: float = 180.0) -> str:
        """Start the node and wait until the cluster is green; return its URL.

        ``timeout`` starts once the jars are built (a first Maven build is not counted). On
        failure the JVM is stopped and the error carries the tail of its log.
        """
        with self._lock:
            if self.is_running():
                raise OpenSearchNodeError(f"already running at {self._url}")
            launcher = build_launcher()
            deadline = time.monotonic() + timeout
            argv = [
                *launcher,
                f"-Xms{self._heap_mb}m",
                f"-Xmx{self._heap_mb}m",
                *JVM_OPTIONS,
            ]
            if self._data_dir is None:
                self._data_dir = Path(tempfile.mkdtemp(prefix="opensearch-node-"))
            home = self._data_dir
            (home / "tmp").mkdir(parents=True, exist_ok=True)
            # A kept data_dir holds the last run's ports file: it must not be read as this run's.
            (home / "logs" / "http.ports").unlink(missing_ok=True)
            argv.append(f"-Djava.io.tmpdir={home / 'tmp'}")
            if self._owns_data_dir:
                # The JVM removes its temporary home itself, even when this process is SIGKILLed.
                argv.append("-Dlocalnode.delete_home=true")
            argv += [MAIN_CLASS, str(home), str(self._requested_port)]

            self._log_file = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
            self._url = None
            atexit.register(self.stop)
            try:
                self._process = subprocess.Popen(
                    argv,
                    stdin=subprocess.PIPE,  # kept open: EOF tells the node that its parent is gone
                    stdout=self._log_file,
                    stderr=subprocess.STDOUT,
                    cwd=home,
                    start_new_session=True,
                    preexec_fn=parent_death_signal(),
                    close_fds=True,
                )
            except BaseException:
                self.stop()
                raise
        try:
            self._url = self._wait_until_ready(deadline)
        except BaseException:
            self.stop()
            raise
        return self._url

    def _wait_until_ready(self, deadline: float) -> str:
        port = self._wait_for_started_line(deadline)
        if self._requested_port == 0:
            port = int((self.data_dir / "logs" / "http.ports").read_text().split()[0].rsplit(":", 1)[1])
        url = f"http://127.0.0.1:{port}"
        while True:
            self._check_alive()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._failure(f"the cluster did not turn green at {url}")
            wait_s = max(1, min(10, int(remaining)))
            try:
                _, health = _get_json(
                    f"{url}/_cluster/health?wait_for_status=green&timeout={wait_s}s", timeout=wait_s + 5
                )
            except OSError:
                time.sleep(0.2)
                continue
            if isinstance(health, dict) and health.get("status") == "green":
                return url

    def _wait_for_started_line(self, deadline: float) -> int:
        """``LocalNode`` prints this line only once the node (and its cluster settings) are ready."""
        while True:
            with contextlib.suppress(OSError):
                match = _STARTED_LINE.search(self.log_path.read_bytes())
                if match is not None:
                    return int(match.group(2))
            self._check_alive()
            if time.monotonic() > deadline:
                raise self._failure("the node did not start in time")
            time.sleep(0.1)

    def _check_alive(self) -> None:
        assert self._process is not None
        code = self._process.poll()
        if code is not None:
            raise self._failure(f"the node exited with code {code}")

    def _failure(self, message: str) -> OpenSearchNodeError:
        # A temporary data dir (and the log in it) is removed by stop(): only a kept one is worth naming.
        where = "log tail" if self._owns_data_dir else f"log {self.log_path}"
        return OpenSearchNodeError(f"{message}; {where}:\n{log_tail(self.log_path, lines=60)}")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the JVM, wait up to ``timeout`` seconds, then SIGKILL. Idempotent."""
        with self._lock:
            atexit.unregister(self.stop)
            process = self._process
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    process.wait(timeout=10)
            if process is not None and process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
            self._url = None
            if self._owns_data_dir and self._data_dir is not None:
                shutil.rmtree(self._data_dir, ignore_errors=True)
                self._data_dir = None

    def __enter__(self) -> OpenSearchNode:
        if not self.is_running():
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


# --------------------------------------------------------------------------- command line


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so that ``finally`` blocks (and ``stop()``) run."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a local OpenSearch node in the foreground.")
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one)")
    parser.add_argument("--heap-mb", type=int, default=768, help="JVM heap in MiB (at most 1024)")
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the node's data here (default: a temp dir)")
    parser.add_argument("--build-only", action="store_true", help="build the launcher's jars if needed, then exit")
    args = parser.parse_args(argv)
    if args.build_only:
        build_launcher()
        return 0
    node = OpenSearchNode(port=args.port, heap_mb=args.heap_mb, data_dir=args.data_dir)
    with _sigterm_as_exit():
        try:
            started = time.monotonic()
            url = node.start()
            print(f"OpenSearch ready at {url} ({time.monotonic() - started:.1f} s, pid {node.pid})")
            print(f"log: {node.log_path}; Ctrl-C to stop", flush=True)
            while node.is_running():
                time.sleep(0.5)
            print(f"the node exited; log tail:\n{log_tail(node.log_path)}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            node.stop()


if __name__ == "__main__":
    sys.exit(main())
