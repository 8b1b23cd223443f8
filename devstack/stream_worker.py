"""The local stand-in for Lambda's stream event source mapping: enquiries to e-mails.

A thread polls the enquiries table's stream on the moto server and hands each batch,
shaped like Lambda's event, to the same ``handle_stream_event`` the ``notify`` function
runs. Like a mapping with ReportBatchItemFailures, it delivers again from the first
failed record after a short delay, and gives up on a batch after ``max_attempts``.
Every ``sweep_every_s`` it also runs the sweep, as the schedule does in AWS, so what the
stream gave up on is still sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient

    from chalicelib.config import Settings

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], dict[str, Any]]
Sweep = Callable[[], object]
BATCH_SIZE = 100
ERROR_PAUSE_S = 1.0
# How often the local worker sweeps (the schedule in AWS runs every 5 minutes).
SWEEP_EVERY_S = 2.0


def local_stream_worker(settings: Settings, session: boto3.Session, endpoint_url: str) -> StreamWorker:
    """The worker the local stack runs: the real notify handler and sweep, built by the
    composition root on clients of the moto server at ``endpoint_url`` and of the
    OpenSearch node the settings name."""
    from botocore.config import Config

    from chalicelib.adapters.dynamodb_stream import handle_stream_event
    from chalicelib.bootstrap import Clients, bootstrap

    clients = Clients(settings, session=session, endpoint_url=endpoint_url)
    services = bootstrap(settings, clients)
    notifier = services.notifier
    # moto serves DynamoDB streams on the plain regional endpoint only.
    config = Config(account_id_endpoint_mode="disabled")
    streams = session.client("dynamodbstreams", endpoint_url=endpoint_url, config=config)
    return StreamWorker(
        clients.dynamodb,
        streams,
        settings.enquiries_table,
        lambda event: handle_stream_event(event, notifier),
        sweep=services.sweeper.sweep,
    )


def lambda_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """Stream records as ``get_records`` returns them, in the shape Lambda delivers."""
    return {"Records": [_lambda_record(record, stream_arn) for record in records]}


def _lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):  # boto3 parses it; Lambda passes epoch seconds
        change["ApproximateCreationDateTime"] = created.timestamp()
    return {**record, "dynamodb": change, "eventSourceARN": stream_arn}


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None = None
    last_read: str | None = None  # sequence number of the last record read
    pending: list[dict[str, Any]] = field(default_factory=list)  # read, not yet handled
    attempts: int = 0
    retry_at: float = 0.0  # time.monotonic()


class StreamWorker:
    def __init__(
        self,
        dynamodb: DynamoDBClient,
        streams: DynamoDBStreamsClient,
        table_name: str,
        handle: Handler,
        *,
        poll_s: float = 0.1,
        redeliver_after_s: float = 1.0,
        max_attempts: int = 10,
        sweep: Sweep | None = None,
        sweep_every_s: float = SWEEP_EVERY_S,
    ) -> None:
        self._dynamodb = dynamodb
        self._streams = streams
        self._table_name = table_name
        self._handle = handle
        self._poll_s = poll_s
        self._redeliver_after_s = redeliver_after_s
        self._max_attempts = max_attempts
        self._sweep = sweep
        self._sweep_every_s = sweep_every_s
        self._sweep_at = 0.0  # time.monotonic()
        self._stream_arn: str | None = None
        self._shards: dict[str, _Shard] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Read the stream from its start (TRIM_HORIZON), as a new mapping would."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="enquiry-stream-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Finish the batch in hand, then stop. Safe to call twice."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        while not self._stopping.is_set():
            pause = self._poll_s
            try:
                self._poll()
            except (BotoCoreError, ClientError) as exc:
                log.warning("enquiry stream poll failed (%s); trying again", _code(exc))
                self._recover()
                pause = ERROR_PAUSE_S
            self._sweep_if_due()
            self._stopping.wait(pause)

    def _sweep_if_due(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        if self._sweep is None or time.monotonic() < self._sweep_at:
            return
        self._sweep_at = time.monotonic() + self._sweep_every_s
        try:
            self._sweep()
        except (BotoCoreError, ClientError) as exc:
            log.warning("enquiry sweep failed (%s); sweeping again later", _code(exc))

    def _recover(self) -> None:
        """After a failed poll: again after the last record read, or from the start of a new
        stream when the table was made again (a moto reset)."""
        from botocore.exceptions import BotoCoreError, ClientError

        for shard in self._shards.values():
            shard.iterator = None
        try:
            latest = self._dynamodb.describe_table(TableName=self._table_name)["Table"].get("LatestStreamArn")
        except (BotoCoreError, ClientError):
            latest = None
        if latest != self._stream_arn:
            self._stream_arn, self._shards = None, {}

    def _poll(self) -> None:
        if self._stream_arn is None:
            self._stream_arn = self._dynamodb.describe_table(TableName=self._table_name)["Table"]["LatestStreamArn"]
        if not self._shards:
            description = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]
            self._shards = {shard["ShardId"]: _Shard(shard["ShardId"]) for shard in description["Shards"]}
        for shard in self._shards.values():
            self._read(self._stream_arn, shard)
            self._deliver(self._stream_arn, shard)

    def _read(self, stream_arn: str, shard: _Shard) -> None:
        # A new iterator on every poll, from the last record read, never the one get_records
        # chains: moto rolls back a cancelled transaction (an enquiry over a rate limit) by
        # putting back a deep copy of the table, its stream with it, and an iterator made
        # before that would read the stale copy for ever, e-mailing nothing new.
        position: dict[str, Any] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.last_read}
            if shard.last_read
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        answer = self._streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard.shard_id, **position)
        shard.iterator = answer["ShardIterator"]
        records = self._streams.get_records(ShardIterator=shard.iterator, Limit=BATCH_SIZE)
        if records["Records"]:
            shard.pending.extend(dict(record) for record in records["Records"])
            shard.last_read = shard.pending[-1]["dynamodb"]["SequenceNumber"]

    def _deliver(self, stream_arn: str, shard: _Shard) -> None:
        if not shard.pending or time.monotonic() < shard.retry_at:
            return
        batch = shard.pending[:BATCH_SIZE]
        sequences = [record["dynamodb"]["SequenceNumber"] for record in batch]
        try:
            answer = self._handle(lambda_event(batch, stream_arn))
            failed = {failure["itemIdentifier"] for failure in answer.get("batchItemFailures", [])}
        except Exception as exc:  # noqa: BLE001 - as in Lambda, a raising handler fails the whole batch
            log.error("enquiry stream handler raised %s", type(exc).__name__)
            failed = set(sequences)
        first_failed = next((i for i, sequence in enumerate(sequences) if sequence in failed), None)
        if first_failed is None:
            del shard.pending[: len(batch)]
            shard.attempts = 0
            return
        shard.attempts += 1
        if shard.attempts >= self._max_attempts:
            log.error("enquiry stream: gave up on records %s to %s", sequences[first_failed], sequences[-1])
            del shard.pending[: len(batch)]
            shard.attempts = 0
            return
        del shard.pending[:first_failed]  # Lambda's checkpoint: again from the first failure
        shard.retry_at = time.monotonic() + self._redeliver_after_s


def _code(error: Exception) -> str:
    """The AWS error code, or the exception's type: never its message."""
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code or type(error).__name__)
