"""The local stack's moto server, answering one AWS request at a time.

moto's DynamoDB backend is not safe under concurrent requests: with 20 clients
submitting enquiries at once, its transactions slowed to seconds and some broke,
and the API answered 503 to most of them. Real DynamoDB isolates concurrent
writes itself; a lock around each request gives the stand-in the same behaviour,
at the cost of throughput that only a load test on this machine notices. The
server also takes moto's transactions off their cost per stored item
(:mod:`devstack.moto_transactions`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def one_at_a_time(app: WsgiApp) -> WsgiApp:
    """``app`` behind a lock held until its whole answer is produced."""
    lock = threading.Lock()

    def serialised(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with lock:
            return list(app(environ, start_response))

    return serialised


class SerialMotoServer:
    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        from devstack import moto_transactions

        moto_transactions.install()
        app = one_at_a_time(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._host, self._port, app, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
