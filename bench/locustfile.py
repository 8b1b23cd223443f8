"""Patients' traffic for the load benchmark (``bench/load_bench.py`` runs it; not on its own).

Locust imports this file in a process of its own (gevent's monkeypatching stays there).
Each simulated patient, after a short pause, searches (most often), types into the
typeahead, opens a profile or, now and then, sends an enquiry. What to ask comes from the
plan ``load_bench`` writes (``LOAD_BENCH_PLAN``: think time, task weights, judged queries,
refined searches, typeahead prefixes, specialist ids, the run's tag); every answer is appended to ``LOAD_BENCH_OUT``
as one JSON line (type, status, latency, start), and an accepted enquiry's line also
carries its reference and address, so the benchmark can find it in the table and outbox.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from locust import FastHttpUser, between, events, task
from locust.event import EventHook

from bench.enquiry_bench import enquiry_body

# Enquiry numbers of step N start at N * NUMBERS_PER_STEP: every address of a run is unique.
NUMBERS_PER_STEP = 1_000_000
_PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_BENCH_PLAN"]).read_text())
_WEIGHTS: dict[str, int] = _PLAN["weights"]
_STEP = int(os.environ["LOAD_BENCH_STEP"])
_numbers = itertools.count(_STEP * NUMBERS_PER_STEP)


class _Log:
    """The answers, one JSON line each; opened when the test starts, closed as Locust quits."""

    out: TextIO | None = None

    @classmethod
    def open(cls, **_: Any) -> None:
        cls.out = Path(os.environ["LOAD_BENCH_OUT"]).open("a")  # noqa: SIM115  # closed on quitting

    @classmethod
    def close(cls, **_: Any) -> None:
        if cls.out is not None:
            cls.out.close()
            cls.out = None


def _listen(hook: EventHook, handler: Callable[..., None]) -> None:
    hook.add_listener(handler)  # type: ignore[no-untyped-call]  # locust leaves it unannotated


def _record(
    name: str, response_time: float, response: Any, context: dict[str, Any], start_time: float, **_: Any
) -> None:
    status = int(getattr(response, "status_code", 0) or 0)
    line: dict[str, Any] = {"type": name, "status": status, "ms": round(response_time, 2), "at": round(start_time, 3)}
    if not status:
        error = getattr(response, "error", None)
        line["error"] = type(error).__name__ if error is not None else "no answer"
    elif status >= 400:
        line["error"] = _error_code(response)
    if name == "enquiry" and status == 202:
        line["reference"] = response.json()["enquiry_id"]
        line["email"] = context["email"]
    if _Log.out is not None:
        _Log.out.write(json.dumps(line) + "\n")


def _error_code(response: Any) -> str:
    """The API's error code (``search_unavailable``, ...): says which failure, names no one."""
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


_listen(events.test_start, _Log.open)
_listen(events.request, _record)
_listen(events.quitting, _Log.close)


class Patient(FastHttpUser):
    wait_time = between(*_PLAN["think_s"])

    def on_start(self) -> None:
        self.rng = random.Random()  # noqa: S311 - a patient's choices, not a secret

    @task(_WEIGHTS["search"])
    def search(self) -> None:
        self.client.get("/specialists", params=self.rng.choice(_PLAN["searches"]), name="search")

    @task(_WEIGHTS["refined_search"])
    def refined_search(self) -> None:
        """Filters, a place, a later page: reported with plain searches' type ``search``."""
        self.client.get("/specialists", params=self.rng.choice(_PLAN["refined"]), name="search")

    @task(_WEIGHTS["typeahead"])
    def typeahead(self) -> None:
        self.client.get("/suggest", params={"q": self.rng.choice(_PLAN["prefixes"])}, name="typeahead")

    @task(_WEIGHTS["profile"])
    def profile(self) -> None:
        self.client.get(f"/specialists/{self.rng.choice(_PLAN['profiles'])}", name="profile")

    @task(_WEIGHTS["enquiry"])
    def enquiry(self) -> None:
        body = enquiry_body(next(_numbers), _PLAN["tag"])
        self.client.post("/enquiries", json=body, name="enquiry", context={"email": body["email"]})
