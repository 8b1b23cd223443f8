"""The enquiry API's benchmarks (issue: Enquiries).

* ``POST /enquiries`` in-process through the Chalice app with warm clients, against a moto
  server with the tables provisioned and the real OpenSearch node (demo catalog) for the
  routing snapshot; baselines, interleaved in the same run: a bare ``put_item`` of a
  comparable item on the same moto server, and the handler's own I/O sent raw (the routing
  GET and the same transaction). Also the DynamoDB round trips per accepted enquiry, without
  and with an ``Idempotency-Key`` (target <= 3), counted on the client deps builds.
* Load: 1,000 submissions from 20 concurrent clients over HTTP against the local stack
  (OpenSearch node, moto server, API server, stream worker), then, within a bounded wait,
  the e-mails in the outbox. Targets: 1,000 stored, 2,000 e-mails, no duplicate, no 5xx;
  also counted: enquiries answered 202 but not stored, and stored though answered an error.

Rate limits are raised to their maximum and every submission has its own e-mail address,
so that the limits never refuse a submission. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib import deps, tables
from indexer import demo_data

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from devstack.stack import LocalStack

WARM_UP = 30
SUBMISSIONS = 300
# moto's transact_write_items deep-copies every table it touches (stream records included)
# for its rollback, so its cost grows with the tables, and the garbage it leaves makes the
# collector pause for seconds: nothing DynamoDB does. Clearing moto's state every few
# submissions (untimed) keeps the tables small, so the handler and the baseline are measured
# against tables of the same, small size all run long.
MOTO_RESET_EVERY = 10
LOAD_SUBMISSIONS = 1_000
LOAD_CLIENTS = 20
LOAD_WARM_UP = 5  # stored and e-mailed too, but not counted: their references are left out
LOAD_DEADLINE_S = 300.0  # no request starts after this; each one times out after REQUEST_TIMEOUT_S
REQUEST_TIMEOUT_S = 30.0
DRAIN_TIMEOUT_S = 300.0
OUTBOX_POLL_S = 2.0
SETTLE_S = 3.0  # after the last expected e-mail, a duplicate would have arrived by now
RATE_LIMITS = {"EMAIL_RATE_PER_HOUR": "10000", "IP_RATE_PER_HOUR": "100000"}  # the settings' maxima
ROUND_TRIP_TARGET = 3
_REFERENCE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")  # a ULID, as the e-mails' subjects carry it


# --- Submissions -------------------------------------------------------------------------


def enquiry_body(number: int, tag: str) -> dict[str, Any]:
    """A valid enquiry to one of the seed page's specialists, from an address of its own."""
    specialist = demo_data.SEED_SPECIALISTS[number % len(demo_data.SEED_SPECIALISTS)]
    hospitals = [hospital.id for hospital in specialist.hospitals]
    body: dict[str, Any] = {
        "specialist_id": specialist.id,
        "treatment": "Psychodynamic therapy",
        "first_name": "Bench",
        "last_name": f"Patient {number}",
        "email": f"bench.{tag}.{number}@example.com",
        "phone": "020 7946 0000",
        "preferred_contact": "email" if number % 2 else "phone",
        "message": "I would like an appointment.\nMornings suit me.",
        "consent": True,
        "consent_version": "2026-11",
    }
    if number % 3:  # a third leave the hospital out: the primary one is chosen
        body["hospital_id"] = hospitals[number % len(hospitals)]
    return body


def percentiles(samples: list[float], points: tuple[int, ...] = (50, 95)) -> dict[str, float]:
    """``{"p50_ms": ..., "p95_ms": ...}`` of latencies in seconds (at least two of them)."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {f"p{point}_ms": round(cuts[point - 1] * 1000, 2) for point in points}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` for the block, then exactly as it was."""
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# --- 1. The handler in-process against a bare put_item -----------------------------------


class _RoundTrips:
    """Counts the HTTP requests a botocore client sends (retries included), by operation."""

    def __init__(self, client: DynamoDBClient) -> None:
        self.operations: list[str] = []
        self._client = client

    def __enter__(self) -> _RoundTrips:
        self._client.meta.events.register("before-send.dynamodb", self._seen, unique_id="bench-round-trips")
        return self

    def __exit__(self, *_: object) -> None:
        self._client.meta.events.unregister("before-send.dynamodb", unique_id="bench-round-trips")

    def _seen(self, request: Any, **_: Any) -> None:
        target = request.headers.get("X-Amz-Target", b"")
        self.operations.append((target.decode() if isinstance(target, bytes) else str(target)).rpartition(".")[2])

    def since(self, start: int) -> list[str]:
        return self.operations[start:]


def handler_latency(opensearch_url: str, alias: str, submissions: int = SUBMISSIONS) -> dict[str, Any]:
    """``opensearch_url`` must serve the demo catalog (the seed page's specialists) behind ``alias``."""
    from moto.server import ThreadedMotoServer

    from devstack.processes import free_port

    port = free_port()
    moto_url = f"http://127.0.0.1:{port}"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        from devstack.stack import stage_environment

        env = {
            **stage_environment(),
            **RATE_LIMITS,
            "OPENSEARCH_URL": opensearch_url,
            "SEARCH_ALIAS": alias,
            "AWS_ENDPOINT_URL": moto_url,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        with environment(env):
            deps.reset()
            try:
                return _handler_against_put_item(moto_url, submissions)
            finally:
                deps.reset()
    finally:
        server.stop()


def _handler_against_put_item(moto_url: str, submissions: int) -> dict[str, Any]:
    import json

    import boto3
    from chalice.test import Client

    from app import app
    from chalicelib.config import get_settings
    from chalicelib.enquiries.submit import new_enquiry_id
    from devstack.provision import provision

    settings = get_settings()
    session = boto3.Session(region_name=settings.region)
    provision(settings, session, endpoint_url=moto_url)
    # Built now, from the environment above: Chalice's test client patches os.environ with
    # the stage's variables (SEARCH_ALIAS among them) only while a request runs.
    deps.services().enquiry_endpoint  # noqa: B018 - built here, not in the first timed request
    dynamodb = deps.clients().dynamodb
    table = settings.enquiries_table
    tag = uuid.uuid4().hex[:8]
    handler: list[float] = []
    with_key: list[float] = []
    put: list[float] = []
    raw_io: list[float] = []
    opensearch = deps.clients().opensearch
    trips_plain: list[list[str]] = []
    trips_keyed: list[list[str]] = []
    trips_replay: list[list[str]] = []
    template: dict[str, Any] | None = None
    with Client(app, stage_name="local") as client, _RoundTrips(dynamodb) as trips:

        def post(body: dict[str, Any], key: str | None) -> tuple[float, list[str], str]:
            headers = {"Content-Type": "application/json"}
            if key is not None:
                headers["Idempotency-Key"] = key
            start = len(trips.operations)
            started = time.perf_counter()
            answer = client.http.post("/enquiries", headers=headers, body=json.dumps(body))
            elapsed = time.perf_counter() - started
            if answer.status_code != 202:
                raise RuntimeError(f"POST /enquiries answered {answer.status_code}: {answer.body!r}")
            return elapsed, trips.since(start), str(json.loads(answer.body)["enquiry_id"])

        for number in range(WARM_UP + submissions):  # the first WARM_UP warm every cache and are not counted
            if number and number % MOTO_RESET_EVERY == 0:
                _reset_moto(moto_url)
                provision(settings, session, endpoint_url=moto_url)
            plain_s, plain_ops, enquiry_id = post(enquiry_body(2 * number, tag), None)
            keyed_body = enquiry_body(2 * number + 1, tag)
            key = f"bench-{tag}-{number}"
            keyed_s, keyed_ops, _ = post(keyed_body, key)
            if template is None:  # the item the handler stored: the baseline puts copies of it
                key_of = {tables.ENQUIRIES.partition_key: {"S": enquiry_id}}
                template = dynamodb.get_item(TableName=table, Key=key_of)["Item"]
            item = {**template, tables.ENQUIRIES.partition_key: {"S": new_enquiry_id()}}
            started = time.perf_counter()
            dynamodb.put_item(TableName=table, Item=item)
            put_s = time.perf_counter() - started
            # The handler's own I/O, sent raw: the routing read, then the same transaction.
            actions = _transaction(settings.rate_limit_table, table, tag, number, template)
            started = time.perf_counter()
            opensearch.get(index=settings.search_alias, id=enquiry_body(2 * number, tag)["specialist_id"])
            dynamodb.transact_write_items(TransactItems=actions)
            raw_s = time.perf_counter() - started
            if number < WARM_UP:
                continue
            handler.append(plain_s)
            with_key.append(keyed_s)
            put.append(put_s)
            raw_io.append(raw_s)
            trips_plain.append(plain_ops)
            trips_keyed.append(keyed_ops)
            if number % 10 == 0:  # a replay: same key, same body, nothing new stored
                trips_replay.append(post(keyed_body, key)[1])
    ours, keyed, baseline, raw = percentiles(handler), percentiles(with_key), percentiles(put), percentiles(raw_io)
    return {
        "submissions": submissions,
        "warm_up": WARM_UP,
        "handler": ours,
        "handler_with_idempotency_key": keyed,
        "bare_put_item": baseline,
        "p50_ratio": round(ours["p50_ms"] / baseline["p50_ms"], 3),
        "p95_ratio": round(ours["p95_ms"] / baseline["p95_ms"], 3),
        "with_key_p50_ratio": round(keyed["p50_ms"] / baseline["p50_ms"], 3),
        "with_key_p95_ratio": round(keyed["p95_ms"] / baseline["p95_ms"], 3),
        "raw_io": raw,
        "p50_over_raw_io": round(ours["p50_ms"] / raw["p50_ms"], 3),
        "p95_over_raw_io": round(ours["p95_ms"] / raw["p95_ms"], 3),
        "round_trips": {
            "without_key": _trip_summary(trips_plain),
            "with_key": _trip_summary(trips_keyed),
            "replay": _trip_summary(trips_replay),
            "target": f"<= {ROUND_TRIP_TARGET}",
        },
        "moto_reset_every": MOTO_RESET_EVERY,
    }


def _transaction(counters: str, table: str, tag: str, number: int, template: dict[str, Any]) -> list[Any]:
    """The handler's transaction, raw: the e-mail's and the network's counters, then the
    conditional put of a copy of a stored enquiry."""
    from chalicelib.enquiries.submit import new_enquiry_id

    hour = int(time.time()) // 3600
    counts: list[Any] = [
        {
            "Update": {
                "TableName": counters,
                "Key": {tables.RATE_LIMITS.partition_key: {"S": f"{kind}#bench-{tag}-{who}#{hour}"}},
                "UpdateExpression": "ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)",
                "ConditionExpression": "attribute_not_exists(#n) OR #n < :limit",
                "ExpressionAttributeNames": {"#n": "count", "#ttl": tables.RATE_LIMITS.ttl_attribute},
                "ExpressionAttributeValues": {
                    ":one": {"N": "1"},
                    ":limit": {"N": "100000"},
                    ":ttl": {"N": str((hour + 2) * 3600)},
                },
            }
        }
        for kind, who in (("email", str(number)), ("ip", "all"))
    ]
    put = {
        "Put": {
            "TableName": table,
            "Item": {**template, tables.ENQUIRIES.partition_key: {"S": new_enquiry_id()}},
            "ConditionExpression": "attribute_not_exists(#id)",
            "ExpressionAttributeNames": {"#id": tables.ENQUIRIES.partition_key},
        }
    }
    return [*counts, put]


def _reset_moto(moto_url: str) -> None:
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=10).close()


def _trip_summary(per_submission: list[list[str]]) -> dict[str, Any]:
    counts = [len(operations) for operations in per_submission]
    shapes = Counter(" + ".join(operations) for operations in per_submission)
    return {
        "submissions": len(counts),
        "max": max(counts),
        "mean": round(statistics.fmean(counts), 3),
        "operations": dict(shapes.most_common()),
    }


# --- 2. Load over HTTP against the local stack ------------------------------------------


@dataclass
class _Outcome:
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    accepted: dict[str, str] = field(default_factory=dict)  # reference -> the patient's address
    failures: list[str] = field(default_factory=list)  # the first few answers other than 202
    lock: threading.Lock = field(default_factory=threading.Lock)


def load(
    submissions: int = LOAD_SUBMISSIONS, clients: int = LOAD_CLIENTS, drain_timeout_s: float = DRAIN_TIMEOUT_S
) -> dict[str, Any]:
    """Starts a local stack on free ports (its API server inherits ``os.environ``) and stops it."""
    from devstack.stack import LocalStack

    with tempfile.TemporaryDirectory(prefix="fas-bench-stack-") as workdir, environment(RATE_LIMITS):
        started = time.perf_counter()
        with LocalStack(workdir=Path(workdir)) as stack:
            startup_s = time.perf_counter() - started
            result = _load_against(stack, submissions, clients, drain_timeout_s)
            result["stack_startup_s"] = round(startup_s, 1)
            return result


def _load_against(stack: LocalStack, submissions: int, clients: int, drain_timeout_s: float) -> dict[str, Any]:
    from devstack.processes import log_tail

    tag = uuid.uuid4().hex[:8]
    warm_up(stack.api_url, tag)
    outcome = _Outcome()
    deadline = time.monotonic() + LOAD_DEADLINE_S
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="bench-client") as pool:
        shares = [range(first, submissions, clients) for first in range(clients)]
        for finished in [pool.submit(_client, stack.api_url, share, tag, outcome, deadline) for share in shares]:
            finished.result()
    wall_s = time.perf_counter() - started
    sent = sum(outcome.statuses.values())
    server_errors = sum(count for status, count in outcome.statuses.items() if status.startswith("5"))
    drained = drain(stack, tag, outcome.accepted, drain_timeout_s)
    result: dict[str, Any] = {
        "submissions": submissions,
        "clients": clients,
        "sent": sent,
        "wall_s": round(wall_s, 2),
        "throughput_per_s": round(sent / wall_s, 1),
        "latency": percentiles(outcome.latencies) if len(outcome.latencies) > 1 else {},
        "statuses": dict(sorted(outcome.statuses.items())),
        "accepted": len(outcome.accepted),
        "server_errors": server_errors,
        "failures": outcome.failures,
        **drained,
        "stored_target": submissions,
        "emails_target": 2 * submissions,
        "duplicates_target": 0,
        "server_errors_target": 0,
    }
    result["ok"] = (
        result["accepted"] == submissions
        and server_errors == 0
        and result["stored"] == submissions
        and result["emails_sent"] == 2 * submissions
        and result["duplicates"] == 0
        and result["acknowledged_not_stored"] == 0
        and result["stored_without_202"] == 0
    )
    if server_errors or outcome.failures:
        result["api_log_exceptions"] = exceptions_logged(stack.api_log)
        result["api_log_tail"] = log_tail(stack.api_log, 60)
    return result


def warm_up(api_url: str, tag: str) -> None:
    """LOAD_WARM_UP enquiries from addresses ``bench.{tag}-warm.N``, outside the run's
    ``bench.{tag}.`` prefix: the API server's first enquiry loads its modules and clients."""
    import requests

    with requests.Session() as session:
        for number in range(LOAD_WARM_UP):
            answer = session.post(
                f"{api_url}/enquiries", json=enquiry_body(number, f"{tag}-warm"), timeout=REQUEST_TIMEOUT_S
            )
            if answer.status_code != 202:
                raise RuntimeError(f"warm-up enquiry answered {answer.status_code}: {answer.text[:300]}")


def exceptions_logged(log: Path) -> dict[str, int]:
    """The exceptions that ended the tracebacks in a log, by type, most frequent first."""
    found: Counter[str] = Counter()
    in_traceback = False
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("Traceback (most recent call last)"):
            in_traceback = True
        elif in_traceback and line and not line.startswith((" ", "\t", "During handling", "The above exception")):
            found[line.split(":", 1)[0][:120]] += 1
            in_traceback = False
    return dict(found.most_common(10))


def _client(api_url: str, numbers: range, tag: str, outcome: _Outcome, deadline: float) -> None:
    """One patient's browser after another: a session of its own, one request at a time."""
    import requests

    with requests.Session() as session:
        for number in numbers:
            if time.monotonic() > deadline:
                with outcome.lock:
                    outcome.statuses["not sent (deadline)"] += 1
                continue
            body = enquiry_body(number, tag)
            started = time.perf_counter()
            try:
                answer = session.post(f"{api_url}/enquiries", json=body, timeout=REQUEST_TIMEOUT_S)
            except requests.RequestException as exc:
                with outcome.lock:
                    outcome.statuses[f"error {type(exc).__name__}"] += 1
                    if len(outcome.failures) < 10:
                        outcome.failures.append(f"#{number}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            elapsed = time.perf_counter() - started
            with outcome.lock:
                outcome.statuses[str(answer.status_code)] += 1
                outcome.latencies.append(elapsed)
                if answer.status_code == 202:
                    outcome.accepted[str(answer.json()["enquiry_id"])] = body["email"]
                elif len(outcome.failures) < 10:
                    outcome.failures.append(f"#{number}: {answer.status_code} {answer.text[:300]}")


def drain(stack: LocalStack, tag: str, accepted: dict[str, str], timeout_s: float) -> dict[str, Any]:
    """Wait, reading the outbox every OUTBOX_POLL_S, until every accepted enquiry's two
    e-mails are there (or ``timeout_s``); then count what is stored and what was sent."""
    expected = 2 * len(accepted)
    outbox = _Outbox()
    started = time.monotonic()
    while True:
        mine = outbox.mail(accepted.__contains__)
        waited = time.monotonic() - started
        if len(mine) >= expected or waited >= timeout_s:
            break
        time.sleep(OUTBOX_POLL_S)
    time.sleep(SETTLE_S)
    stored = _stored(stack, f"bench.{tag}.")  # reference -> (status, address), of every enquiry of this run stored
    mail = outbox.mail(stored.__contains__)
    ours = [(reference, to) for reference, to in mail if reference in accepted]
    per_recipient = Counter(mail)
    per_enquiry = Counter(reference for reference, _ in per_recipient)
    unacknowledged = set(stored) - set(accepted)
    return {
        "drain_s": round(waited, 1),
        "drain_timeout_s": timeout_s,
        "emails_sent": len(ours),
        "duplicates": sum(count - 1 for count in per_recipient.values()),
        "enquiries_with_both_emails": sum(1 for reference in accepted if per_enquiry[reference] >= 2),
        "patients_emailed": sum(1 for reference, to in set(ours) if accepted[reference] in to),
        "stored": sum(1 for reference in stored if reference in accepted),
        "stored_statuses": dict(Counter(stored[reference][0] for reference in accepted if reference in stored)),
        # One submission stored under two references (each submission has an address of its own).
        "stored_twice": sum(count - 1 for count in Counter(address for _, address in stored.values()).values()),
        # Answered 202 yet not in the table: an acknowledged enquiry lost.
        "acknowledged_not_stored": sum(1 for reference in accepted if reference not in stored),
        # In the table (and e-mailed) though the patient was answered an error.
        "stored_without_202": len(unacknowledged),
        "emails_for_unacknowledged": sum(1 for reference, _ in mail if reference in unacknowledged),
    }


class _Outbox:
    """(reference, recipient) of each e-mail the moto server sent about an enquiry.

    This is what ``GET /_local/outbox`` shows (moto's SES state, raw MIME), read from the moto
    server the stack runs in this very process: its ``data.json`` dump of every backend took
    over a minute to serve once the run's state had grown. Each message is parsed once, on
    the first read that finds it: parsing them all on every poll held the interpreter long
    enough to slow the stream worker that shares this process.
    """

    def __init__(self) -> None:
        self._read: dict[int, int] = {}
        self._mail: list[tuple[str, str]] = []

    def mail(self, wanted: Callable[[str], bool]) -> list[tuple[str, str]]:
        from email.parser import HeaderParser

        from moto.ses.models import ses_backends

        parser = HeaderParser()
        for regions in list(ses_backends.values()):
            for backend in list(regions.values()):
                messages = list(backend.sent_messages)
                for message in messages[self._read.get(id(backend), 0) :]:
                    raw = getattr(message, "raw_data", None)
                    if raw is None:
                        continue
                    headers = parser.parsestr(raw)
                    reference = _REFERENCE.search(str(headers.get("Subject", "")))
                    if reference:
                        self._mail.append((reference.group(), str(headers.get("To", "")).lower()))
                self._read[id(backend)] = len(messages)
        return [mail for mail in self._mail if wanted(mail[0])]


def _stored(stack: LocalStack, email_prefix: str) -> dict[str, tuple[str, str]]:
    """reference -> (status, address) of the enquiries in the moto server's table from addresses
    starting ``email_prefix`` (a paginated scan through boto3)."""
    import boto3
    from botocore.config import Config

    settings, env = stack.settings(), stack.environment()
    session = boto3.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=settings.region,
    )
    client = session.client("dynamodb", endpoint_url=stack.moto_url, config=Config(account_id_endpoint_mode="disabled"))
    stored: dict[str, tuple[str, str]] = {}
    for page in client.get_paginator("scan").paginate(
        TableName=settings.enquiries_table, ProjectionExpression="enquiry_id, #status, email",
        ExpressionAttributeNames={"#status": "status"},
    ):  # fmt: skip
        for item in page["Items"]:
            address = item.get("email", {}).get("S", "")
            if address.startswith(email_prefix):
                stored[item["enquiry_id"]["S"]] = (item.get("status", {}).get("S", "?"), address)
    return stored
