"""X-Ray subsegments for the functions' calls to OpenSearch and to AWS (DynamoDB, SES, SQS,
Secrets Manager: every botocore client), so that a slow request shows which call took the time.

Lambda's active tracing (on every function, set by the CDK app in ``infra/``) records each
invocation without any SDK; the X-Ray SDK adds the subsegments. The SDK and wrapt cost
import time, so nothing imports them unless :data:`SETTING` asks, and then only when the
first client is built (:class:`chalicelib.bootstrap.Clients`):

- ``on`` (the CDK app sets it on every function): subsegments when running in Lambda
  (``AWS_LAMBDA_FUNCTION_NAME`` set); ignored anywhere else, so a local run and the tests
  pay nothing (``bench/cold_start.py`` sets what Lambda sets to measure its cost);
- ``local``: load and patch anywhere, with no segment to record into (a missing segment is
  ignored): what the tracing tests use;
- unset, or anything else: off.

No personal data: botocore's subsegments carry the operation, table names, request ids and
status (the SDK's parameter allow-list: no keys, no items, nothing of SES's); OpenSearch's carry
the method, the API (``_search``, ``_msearch``, ``_doc``) and the status, never the query
string or the body; exception messages, which can quote an address (SES names a refused
recipient), are dropped before anything is sent, keeping the type and the frames.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal, TypeVar

SETTING = "XRAY_SUBSEGMENTS"
# The name of the OpenSearch calls' subsegments (botocore's are named after the service).
OPENSEARCH = "opensearch"

Mode = Literal["off", "lambda", "local"]
C = TypeVar("C", bound=type)


def mode(environ: Mapping[str, str]) -> Mode:
    value = environ.get(SETTING, "").strip().lower()
    if value == "local":
        return "local"
    if value == "on" and environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return "lambda"
    return "off"


@cache
def enabled() -> bool:
    """Load and patch the SDK once per process when :func:`mode` says so; whether it is on."""
    current = mode(os.environ)
    if current == "off":
        return False
    from aws_xray_sdk.core import patch, xray_recorder  # type: ignore[import-untyped]

    if current == "local":
        xray_recorder.configure(context_missing="IGNORE_ERROR")
    xray_recorder.emitter = WithoutMessages(xray_recorder.emitter)
    patch(["botocore"])
    return True


def opensearch_connection(base: C) -> C:
    """``base`` (an opensearch-py connection class), or, with tracing on, its traced subclass."""
    return _traced(base) if enabled() else base


@cache
def _traced(base: C) -> C:
    from aws_xray_sdk.core import xray_recorder

    class Traced(base):  # type: ignore[misc,valid-type]  # a class given at run time
        """Each request in a subsegment: method, API and status only."""

        def perform_request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            with xray_recorder.in_subsegment(OPENSEARCH, namespace="remote") as subsegment:
                if subsegment is not None:
                    subsegment.put_annotation("opensearch_api", api_of(url))
                    subsegment.put_http_meta("method", method)
                answer = super().perform_request(method, url, *args, **kwargs)
                if subsegment is not None:
                    subsegment.put_http_meta("status", answer[0])
                return answer

    Traced.__name__ = f"Traced{base.__name__}"
    return Traced  # type: ignore[return-value]


def api_of(url: str) -> str:
    """The API a request path calls (``/specialists/_search?x`` → ``_search``): its first
    ``_`` segment, or ``/`` for the root; never the rest of the path or the query."""
    path = url.partition("?")[0]
    return next((part for part in path.split("/") if part.startswith("_")), "/")


class WithoutMessages:
    """The recorder's emitter, sending each entity without its exceptions' messages."""

    def __init__(self, emitter: Any) -> None:
        self._emitter = emitter

    def send_entity(self, entity: Any) -> None:
        drop_messages(entity)
        self._emitter.send_entity(entity)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._emitter, name)


def drop_messages(entity: Any) -> None:
    """Remove the text of every exception recorded on ``entity`` and its subsegments."""
    cause = getattr(entity, "cause", None)
    if isinstance(cause, dict):
        for throwable in cause.get("exceptions", ()):
            vars(throwable).pop("message", None)
    for child in getattr(entity, "subsegments", ()):
        drop_messages(child)
