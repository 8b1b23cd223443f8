"""The OpenAPI document: generated, complete, valid, and consistent with what the code does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from typing import Any, get_args

import pytest
from chalice.test import Client
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from app import app
from chalicelib.analytics.click_events import ClickEvent
from chalicelib.enquiries.request import EnquiryRequest, parse_enquiry
from chalicelib.errors import InvalidParameter
from chalicelib.json_bodies import parse_model
from chalicelib.openapi.document import build_document, document_response, document_text
from chalicelib.search.query import FACET_NAMES
from chalicelib.search.request import SEARCH_QUERY, parse_search_request
from chalicelib.search.responses import FacetName
from chalicelib.search.suggest import SUGGEST_QUERY, parse_suggest_request
from chalicelib.treatments.pages import (
    TREATMENT_PAGE_QUERY,
    TREATMENTS_QUERY,
    parse_treatment_page_request,
    parse_treatments_request,
)
from devstack.local_routes import local_app
from devstack.stack import PROJECT_DIR

# Routes of the local stack's own tooling, not part of the public contract (404 in AWS).
LOCAL_ONLY_PREFIX = "/_local/"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """As the local stack serves it: with the demo page's routes, which the deployed app lacks."""
    with Client(local_app(), stage_name="local") as client:
        response = client.http.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    return dict(json.loads(response.body))


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)

    assert document["openapi"] == "3.1.0"


def test_every_public_route_and_method_of_the_app_is_documented(document: dict[str, Any]) -> None:
    routes = {
        (path, method.lower())
        for path, methods in local_app().routes.items()
        if not path.startswith(LOCAL_ONLY_PREFIX)
        for method in methods
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}

    assert routes - documented == set(), "describe new routes in chalicelib/openapi/operations.py"
    assert documented - routes == set()
    assert not any(path.startswith(LOCAL_ONLY_PREFIX) for path in document["paths"])


def test_the_deployed_document_is_the_local_one_without_the_demo_pages_preflights(document: dict[str, Any]) -> None:
    """The deployed app has no demo route (the local API server adds them): its document still
    describes them, tagged ``demo`` with their 404, but no ``OPTIONS`` for them."""
    deployed = json.loads(document_response(app.routes).body)
    demo = {path for path, item in document["paths"].items() if "demo" in item.get("get", {}).get("tags", [])}

    assert demo == {"/", "/assets/{name}"}
    assert all("404" in deployed["paths"][path]["get"]["responses"] for path in demo)
    assert deployed["paths"] == {
        path: {method: spec for method, spec in item.items() if path not in demo or method != "options"}
        for path, item in document["paths"].items()
    }
    assert {key: value for key, value in deployed.items() if key != "paths"} == {
        key: value for key, value in document.items() if key != "paths"
    }


def test_every_error_answer_has_the_one_error_shape(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if int(status) >= 400 and path != "/health":
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, f"{method} {path} {status}"


def test_enquiries_document_every_status_and_retry_after_where_answered(document: dict[str, Any]) -> None:
    responses = document["paths"]["/enquiries"]["post"]["responses"]

    assert sorted(responses) == ["202", "400", "409", "413", "415", "422", "429", "503"]
    assert {status for status, answer in responses.items() if "Retry-After" in answer.get("headers", {})} == {
        "409",
        "429",
        "503",
    }
    assert document["components"]["headers"]["Retry-After"]["required"] is True


def test_search_routes_document_400_and_503_with_retry_after(document: dict[str, Any]) -> None:
    for path in ("/specialists", "/suggest", "/specialists/{specialist_id}", "/treatments", "/treatments/{slug}"):
        responses = document["paths"][path]["get"]["responses"]
        assert "Retry-After" in responses["503"]["headers"], path
    assert "400" in document["paths"]["/specialists"]["get"]["responses"]
    assert "404" in document["paths"]["/specialists/{specialist_id}"]["get"]["responses"]


def test_the_query_parameters_are_exactly_those_the_parsers_take(document: dict[str, Any]) -> None:
    for path, declared, parse in (
        ("/specialists", SEARCH_QUERY, parse_search_request),
        ("/suggest", SUGGEST_QUERY, parse_suggest_request),
        ("/treatments", TREATMENTS_QUERY, parse_treatments_request),
        ("/treatments/{slug}", TREATMENT_PAGE_QUERY, parse_treatment_page_request),
    ):
        documented = [p["name"] for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"]
        assert documented == [parameter.name for parameter in declared]
        with pytest.raises(InvalidParameter, match="is not a parameter"):
            parse({"undocumented": ["1"]})


@pytest.mark.parametrize(
    ("parse", "declared"),
    [
        (parse_search_request, SEARCH_QUERY),
        (parse_suggest_request, SUGGEST_QUERY),
        (parse_treatment_page_request, TREATMENT_PAGE_QUERY),
    ],
)
def test_documented_bounds_are_the_parsers_bounds(parse: Any, declared: Any) -> None:
    # Parameters that are only checked in company: lat with lon; the last page of 1,000 results at 1 a page.
    partners = {"lat": {"lon": ["0"]}, "lon": {"lat": ["0"]}, "page": {"page_size": ["1"]}}
    for parameter in declared:
        if parameter.kind not in ("integer", "number"):
            continue
        partner = partners.get(parameter.name, {})

        def text(value: float, kind: str = parameter.kind) -> str:
            return str(int(value)) if kind == "integer" else repr(float(value))

        step = 1 if parameter.kind == "integer" else 0.01
        for value in (parameter.minimum, parameter.maximum):
            parse({parameter.name: [text(value)], **partner})
        for value in (parameter.minimum - step, parameter.maximum + step):
            with pytest.raises(InvalidParameter) as raised:
                parse({parameter.name: [text(value)], **partner})
            assert raised.value.field == parameter.name


def test_the_enquiry_body_is_the_request_model_and_its_example_is_accepted(document: dict[str, Any]) -> None:
    body = document["paths"]["/enquiries"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"]["EnquiryRequest"]

    assert body == {"$ref": "#/components/schemas/EnquiryRequest"}
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(EnquiryRequest.model_fields)
    for example in schema["examples"]:
        parse_enquiry(json.dumps(example).encode())


MEDIA = ("application/json", "text/plain")


def test_the_event_body_is_the_model_in_both_media_types_and_its_example_is_accepted(
    document: dict[str, Any],
) -> None:
    content = document["paths"]["/events"]["post"]["requestBody"]["content"]
    schema = document["components"]["schemas"]["ClickEvent"]

    assert content == {media: {"schema": {"$ref": "#/components/schemas/ClickEvent"}} for media in MEDIA}
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(ClickEvent.model_fields)
    for example in schema["examples"]:
        parse_model(ClickEvent, json.dumps(example).encode())


def test_the_recorded_answers_and_only_they_document_x_query_id(document: dict[str, Any]) -> None:
    with_header = {
        (path, method, status)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, answer in operation.get("responses", {}).items()
        if "X-Query-Id" in answer.get("headers", {})
    }

    assert with_header == {("/specialists", "get", "200"), ("/suggest", "get", "200")}
    assert re.fullmatch(document["components"]["headers"]["X-Query-Id"]["schema"]["pattern"], str(uuid.uuid4()))


def test_every_answer_object_is_closed(document: dict[str, Any]) -> None:
    for name, schema in document["components"]["schemas"].items():
        if schema.get("type") == "object" and "properties" in schema:
            assert schema.get("additionalProperties") is False, name


def test_the_facets_of_the_answer_are_the_facets_searched() -> None:
    assert set(get_args(FacetName)) == set(FACET_NAMES)


def test_the_document_is_built_once_per_process() -> None:
    document_text.cache_clear()
    with Client(app, stage_name="local") as client:
        first = client.http.get("/openapi.json").body
        second = client.http.get("/openapi.json").body

    assert first == second
    assert document_text.cache_info().misses == 1


def test_build_document_documents_preflights_only_where_routes_answer_them() -> None:
    document = build_document({"/specialists"})

    assert "options" in document["paths"]["/specialists"]
    assert "options" not in document["paths"]["/suggest"]


def test_given_the_app_imported_and_a_search_answered_then_no_openapi_module_is_loaded() -> None:
    probe = (
        "import os, sys\n"
        "os.environ['OPENSEARCH_URL'] = 'http://127.0.0.1:9'\n"
        "from chalice.test import Client\n"
        "import app\n"
        "loaded = [m for m in sys.modules if m.startswith('chalicelib.openapi')]\n"
        "with Client(app.app, stage_name='local') as client:\n"
        "    status = client.http.get('/specialists?q=knee').status_code\n"
        "loaded += [m for m in sys.modules if m.startswith('chalicelib.openapi')]\n"
        "print(status, sorted(set(loaded)))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.strip() == "503 []"


def test_the_docs_page_and_its_assets_come_from_the_app_and_load_nothing_else() -> None:
    with Client(app, stage_name="local") as client:
        page = client.http.get("/docs")
        script = client.http.get("/docs/docs.js")
        styles = client.http.get("/docs/docs.css")
        unknown = client.http.get("/docs/..%2Fpage.py")

    assert page.status_code == script.status_code == styles.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert styles.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    for text in (page.body, script.body, styles.body):
        assert b"http://" not in text
        assert b"https://" not in text
        assert b"//cdn" not in text
    assert b'src="docs/docs.js"' in page.body
    assert b'fetch("openapi.json"' in script.body
    assert unknown.status_code == 404
    assert json.loads(unknown.body)["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [
        {"gender": ["male"] * 21},  # repeats count: the document's maxItems is of what is sent
        {"specialty": [""] * 21},
        {"specialty": ["a,b"] * 11},
        {"q": [" " * 201]},  # the document's maxLength is of what is sent, before clean-up
        {"near": ["\u200b" * 101]},
        {"sort": [""]},  # an enum is matched exactly: not empty, not another case
        {"sort": ["NAME"]},
        {"sees_children": ["True"]},  # booleans are "true" or "false"
        {"radius_miles": [" 5"]},  # numbers in JSON's syntax
        {"radius_miles": ["1_0"]},
    ],
)
def test_documented_limits_hold_for_what_is_sent(params: dict[str, list[str]]) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_search_request(params)

    assert raised.value.field == next(iter(params))


@pytest.mark.parametrize(
    ("method", "url", "route", "body", "headers", "status"),
    [
        ("GET", "/specialists?q=knee", "/specialists", None, {}, 503),
        ("GET", "/specialists/krish-nandy", "/specialists/{specialist_id}", None, {}, 503),
        ("GET", "/suggest?q=knee", "/suggest", None, {}, 503),
        ("GET", "/specialists/NOT%20AN%20ID", "/specialists/{specialist_id}", None, {}, 404),
        ("GET", "/hospitals?near=hendon", "/hospitals", None, {}, 503),
        ("GET", "/hospitals/hendon", "/hospitals/{hospital_id}", None, {}, 503),
        ("GET", "/hospitals/NOT%20AN%20ID", "/hospitals/{hospital_id}", None, {}, 404),
        ("GET", "/hospitals/atlantis?page=0", "/hospitals/{hospital_id}", None, {}, 400),
        ("GET", "/treatments?specialty=psychiatry", "/treatments", None, {}, 503),
        ("GET", "/treatments?letter=zz", "/treatments", None, {}, 400),
        ("GET", "/treatments/psychodynamic-therapy", "/treatments/{slug}", None, {}, 503),
        ("GET", "/treatments/NOT%20A%20SLUG", "/treatments/{slug}", None, {}, 404),
        ("GET", "/treatments/atlantis?page=0", "/treatments/{slug}", None, {}, 400),
        ("GET", "/suggest?limit=99", "/suggest", None, {}, 400),
        ("POST", "/enquiries", "/enquiries", b"{}", {"Content-Type": "application/json"}, 400),
        ("POST", "/enquiries", "/enquiries", b"x" * (17 * 1024), {"Content-Type": "application/json"}, 413),
        ("POST", "/enquiries", "/enquiries", b"hello", {"Content-Type": "text/plain"}, 415),
        ("GET", "/docs/nothing.js", "/docs/{asset}", None, {}, 404),
    ],
)
def test_answers_fuzzing_cannot_reach_are_as_documented(
    app_env: dict[str, str],
    document: dict[str, Any],
    method: str,
    url: str,
    route: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
) -> None:
    """Search down (app_env puts OpenSearch at a closed port), and bodies a generator rarely makes."""
    with Client(app, stage_name="local") as client:
        response = client.http.request(method, url, body=body or b"", headers=headers)

    assert response.status_code == status
    answer = document["paths"][route][method.lower()]["responses"][str(status)]
    schema = answer["content"][response.headers["Content-Type"]]["schema"]
    OAS31Validator({**document, **schema}).validate(json.loads(response.body))
    for name in answer.get("headers", {}):
        assert name in response.headers


def test_every_documented_choice_is_accepted(document: dict[str, Any]) -> None:
    parsed: dict[tuple[str, str], object] = {}
    for parameter in document["paths"]["/specialists"]["get"]["parameters"]:
        for value in parameter["schema"].get("enum", []):
            extra = {"near": ["hendon"]} if value == "distance" else {}
            request = parse_search_request({parameter["name"]: [value], **extra})
            parsed[parameter["name"], value] = getattr(request, parameter["name"])

    assert {("sort", "relevance"), ("sort", "distance"), ("sort", "name")} <= set(parsed)
    assert {choice: value for choice, value in parsed.items() if value != choice[1]} == {}  # taken as given
