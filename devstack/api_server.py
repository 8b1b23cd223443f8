"""``chalice local`` with API Gateway's responses as the deployed stack configures them.

Chalice's local gateway answers an unknown path the way a bare API Gateway does
(403 "Missing Authentication Token"). In AWS we override that gateway response;
here the handler applies the same override from :data:`chalicelib.errors.GATEWAY_RESPONSES`.
On the local stage it also serves the local stack's own routes (the demo page, the outbox:
:mod:`devstack.local_routes`), which the deployed app does not have.
Everything else is Chalice's own local server, reading ``.chalice/config.json``.

    python -m devstack.api_server [--host 127.0.0.1] [--port 8000] [--stage local]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from chalice.cli.factory import CLIFactory
from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalDevServer, LocalGatewayException

from chalicelib.config import ConfigError, load_settings
from chalicelib.cors import configured_origins, cors_headers
from chalicelib.errors import GATEWAY_RESPONSES
from devstack.local_routes import LOCAL_STAGE, with_local_routes

PROJECT_DIR = Path(__file__).resolve().parent.parent


class GatewayResponsesHandler(ChaliceRequestHandler):
    def __getattr__(self, name: str) -> Any:
        """A method Chalice has no handler for (TRACE, QUERY, ...): through the app too, for the
        405 JSON with ``Allow`` every unrouted method gets, where http.server answers an HTML 501."""
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if isinstance(error, ForbiddenError):
            # No route matched: the only 403 the local gateway makes without authorizers. (The
            # deployed stack's gateway response needs the CORS headers too: see docs/api.md.)
            status, body = GATEWAY_RESPONSES["MISSING_AUTHENTICATION_TOKEN"]
            cors = cors_headers(self.headers.get("Origin"), configured_origins())
            headers = {"Content-Type": "application/json", "X-Content-Type-Options": "nosniff", **cors}
            self._send_http_response(status, headers, json.dumps(body))
            return
        super()._send_error_response(error)


def create_server(host: str, port: int, stage: str) -> LocalDevServer:
    """Load the app with the stage's environment, check the settings, add the local routes
    (local stage only), bind the port."""
    factory = CLIFactory(project_dir=str(PROJECT_DIR), environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app  # importing app.py applies the stage's environment variables
    load_settings(os.environ)
    if stage == LOCAL_STAGE:
        with_local_routes(app)
    return LocalDevServer(app, config, host, port, handler_cls=GatewayResponsesHandler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("API_PORT", "8000")))
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    try:
        server = create_server(args.host, args.port, args.stage)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
