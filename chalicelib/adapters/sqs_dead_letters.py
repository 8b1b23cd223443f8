"""The dead-letter port on Amazon SQS: one message per enquiry that could not be e-mailed.

The body is ``{"enquiry_id": ..., "reason": ...}`` and nothing more: the enquiry itself
stays in its table (status ``failed``), where whoever replays it reads it.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class SqsDeadLetters:
    def __init__(self, client: SQSClient, queue_name: str) -> None:
        self._client = client
        self._queue_name = queue_name

    def park(self, enquiry_id: str, reason: str) -> None:
        body = json.dumps({"enquiry_id": enquiry_id, "reason": reason})
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=body)

    @functools.cached_property
    def _queue_url(self) -> str:
        """Looked up on first use: parking is rare, and a cold start should not pay for it."""
        return self._client.get_queue_url(QueueName=self._queue_name)["QueueUrl"]
