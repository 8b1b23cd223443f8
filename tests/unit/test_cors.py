"""CORS: allowed origins from the settings, preflights on every path, headers on errors too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chalice.test import Client

from app import app
from chalicelib import deps
from chalicelib.config import ConfigError, load_settings
from tests.conftest import BASE_ENV

ALLOWED = "https://www.hospitals.example"
OTHER = "https://evil.example"
LOCAL_ONLY_PREFIX = "/_local/"


@pytest.fixture
def client(app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{ALLOWED}, http://localhost:8000")
    deps.reset()
    with Client(app, stage_name="local") as chalice_client:
        yield chalice_client


def test_given_comma_separated_origins_then_settings_hold_each_once() -> None:
    settings = load_settings({**BASE_ENV, "CORS_ALLOWED_ORIGINS": f"{ALLOWED},http://localhost:8000,{ALLOWED}"})

    assert settings.cors_allowed_origins == (ALLOWED, "http://localhost:8000")


def test_given_no_origins_then_none_are_allowed() -> None:
    assert load_settings({**BASE_ENV, "CORS_ALLOWED_ORIGINS": ""}).cors_allowed_origins == ()


@pytest.mark.parametrize("value", ["*", "https://www.example.com/", "https://WWW.example.com", "www.example.com"])
def test_given_anything_but_exact_origins_then_the_error_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^Configuration error: CORS_ALLOWED_ORIGINS must be comma-separated"):
        load_settings({**BASE_ENV, "CORS_ALLOWED_ORIGINS": value})


def test_given_an_allowed_origin_when_preflight_then_204_granting_methods_and_headers(client: Client) -> None:
    response = client.http.request(
        "OPTIONS",
        "/enquiries",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type, Idempotency-Key, X-Client-Id"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert response.headers["Vary"] == "Origin"


def test_given_another_origin_when_preflight_then_no_grant(client: Client) -> None:
    response = client.http.request("OPTIONS", "/specialists", headers={"Origin": OTHER})

    assert response.status_code == 204
    assert response.headers["Allow"] == "GET, OPTIONS"
    assert response.headers["Vary"] == "Origin"
    assert not any(name.lower().startswith("access-control-") for name in response.headers)


def test_given_a_path_with_a_parameter_when_preflight_then_it_is_answered(client: Client) -> None:
    response = client.http.request("OPTIONS", "/specialists/krish-nandy", headers={"Origin": ALLOWED})

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


def test_given_an_allowed_origin_when_an_error_then_it_carries_the_cors_headers(client: Client) -> None:
    bad = client.http.get("/specialists?page_size=500", headers={"Origin": ALLOWED})
    unsupported = client.http.post("/enquiries", body=b"x", headers={"Origin": ALLOWED, "Content-Type": "text/plain"})
    wrong_method = client.http.delete("/specialists", headers={"Origin": ALLOWED})

    for response, status in ((bad, 400), (unsupported, 415), (wrong_method, 405)):
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
        assert response.headers["Access-Control-Expose-Headers"] == "Retry-After, X-Query-Id"
        assert response.headers["Vary"] == "Origin"


def test_given_another_origin_when_a_request_then_the_origin_is_not_echoed(client: Client) -> None:
    response = client.http.get("/specialists?page_size=500", headers={"Origin": OTHER})

    assert response.status_code == 400
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["Vary"] == "Origin"


def test_every_public_path_answers_a_preflight() -> None:
    missing = [
        path
        for path, methods in app.routes.items()
        if not path.startswith(LOCAL_ONLY_PREFIX) and "OPTIONS" not in methods
    ]

    assert missing == [], "register routes before cors.answer_preflights(app) in app.py"
