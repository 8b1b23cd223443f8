"""The running local stack over HTTP: what a client and the on-call engineer see."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
import requests

from devstack.stack import DEMO_SEED, PROJECT_DIR, LocalStack
from tests.feeds import demo_listed

pytestmark = pytest.mark.e2e


def test_given_the_stack_is_up_when_health_then_200_with_every_check_ok(stack: LocalStack) -> None:
    response = requests.get(f"{stack.api_url}/health", timeout=5)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"search": "ok", "enquiries_store": "ok"}}


def test_given_an_unknown_route_then_404_json_in_the_standard_shape(stack: LocalStack) -> None:
    response = requests.get(f"{stack.api_url}/no/such/thing", timeout=5)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["field"] is None


def test_given_a_wrong_method_then_405_json_with_allow(stack: LocalStack) -> None:
    response = requests.delete(f"{stack.api_url}/health", timeout=5)

    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Allow"] == "GET, OPTIONS"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_given_opensearch_stops_when_health_then_503_names_search_within_2s() -> None:
    with LocalStack() as own:
        assert requests.get(f"{own.api_url}/health", timeout=5).status_code == 200

        own.node.stop()
        started = time.monotonic()
        response = requests.get(f"{own.api_url}/health", timeout=5)
        elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"search": "unavailable", "enquiries_store": "ok"}}
    assert elapsed < 2.0


def test_given_a_bad_setting_when_the_api_starts_then_it_stops_with_one_clear_line() -> None:
    env = {**os.environ, "OPENSEARCH_URL": "opensearch:9200", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}

    result = subprocess.run(
        [sys.executable, "-m", "devstack.api_server", "--port", "0"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: OPENSEARCH_URL must be an http(s) URL such as http://127.0.0.1:9200 "
        "(got 'opensearch:9200')"
    ]


def test_given_the_stack_is_up_then_the_demo_catalog_is_behind_the_alias(stack: LocalStack) -> None:
    alias = stack.settings().search_alias

    count = requests.get(f"{stack.node.url}/{alias}/_count", timeout=5).json()["count"]
    nandy = requests.get(f"{stack.node.url}/{alias}/_doc/krish-nandy", timeout=5).json()

    assert count == demo_listed(stack.demo_count, DEMO_SEED)  # the demo catalog but the few not registered
    assert nandy["found"] is True


def test_given_the_stack_then_search_answers_over_http_with_repeated_parameters(stack: LocalStack) -> None:
    repeated = requests.get(
        f"{stack.api_url}/specialists", params=[("specialty", "psychiatry"), ("specialty", "psychology")], timeout=10
    )
    commas = requests.get(f"{stack.api_url}/specialists", params={"specialty": "psychiatry,psychology"}, timeout=10)
    psychiatry = requests.get(f"{stack.api_url}/specialists", params={"specialty": "psychiatry"}, timeout=10)

    assert repeated.status_code == commas.status_code == psychiatry.status_code == 200
    assert repeated.json()["total"] == commas.json()["total"] > psychiatry.json()["total"] > 0


def test_given_the_patient_types_psychiatrist_near_hendon_then_hendon_psychiatrists_come_first(
    stack: LocalStack,
) -> None:
    body = requests.get(f"{stack.api_url}/specialists", params={"q": "psychiatrist near Hendon"}, timeout=10).json()

    top = body["results"][0]
    assert "Psychiatry" in top["specialties"]
    assert any(hospital["id"] == "hendon" for hospital in top["hospitals"])


def test_given_a_bad_parameter_over_http_then_a_400_json_names_it(stack: LocalStack) -> None:
    response = requests.get(f"{stack.api_url}/specialists", params={"page_size": "500"}, timeout=10)

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"]["field"] == "page_size"


def test_given_an_enquiry_over_http_then_both_e_mails_arrive_once_in_the_outbox(stack: LocalStack) -> None:
    enquiry: dict[str, Any] = {
        "specialist_id": "krish-nandy",
        "hospital_id": "hendon",
        "first_name": "Sam",
        "last_name": "<b>Bold</b>",
        "email": "sam.e2e@example.com",
        "message": "<script>alert(1)</script>",
        "consent": True,
        "consent_version": "2026-11",
    }

    accepted = requests.post(f"{stack.api_url}/enquiries", json=enquiry, timeout=10)
    assert accepted.status_code == 202, accepted.text
    reference = accepted.json()["enquiry_id"]
    deadline = time.monotonic() + 20
    mine: list[dict[str, str]] = []
    while time.monotonic() < deadline and len(mine) < 2:
        outbox = requests.get(f"{stack.api_url}/_local/outbox", timeout=10).json()
        mine = [mail for mail in outbox if reference in mail["subject"] or reference in mail["text"]]
        time.sleep(0.2)
    time.sleep(1.5)  # a duplicate would have arrived by now
    mine = [mail for mail in requests.get(f"{stack.api_url}/_local/outbox", timeout=10).json()
            if reference in mail["subject"] or reference in mail["text"]]  # fmt: skip

    recipients = sorted(str(mail["to"]) for mail in mine)
    assert recipients == sorted(["enquiries.hendon@hospitals.example", "sam.e2e@example.com"]), mine
    team = next(mail for mail in mine if "hendon" in str(mail["to"]))
    assert "sam.e2e@example.com" in str(team["reply_to"])
    assert "<script>" not in team["html"]
    assert "&lt;script&gt;" in team["html"]
