"""API Gateway's own answers (requests it refuses without calling the api function),
in the service's one error shape and with CORS headers for the configured origin.

``chalicelib.errors.GATEWAY_RESPONSES`` is the single source for the answers the local
server imitates too (an unknown path is a JSON 404, not API Gateway's 403).
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.errors import GATEWAY_RESPONSES, INTERNAL_ERROR_MESSAGE, error_body

# Gateway response templates substitute $context variables but run no VTL logic, so the
# generic 4xx keeps a fixed code and passes API Gateway's own message (a quoted string).
_DEFAULT_4XX_TEMPLATE = '{"error": {"code": "bad_request", "message": $context.error.messageString, "field": null}}'
THROTTLED_MESSAGE = "Too many requests. Please try again shortly."


def gateway_responses(origin: str) -> dict[str, dict[str, Any]]:
    """The ``x-amazon-apigateway-gateway-responses`` extension of the API definition.

    A gateway response can carry only static headers, so it names one origin (the
    stage's first): browsers on other configured origins see these rare errors as
    CORS failures rather than JSON.
    """
    answers: dict[str, tuple[int | None, str]] = {
        kind: (status, json.dumps(body)) for kind, (status, body) in GATEWAY_RESPONSES.items()
    }
    answers["THROTTLED"] = (429, json.dumps(error_body("rate_limited", THROTTLED_MESSAGE)))
    answers["DEFAULT_4XX"] = (None, _DEFAULT_4XX_TEMPLATE)
    answers["DEFAULT_5XX"] = (None, json.dumps(error_body("internal_error", INTERNAL_ERROR_MESSAGE)))
    headers = {
        "gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'",
        "gatewayresponse.header.Vary": "'Origin'",
        "gatewayresponse.header.Cache-Control": "'no-store'",
        "gatewayresponse.header.X-Content-Type-Options": "'nosniff'",
    }
    extension: dict[str, dict[str, Any]] = {}
    for kind, (status, template) in answers.items():
        response: dict[str, Any] = {
            "responseParameters": dict(headers),
            "responseTemplates": {"application/json": template},
        }
        if status is not None:
            response["statusCode"] = str(status)
        extension[kind] = response
    return extension


# Access log fields: no query string, body, path parameters, IP or user agent (the
# resource path is the route's template, e.g. /specialists/{specialist_id}).
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "requestTime": "$context.requestTimeEpoch",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "errorType": "$context.error.responseType",
        "wafStatus": "$context.waf.status",
    }
)
