"""Patients' traffic for the load benchmark (``bench/load_bench.py`` runs it; not on its own).

Locust imports this file in a process of its own (gevent's monkeypatching stays there).
Each simulated patient, after a short pause, searches (most often), types into the
typeahead, opens a profile or, now and then, sends an enquiry. What to ask comes from the
plan ``load_bench`` writes (``LOAD_BENCH_PLAN``: think time, task weights, judged queries,
refined searches, typeahead prefixes, specialist ids, the run's tag); every answer is appended to ``LOAD_BENCH_OUT``
as one JSON line (type, status, latency, start), and an accepted enquiry's line also
carries its reference and address, so the benchmark can find it in the table and outbox.

Each patient has a random client id (``X-Client-Id``, and ``client_id`` in its events). After
a search answer with results, some patients click (``POST /events``: view_profile, book or
enquire, with the card's position and id and the answer's ``query_id``), the top cards more
often; after a typeahead answer, some pick a suggestion. What was answered and accepted is
kept in a :class:`~bench.load_tally.Tally`, written to ``LOAD_BENCH_TALLY`` on quitting.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from locust import FastHttpUser, between, events, task
from locust.event import EventHook

from bench.enquiry_bench import enquiry_body
from bench.load_tally import Tally

# Enquiry numbers of step N start at N * NUMBERS_PER_STEP: every address of a run is unique.
NUMBERS_PER_STEP = 1_000_000
_PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_BENCH_PLAN"]).read_text())
_WEIGHTS: dict[str, int] = _PLAN["weights"]
_STEP = int(os.environ["LOAD_BENCH_STEP"])
_numbers = itertools.count(_STEP * NUMBERS_PER_STEP)
_CLICKS: dict[str, Any] = _PLAN["clicks"]
_ACTIONS, _ACTION_WEIGHTS = zip(*_CLICKS["actions"].items(), strict=True)
_TALLY = Tally()


def _write_tally(**_: Any) -> None:
    Path(os.environ["LOAD_BENCH_TALLY"]).write_text(json.dumps(_TALLY.as_json()))


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
_listen(events.quitting, _write_tally)


class Patient(FastHttpUser):
    wait_time = between(*_PLAN["think_s"])

    def on_start(self) -> None:
        self.rng = random.Random()  # noqa: S311 - a patient's choices, not a secret
        self.client_id = str(uuid.uuid4())
        self.headers = {"X-Client-Id": self.client_id}

    @task(_WEIGHTS["search"])
    def search(self) -> None:
        self._search(self.rng.choice(_PLAN["searches"]))

    @task(_WEIGHTS["refined_search"])
    def refined_search(self) -> None:
        """Filters, a place, a later page: reported with plain searches' type ``search``."""
        self._search(self.rng.choice(_PLAN["refined"]))

    @task(_WEIGHTS["typeahead"])
    def typeahead(self) -> None:
        params = {"q": self.rng.choice(_PLAN["prefixes"])}
        response = self.client.get("/suggest", params=params, name="typeahead", headers=self.headers)
        if response.status_code != 200:
            return
        _TALLY.typeahead += 1
        answer = response.json()
        suggestions = answer["suggestions"]
        if suggestions and self.rng.random() < _CLICKS["after_typeahead"]:
            position = self.rng.randrange(len(suggestions)) + 1
            self._event(answer["query_id"], "suggest_pick", position, suggestions[position - 1]["value"], None)

    def _search(self, params: dict[str, str]) -> None:
        response = self.client.get("/specialists", params=params, name="search", headers=self.headers)
        if response.status_code != 200:
            return
        answer = response.json()
        _TALLY.searched(answer["page"])
        cards = answer["results"]
        if not cards or self.rng.random() >= _CLICKS["after_search"]:
            return
        for _ in range(2 if self.rng.random() < _CLICKS["again"] else 1):
            # The top cards more often: card n (from 1) in proportion to 1/n.
            index = self.rng.choices(range(len(cards)), weights=[1 / n for n in range(1, len(cards) + 1)])[0]
            position = (answer["page"] - 1) * answer["page_size"] + index + 1
            action = self.rng.choices(_ACTIONS, weights=_ACTION_WEIGHTS)[0]
            self._event(answer["query_id"], action, position, cards[index]["id"], answer["page"])

    def _event(self, query_id: str, action: str, position: int, object_id: str, page: int | None) -> None:
        """A click (``page``: the clicked answer's) or a typeahead pick (``page`` None), ``client_id`` in the body."""
        body = {
            "query_id": query_id,
            "action": action,
            "position": position,
            "object_id": object_id,
            "client_id": self.client_id,
        }
        response = self.client.post("/events", json=body, name="event", headers=self.headers)
        _TALLY.event(action, position, query_id, page, response.status_code)

    @task(_WEIGHTS["profile"])
    def profile(self) -> None:
        self.client.get(f"/specialists/{self.rng.choice(_PLAN['profiles'])}", name="profile")

    @task(_WEIGHTS["enquiry"])
    def enquiry(self) -> None:
        body = enquiry_body(next(_numbers), _PLAN["tag"])
        self.client.post("/enquiries", json=body, name="enquiry", context={"email": body["email"]})
