"""The OpenAPI 3.1 document, assembled from :data:`~chalicelib.openapi.operations.OPERATIONS`."""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Mapping
from typing import Any

from chalice.app import Response

from chalicelib.analytics.ubi import QUERY_ID
from chalicelib.cors import ALLOWED_HEADERS, EXPOSED_HEADERS, MAX_AGE_S
from chalicelib.error_shapes import ErrorBody
from chalicelib.openapi.operations import OPERATIONS, Answer, Operation
from chalicelib.openapi.schemas import component_schemas, ref
from chalicelib.search.parameters import QueryParameter

TITLE = "Find a Specialist API"
VERSION = "1.0.0"

DESCRIPTION = """Search the hospital group's specialists and send them enquiries.

Every error has one shape, `{"error": {"code", "message", "field"}}` (`ErrorBody`): a bad
parameter is a 400 naming it in `field`; an unknown path is a 404 and a method a path does
not take a 405 with `Allow`, in the same shape; an unexpected failure is a 500 with no detail.
A 429 or 503 says when to try again in `Retry-After` (seconds).

Browsers may call the API from the origins in the `CORS_ALLOWED_ORIGINS` setting: every
path answers the `OPTIONS` preflight, and every answer, errors too, carries
`Access-Control-Allow-Origin` for an allowed `Origin`."""

_TAGS = (
    ("search", "Find specialists, typeahead, profiles."),
    ("hospitals", "The hospitals of the catalog and their specialists."),
    ("treatments", "Treatments A-Z, and a page for each: what it is, where it is offered, who offers it."),
    ("enquiries", "Send an enquiry to a specialist's hospital team."),
    ("operations", "For the load balancer and the on-call engineer."),
    ("documentation", "This document."),
    ("demo", "The demo page (local stage only)."),
)
_RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}
_QUERY_ID = {
    "description": "The answer's `query_id` (as in its body): what `POST /events` and an enquiry send back.",
    "required": True,
    "schema": {"type": "string", "pattern": QUERY_ID},
}
# Response headers an answer may declare: (header, the Answer flag that declares it).
_HEADERS = (("Retry-After", "retry_after"), ("X-Query-Id", "query_id"))


def build_document(preflight_paths: Collection[str]) -> dict[str, Any]:
    """The document of the operations, with the CORS preflight of those of their paths that answer one."""
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    for path, operations in paths.items():
        if path in preflight_paths:
            operations["options"] = _preflight(path, operations)
    bodies = [operation.body for operation in OPERATIONS if operation.body is not None]
    answers = {answer.model for operation in OPERATIONS for answer in operation.answers if answer.model is not None}
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "tags": [{"name": name, "description": description} for name, description in _TAGS],
        "paths": paths,
        "components": {
            "schemas": component_schemas(bodies, sorted(answers, key=lambda model: model.__name__)),
            "headers": {"Retry-After": _RETRY_AFTER, "X-Query-Id": _QUERY_ID},
            "responses": {
                "MethodNotAllowed": _error_response("The path does not take this method; `Allow` lists those it does."),
                "InternalError": _error_response("Something failed on our side; the answer carries no detail."),
            },
        },
    }


@functools.cache
def document_text(preflight_paths: frozenset[str]) -> str:
    """Built on first request and kept for the Lambda's lifetime."""
    return json.dumps(build_document(preflight_paths), ensure_ascii=False, separators=(",", ":"))


def document_response(routes: Mapping[str, Collection[str]]) -> Response:
    """``routes``: the app's route table (path to methods)."""
    preflight_paths = frozenset(path for path, methods in routes.items() if "OPTIONS" in methods)
    return Response(
        body=document_text(preflight_paths),
        status_code=200,
        headers={"Content-Type": "application/json", "Cache-Control": "public, max-age=300"},
    )


def _operation(operation: Operation) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "tags": [operation.tag],
        "summary": operation.summary,
        "operationId": f"{operation.method.lower()}_{_path_id(operation.path)}",
        "responses": {str(answer.status): _answer(answer) for answer in operation.answers},
    }
    if operation.description:
        spec["description"] = operation.description
    parameters = [*operation.parameters, *(query_parameter(parameter) for parameter in operation.query)]
    if parameters:
        spec["parameters"] = parameters
    if operation.body is not None:
        schema = {"schema": ref(operation.body)}
        spec["requestBody"] = {"required": True, "content": {media: schema for media in operation.body_media_types}}
    return spec


def _path_id(path: str) -> str:
    """``/specialists/{specialist_id}`` as ``specialists_specialist_id``; ``/`` as ``root``."""
    return "_".join(word.strip("{}") for word in path.replace(".", "/").split("/") if word) or "root"


def _answer(answer: Answer) -> dict[str, Any]:
    spec: dict[str, Any] = {"description": answer.description}
    if answer.model is not None:
        spec["content"] = {answer.media_type: {"schema": ref(answer.model)}}
    elif answer.free_form:
        schema = {"type": "object"} if answer.media_type == "application/json" else {"type": "string"}
        spec["content"] = {answer.media_type: {"schema": schema}}
    headers = {name: {"$ref": f"#/components/headers/{name}"} for name, on in _HEADERS if getattr(answer, on)}
    if headers:
        spec["headers"] = headers
    return spec


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(ErrorBody)}}}


def _preflight(path: str, operations: Mapping[str, Any]) -> dict[str, Any]:
    methods = ", ".join([*sorted(method.upper() for method in operations), "OPTIONS"])
    header = {"schema": {"type": "string"}}
    spec: dict[str, Any] = {
        "tags": [next(iter(operations.values()))["tags"][0]],
        "summary": "CORS preflight",
        "operationId": f"options_{_path_id(path)}",
        "description": "Grants an allowed `Origin` the methods "
        f"({methods}) and request headers ({', '.join(ALLOWED_HEADERS)}) for {MAX_AGE_S} s. "
        "Another origin gets no `Access-Control-*` header.",
        "responses": {
            "204": {
                "description": "The preflight's answer.",
                "headers": {
                    "Allow": {**header, "required": True},
                    "Vary": {**header, "required": True},
                    "Access-Control-Allow-Origin": header,
                    "Access-Control-Allow-Methods": header,
                    "Access-Control-Allow-Headers": header,
                    "Access-Control-Max-Age": header,
                    "Access-Control-Expose-Headers": {**header, "description": ", ".join(EXPOSED_HEADERS)},
                },
            }
        },
    }
    # Any value: the preflight answers the path whatever the later request would get.
    path_parameters = {
        parameter["name"]: {"name": parameter["name"], "in": "path", "required": True, "schema": {"type": "string"}}
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }
    if path_parameters:
        spec["parameters"] = list(path_parameters.values())
    return spec


def query_parameter(parameter: QueryParameter) -> dict[str, Any]:
    """The parser's declaration as an OpenAPI query parameter."""
    value: dict[str, Any] = {"type": parameter.kind}
    if parameter.minimum is not None:
        value["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        value["maximum"] = parameter.maximum
    if parameter.max_length is not None:
        value["maxLength"] = parameter.max_length
    description = parameter.description
    if parameter.choices and parameter.repeatable:
        # An item may hold several values with commas, any case: the values are described, not an enum.
        description += f" Values: {', '.join(parameter.choices)}."
    elif parameter.choices:
        value["enum"] = list(parameter.choices)
    if parameter.default is not None:
        value["default"] = parameter.default
    schema: dict[str, Any] = value
    if parameter.repeatable:
        schema = {"type": "array", "items": value, "maxItems": parameter.max_items}
    spec: dict[str, Any] = {
        "name": parameter.name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if parameter.repeatable:
        spec.update(style="form", explode=True)
    if parameter.example is not None:
        spec["example"] = [parameter.example] if parameter.repeatable else parameter.example
    return spec
