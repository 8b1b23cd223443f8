"""The child side of the cold-start benchmark: one fresh interpreter, one measure.

Run as a script (``python bench/cold_probe.py MODE APP_DIR PATH?QUERY [RUNTIME_DIR]``), not imported:
it imports only the standard library before the app, so what it times is the app's own
cost. Modes, each what Lambda's runtime does on a cold start:

* ``import``: ``import app`` (the api function's module);
* ``notify``: ``import app`` and resolve ``app.notify``, the handler Chalice deploys for the
  ``notify`` function;
* ``answer``: ``import app``, then one API Gateway proxy event for ``GET PATH?QUERY``
  through ``app.app(event, context)``, as the runtime calls the api function.

It prints one JSON line: the durations, ``time.monotonic()`` at the answer (the parent
compares it with its own clock before the spawn: on Linux both read the same system-wide
monotonic clock) and the third-party packages loaded after the import and after the answer.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from typing import Any
from urllib.parse import parse_qs

_STANDARD = frozenset(sys.stdlib_module_names) | {"__main__", "_virtualenv", "_distutils_hack"}


class _Context:
    """What the api function reads of Lambda's context object."""

    function_name = "cold-start-probe"
    aws_request_id = "cold-start-probe"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _event(path: str, query: str) -> dict[str, Any]:
    """An API Gateway REST proxy event (the parts Chalice reads) for ``GET path?query``."""
    params = parse_qs(query) or None
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "api.example"},
        "multiValueHeaders": {"Accept": ["application/json"], "Host": ["api.example"]},
        "queryStringParameters": {name: values[-1] for name, values in params.items()} if params else None,
        "multiValueQueryStringParameters": params,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "GET",
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "cold-start-probe",
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def _packages() -> list[str]:
    """Top-level packages loaded that are not the standard library's."""
    return sorted({name.partition(".")[0] for name in list(sys.modules)} - _STANDARD)


def main(argv: list[str]) -> dict[str, Any]:
    mode, app_dir = argv[0], argv[1]
    sys.path[:0] = [app_dir, *argv[3:]]  # Lambda's order: the function's code, then the runtime's packages
    started = time.perf_counter()
    module = importlib.import_module("app")
    imported = time.perf_counter()
    found: dict[str, Any] = {"import_s": imported - started}
    if mode == "notify":
        if not callable(module.notify):
            raise TypeError("app.notify is not callable")
        found["notify_s"] = time.perf_counter() - started
    elif mode == "answer":
        after_import = _packages()
        path, _, query = argv[2].partition("?")
        response = module.app(_event(path, query), _Context())
        found["answered_at"] = time.monotonic()
        found["answer_s"] = time.perf_counter() - started
        found["status"] = response["statusCode"]
        found["packages_after_import"] = after_import
        found["packages_after_answer"] = _packages()
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
