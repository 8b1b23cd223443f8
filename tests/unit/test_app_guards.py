"""What every answer carries, and the local-only routes staying local."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client

from app import app
from chalicelib import deps
from devstack.local_routes import LOCAL_PATHS, local_app


# Unknown paths are answered by API Gateway (infra/gateway.py) or devstack/api_server.py.
@pytest.mark.parametrize("path", ["/health", "/specialists?page=0", "/specialists/no-such-id", "/openapi.json"])
def test_every_answer_forbids_content_sniffing(app_env: dict[str, str], path: str) -> None:
    with Client(app, stage_name="local") as client:
        answer = client.http.get(path)

    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_given_a_deployed_stage_then_the_outbox_is_a_json_404(
    app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    # Even with a (moto-like) endpoint set, only the local stage lists sent mail.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OPENSEARCH_URL", "https://search.example:443")
    with Client(local_app(), stage_name=stage) as client:  # as if the local routes were added there
        deps.reset()
        answer = client.http.get("/_local/outbox")

    assert answer.status_code == 404
    assert json.loads(answer.body)["error"]["code"] == "not_found"


def test_given_the_local_stage_without_a_moto_endpoint_then_the_outbox_is_a_json_404(app_env: dict[str, str]) -> None:
    with Client(local_app(), stage_name="local") as client:
        answer = client.http.get("/_local/outbox")

    assert answer.status_code == 404
    assert json.loads(answer.body)["error"]["code"] == "not_found"


def test_the_deployed_app_has_none_of_the_local_stacks_routes() -> None:
    assert [path for path in LOCAL_PATHS if path in app.routes] == []
    assert [path for path in LOCAL_PATHS if path not in local_app().routes] == []
