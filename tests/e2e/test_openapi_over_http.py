"""The contract on the running local stack: the document, its page, and CORS for the demo page's origin."""

from __future__ import annotations

import pytest
import requests
from openapi_spec_validator import validate

from devstack.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_given_the_stack_then_openapi_json_is_a_valid_document_of_its_routes(stack: LocalStack) -> None:
    response = requests.get(f"{stack.api_url}/openapi.json", timeout=10)

    assert response.status_code == 200
    validate(response.json())
    assert {"/specialists", "/suggest", "/enquiries", "/health", "/docs"} <= set(response.json()["paths"])


def test_given_the_stack_then_the_docs_page_and_its_assets_are_served(stack: LocalStack) -> None:
    page = requests.get(f"{stack.api_url}/docs", timeout=10)
    assets = [requests.get(f"{stack.api_url}/docs/{name}", timeout=10) for name in ("docs.js", "docs.css")]

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert [asset.status_code for asset in assets] == [200, 200]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_given_the_demo_pages_origin_then_the_preflight_grants_it(stack: LocalStack, host: str) -> None:
    origin = f"http://{host}:{stack.api_port}"

    response = requests.options(
        f"{stack.api_url}/enquiries",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,idempotency-key",
        },
        timeout=10,
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type, Idempotency-Key, X-Client-Id"


def test_given_another_origin_then_neither_preflight_nor_answer_grants_it(stack: LocalStack) -> None:
    other = "https://elsewhere.example"

    preflight = requests.options(f"{stack.api_url}/specialists", headers={"Origin": other}, timeout=10)
    answer = requests.get(f"{stack.api_url}/specialists", headers={"Origin": other}, timeout=10)

    assert preflight.status_code == 204
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert answer.headers["Vary"] == "Origin"


def test_given_the_demo_pages_origin_then_errors_carry_cors_headers_too(stack: LocalStack) -> None:
    origin = stack.api_url

    bad = requests.get(f"{stack.api_url}/specialists?page_size=500", headers={"Origin": origin}, timeout=10)
    unknown = requests.get(f"{stack.api_url}/no/such/thing", headers={"Origin": origin}, timeout=10)

    assert (bad.status_code, unknown.status_code) == (400, 404)
    assert bad.headers["Access-Control-Allow-Origin"] == unknown.headers["Access-Control-Allow-Origin"] == origin
