"""The analytics sink (:class:`~chalicelib.analytics.recorder.AnalyticsSink`) in Lambda: one
JSON line per record on stdout, so on the api function's log group, ``{"ubi": "query" | "event",
"record": {...}}``. A subscription on the log group takes these lines to S3 (issue 18, item 3).

A plain ``print``: no client, no round trip, nothing the search waits for but the write.
The Lambda runtime's logging handler would prefix each line with a level and request id;
stdout keeps the line pure JSON.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from chalicelib.analytics.recorder import RecordKind


class LogAnalyticsSink:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def record(self, kind: RecordKind, record: Mapping[str, Any]) -> None:
        line = json.dumps({"ubi": kind, "record": record}, ensure_ascii=False, separators=(",", ":"))
        print(line, file=self._stream or sys.stdout, flush=True)
