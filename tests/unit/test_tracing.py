"""X-Ray subsegments (chalicelib/tracing.py): off, and not even imported, unless asked; when on,
a subsegment for each OpenSearch, DynamoDB and SES call, with nothing personal in it.

The SDK patches botocore for the whole process, so the tests that turn it on run in a child."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from aws_xray_sdk.core.models.segment import Segment  # type: ignore[import-untyped]
from aws_xray_sdk.core.models.subsegment import Subsegment  # type: ignore[import-untyped]

from chalicelib.tracing import api_of, drop_messages, mode
from devstack.stack import PROJECT_DIR

PATIENT = "jane.patient@example.com"
SDK = ("aws_xray_sdk", "wrapt")

_LOADED_BY_A_SEARCH = """
import json, os, sys
os.environ["OPENSEARCH_URL"] = "http://127.0.0.1:9"
import app
from chalice.test import Client
with Client(app.app, stage_name="local") as client:
    status = client.http.get("/specialists?q=knee").status_code
print(json.dumps({"status": status, "sdk": sorted(m for m in sys.modules if m.partition(".")[0] in sys.argv[1:])}))
"""

# One OpenSearch search (a stub node), one DynamoDB read and one refused SES send (moto), in a
# segment of its own; prints what the emitter was given to send.
_TRACED_CALLS = """
import json, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

patient = sys.argv[1]

class Node(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"took": 1, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST
    def log_message(self, *args):
        pass

node = ThreadingHTTPServer(("127.0.0.1", 0), Node)
threading.Thread(target=node.serve_forever, daemon=True).start()

from aws_xray_sdk.core import xray_recorder
sent = []
class Kept:
    def send_entity(self, entity):
        sent.append(entity.serialize())
xray_recorder.configure(emitter=Kept(), sampling=False)

from moto import mock_aws
from chalicelib.bootstrap import Clients
with mock_aws():
    settings = SimpleNamespace(
        opensearch_url=f"http://127.0.0.1:{node.server_port}", signs_search_requests=False, region="eu-west-2"
    )
    clients = Clients(settings)
    xray_recorder.begin_segment("probe")
    clients.opensearch.search(index="specialists", q=patient, body={"query": {"match": {"name": patient}}})
    clients.dynamodb.create_table(
        TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    clients.dynamodb.get_item(TableName="t", Key={"k": {"S": patient}})
    try:
        clients.ses.send_email(
            FromEmailAddress=patient, Destination={"ToAddresses": [patient]},
            Content={"Simple": {"Subject": {"Data": patient}, "Body": {"Text": {"Data": patient}}}},
        )
    except Exception as exc:
        refused = type(exc).__name__ + ": " + str(exc)
    xray_recorder.end_segment()
print(json.dumps({"refused": refused, "sent": sent}))
"""


def _run(script: str, *args: str, **env: str) -> dict[str, Any]:
    import os

    environ = {key: value for key, value in os.environ.items() if key != "XRAY_SUBSEGMENTS"}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=PROJECT_DIR,
        env={**environ, "AWS_DEFAULT_REGION": "eu-west-2", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "off"),
        ({"AWS_LAMBDA_FUNCTION_NAME": "api"}, "off"),
        ({"XRAY_SUBSEGMENTS": "on"}, "off"),  # a local run, the tests, the bench: no daemon, no cost
        ({"XRAY_SUBSEGMENTS": "on", "AWS_LAMBDA_FUNCTION_NAME": "api"}, "lambda"),
        ({"XRAY_SUBSEGMENTS": " Local "}, "local"),
        ({"XRAY_SUBSEGMENTS": "yes", "AWS_LAMBDA_FUNCTION_NAME": "api"}, "off"),
    ],
)
def test_subsegments_are_on_only_in_lambda_when_set_or_when_asked_locally(
    environ: dict[str, str], expected: str
) -> None:
    assert mode(environ) == expected


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("/specialists/_search", "_search"),
        ("/_msearch", "_msearch"),
        ("/specialists/_doc/gmc-1234567", "_doc"),
        ("/specialists/_search?q=jane%40example.com", "_search"),
        ("/?_source=jane", "/"),
        ("/", "/"),
    ],
)
def test_the_opensearch_api_named_is_a_path_segment_never_the_query(url: str, api: str) -> None:
    assert api_of(url) == api


def test_exception_messages_are_dropped_from_a_segment_and_its_subsegments_keeping_their_types() -> None:
    segment = Segment("notify")
    send = Subsegment("SESV2", "aws", segment)
    segment.add_subsegment(send)
    send.add_exception(ValueError(f"Email address is not verified: {PATIENT}"), [])
    segment.add_exception(RuntimeError(PATIENT), [])

    drop_messages(segment)
    sent = segment.serialize()

    assert PATIENT not in sent
    assert '"type": "ValueError"' in sent
    assert '"type": "RuntimeError"' in sent


@pytest.mark.parametrize("environ", [{}, {"XRAY_SUBSEGMENTS": "on"}])
def test_given_tracing_not_asked_for_then_a_search_never_loads_the_sdk(environ: dict[str, str]) -> None:
    loaded = _run(_LOADED_BY_A_SEARCH, *SDK, **environ)

    assert loaded == {"status": 503, "sdk": []}  # the whole route ran, up to the search


def test_given_tracing_asked_for_locally_then_the_first_search_loads_it() -> None:
    loaded = _run(_LOADED_BY_A_SEARCH, *SDK, XRAY_SUBSEGMENTS="local")

    assert loaded["status"] == 503
    assert set(SDK) <= {name.partition(".")[0] for name in loaded["sdk"]}


def test_given_tracing_on_then_opensearch_dynamodb_and_ses_calls_are_subsegments_without_personal_data() -> None:
    found = _run(_TRACED_CALLS, PATIENT, XRAY_SUBSEGMENTS="local")
    (segment,) = [json.loads(entity) for entity in found["sent"]]
    by_name = {subsegment["name"]: subsegment for subsegment in segment["subsegments"]}

    assert PATIENT in found["refused"]  # the positive control: SES's refusal quotes the address
    assert {"opensearch", "dynamodb", "email"} <= set(by_name)  # botocore's: named by endpoint (SES v2: email)
    search = by_name["opensearch"]
    assert search["annotations"] == {"opensearch_api": "_search"}
    assert search["http"] == {"request": {"method": "POST"}, "response": {"status": 200}}
    assert by_name["dynamodb"]["aws"]["operation"] == "GetItem"  # the last of the two calls
    (refusal,) = by_name["email"]["cause"]["exceptions"]
    assert refusal["type"] == "MessageRejected"
    assert "message" not in refusal
    assert "jane.patient" not in json.dumps(segment).lower()
