"""The whole local stack in one object: OpenSearch node, moto server, API server.

``make run`` runs it in the foreground (``python -m devstack.run``); the end-to-end
tests start their own on free ports, so they can run beside ``make run``.
"""

from __future__ import annotations

import gzip
import logging
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from devstack.opensearch_node import OpenSearchNode
from devstack.processes import free_port, log_tail, start_child, stop_child

if TYPE_CHECKING:
    from collections.abc import Mapping

    import boto3

    from chalicelib.config import Settings
    from devstack.moto_server import SerialMotoServer
    from devstack.stream_worker import StreamWorker

PROJECT_DIR = Path(__file__).resolve().parent.parent
STAGE = "local"
DEMO_COUNT = 2000
DEMO_SEED = 1
TREATMENTS_ALIAS = "treatments"  # chalicelib.config's default


def stage_environment(stage: str = STAGE) -> dict[str, str]:
    """The environment variables ``.chalice/config.json`` gives the stage, and the treatments'
    alias (its default unless the file names one), so the indexer loads the alias the API reads."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(project_dir=str(PROJECT_DIR)).create_config_obj(chalice_stage_name=stage)
    return {"TREATMENTS_ALIAS": TREATMENTS_ALIAS, **config.environment_variables}


class LocalStack:
    def __init__(
        self,
        opensearch_port: int = 0,
        moto_port: int = 0,
        api_port: int = 0,
        workdir: Path | None = None,
        demo_count: int = DEMO_COUNT,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        """``settings``: environment variables that differ from the local stage's, e.g. a reply
        deadline of seconds (``REPLY_WORKING_HOURS``) to watch the follow-ups happen."""
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="fas-stack-"))
        self._settings = dict(settings or {})
        self.demo_count = demo_count
        self.node = OpenSearchNode(port=opensearch_port)
        self.moto_port = moto_port or free_port()
        self.api_port = api_port or free_port()
        self._moto: SerialMotoServer | None = None
        self._api: subprocess.Popen[bytes] | None = None
        self._worker: StreamWorker | None = None

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def api_log(self) -> Path:
        return self.workdir / "api.log"

    def environment(self) -> dict[str, str]:
        """What a process needs to talk to this stack, as the API server gets it."""
        return {
            **stage_environment(),
            "OPENSEARCH_URL": self.node.url,
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_EC2_METADATA_DISABLED": "true",
            # The demo page's origin: the API serves it, under either name of this machine. Set
            # here, not in .chalice/config.json (whose values would override it), as the port varies.
            "CORS_ALLOWED_ORIGINS": f"{self.api_url},http://localhost:{self.api_port}",
            # The team's links open the demo page, which shows their confirmation pages.
            "ENQUIRY_LINK_BASE_URL": f"{self.api_url}/",
            **self._settings,
        }

    def settings(self) -> Settings:
        from chalicelib.config import load_settings

        return load_settings(self.environment())

    def start(self) -> None:
        try:
            self.node.start()
            self._index_demo_catalog()
            self._index_demo_treatments()
            self._start_moto()
            self._provision()
            self._start_worker()
            self._start_api()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        if self._api is not None:
            stop_child(self._api)
            self._api = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        self.node.stop()

    # ---- outages on purpose (tests/faults): a dependency goes away and comes back.

    def restart_search(self) -> None:
        """A new OpenSearch node on the port of the one before (which died or was killed), with
        the demo catalog and the demo treatments indexed again.

        The fault tests SIGKILL the node under load, then need search back where the API server
        and the stream worker were told it is: both keep the URL they started with, so a node on
        another port would leave them failing for good.
        """
        port = urllib.parse.urlsplit(self.node.url).port
        if port is None:  # the node's URL always names its port
            raise RuntimeError(f"no port in {self.node.url}")
        self.node.stop()  # reaps a dead JVM and removes its data directory
        self.node = OpenSearchNode(port=port)
        self.node.start()
        self._index_demo_catalog()
        self._index_demo_treatments()

    def stop_store(self) -> None:
        """Stop the moto server: DynamoDB, SES and SQS refuse connections, as in an outage.

        Its state lives in this process and outlives the server, so :meth:`start_store` brings
        the same tables, stream and outbox back, as the real services keep theirs.
        """
        if self._moto is not None:
            self._moto.stop()
            self._moto = None

    def start_store(self) -> None:
        """Serve the moto state again on the same port (after :meth:`stop_store`)."""
        if self._moto is None:
            self._start_moto()

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _index_demo_catalog(self) -> None:
        """Write the demo catalog and load it with the real indexer's command line."""
        from indexer.demo import generate, write_lines

        self.workdir.mkdir(parents=True, exist_ok=True)
        feed = self.workdir / "demo-catalog.jsonl.gz"
        with gzip.open(feed, "wb") as out:
            write_lines(generate(self.demo_count, seed=DEMO_SEED), out)
        self._run_indexer("the demo catalog", "--source", str(feed))

    def _index_demo_treatments(self) -> None:
        """Write the demo treatments' content and load it the same way, into its own alias."""
        from indexer import demo_treatments

        feed = self.workdir / "demo-treatments.jsonl"
        demo_treatments.write(feed)
        self._run_indexer("the demo treatments", "--feed", "treatments", "--source", str(feed))

    def _run_indexer(self, what: str, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "indexer", *args],
            cwd=PROJECT_DIR,
            env={**os.environ, **self.environment()},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"indexing {what} failed:\n{result.stdout}{result.stderr}")

    def _start_moto(self) -> None:
        from devstack.moto_server import SerialMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per AWS call otherwise

        self._moto = SerialMotoServer("127.0.0.1", self.moto_port)
        self._moto.start()

    def _session(self) -> boto3.Session:
        import boto3

        env = self.environment()
        return boto3.Session(
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name=self.settings().region,
        )

    def _provision(self) -> None:
        from devstack.provision import provision

        provision(self.settings(), self._session(), endpoint_url=self.moto_url)

    def _start_worker(self) -> None:
        """New enquiries to e-mails, as the notify Lambda does from the table's stream."""
        from devstack.stream_worker import local_stream_worker

        self._worker = local_stream_worker(self.settings(), self._session(), self.moto_url)
        self._worker.start()

    def _start_api(self, timeout_s: float = 60.0) -> None:
        self._api = start_child(
            [sys.executable, "-m", "devstack.api_server", "--port", str(self.api_port)],
            self.api_log,
            env={**os.environ, **self.environment()},
            cwd=PROJECT_DIR,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._api.poll() is not None:
                raise RuntimeError(f"API server exited ({self._api.returncode}):\n{log_tail(self.api_log)}")
            try:
                urllib.request.urlopen(f"{self.api_url}/health", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answered: 503 only means a dependency is not ready
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"API server did not answer within {timeout_s:.0f}s:\n{log_tail(self.api_log)}")
