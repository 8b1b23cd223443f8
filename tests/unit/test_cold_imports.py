"""The api function's cold start pays only for what its first request uses
(``bench/cold_start.py`` measures it; ``test_deps`` pins the client libraries)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pydantic import TypeAdapter

from bench.cold_start import HELLO_APP
from chalicelib.error_shapes import ErrorDetail
from devstack.stack import PROJECT_DIR

# Loaded only by the routes that need them: pydantic for the enquiry form and the API document.
DEFERRED = ("pydantic", "pydantic_core", "chalicelib.enquiries.request", "chalicelib.enquiries.endpoint")
# Only the indexer reads the synonyms; a search loads it anyway (opensearch-py does).
NOT_ON_IMPORT = "importlib.resources"
# All that `import app` may load beyond what the benchmark's hello-world Chalice app does
# (issue 14: within 2x its import time). A route's parser, service and shapes, the settings,
# and the standard library's dataclasses, inspect, hashlib or typing_extensions load when
# a route first runs. Add a module here only if it is light and every route needs it.
BEYOND_HELLO_WORLD = [
    "__future__",
    "chalicelib",
    "chalicelib.cors",
    "chalicelib.deps",
    "chalicelib.errors",
    "chalicelib.http",
]
_MODULES = "import json, sys; import app; print(json.dumps(sorted(sys.modules)))"
_PROBE = """
import json, os, sys
os.environ["OPENSEARCH_URL"] = "http://127.0.0.1:9"
watched = tuple(sys.argv[1].split(","))
import app
on_import = sorted(m for m in sys.modules if m.partition(".")[0] in watched or m in watched)
from chalice.test import Client
with Client(app.app, stage_name="local") as client:
    status = client.http.get("/specialists?q=knee").status_code
on_search = sorted(m for m in sys.modules if m.partition(".")[0] in watched or m in watched)
print(json.dumps({"on_import": on_import, "status": status, "on_search": on_search}))
"""


def _loaded(watched: tuple[str, ...]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(watched)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    found: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_given_the_app_imported_and_a_search_answered_then_nothing_deferred_is_loaded() -> None:
    loaded = _loaded((*DEFERRED, NOT_ON_IMPORT))
    on_search = loaded["on_search"]

    assert loaded["on_import"] == []
    assert loaded["status"] == 503  # no node at that address: the whole route ran, up to the search
    assert isinstance(on_search, list)
    assert [m for m in on_search if m != NOT_ON_IMPORT] == [], (
        "a search needs neither pydantic nor the enquiry endpoint"
    )


def _modules_on_import(directory: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _MODULES], cwd=directory, capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_given_the_app_imported_then_it_loads_little_beyond_a_hello_world_chalice_app(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HELLO_APP, encoding="utf-8")

    beyond = _modules_on_import(PROJECT_DIR) - _modules_on_import(tmp_path)

    assert sorted(beyond) == BEYOND_HELLO_WORLD


def test_given_a_documented_shape_then_pydantic_publishes_its_descriptions_and_closes_it() -> None:
    schema = TypeAdapter(ErrorDetail).json_schema()

    assert schema["additionalProperties"] is False
    assert schema["properties"]["field"]["description"].startswith("The parameter, body field or header at fault")
