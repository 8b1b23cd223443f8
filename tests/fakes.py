"""Fakes of the ports, for unit tests where the store, the mailer or the index is not the subject.

Each keeps the semantics its production adapter promises, so that a test of the logic above
it means the same against the fake as against the real thing:

- :class:`FakeEnquiryStore`: the enquiry store, notify's progress marks and the sweep's list,
  in memory, with the DynamoDB adapter's conditions (a lease that holds until it expires, marks
  that only the claim's token may finish or release, ``sent`` and ``failed`` for good).
- :class:`RecordingMailer` and :class:`RecordingDeadLetters`: what was sent and parked, with
  the next sends or parks scripted to fail.
- :class:`ScriptedIndex`: the search index, answering each body from a script and recording
  every round trip; plus builders of the OpenSearch answers the mappers read.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from chalicelib import index_schema as schema
from chalicelib.enquiries.limits import RateLimited
from chalicelib.enquiries.ports import MESSAGE_KINDS, AddressSuppressed, Claim
from chalicelib.enquiries.record import Enquiry
from chalicelib.search.ports import SearchIndex, SearchUnavailable
from tests.feeds import record

if TYPE_CHECKING:
    from email.message import EmailMessage

    from chalicelib.catalog import Specialist
    from chalicelib.enquiries.limits import RateLimit
    from chalicelib.enquiries.ports import MailAbout, MessageKind
    from chalicelib.search.ports import Corpus

# The attributes the DynamoDB adapter adds to a stored enquiry (chalicelib.adapters.dynamodb_store).
LEASE_HOLDER = "claim_token"
LEASE_EXPIRES_AT = "claim_expires_at"
UNSENT = "unsent"
_STILL_TO_SEND = ("received", "sending")


class FakeClock:
    """A clock that stands still until told to move: ``clock()`` is the time now."""

    def __init__(self, now: datetime = datetime(2026, 11, 25, 19, 9, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class ItemGone(Exception):
    """A mark on an enquiry that is no longer stored (the adapter's failed condition)."""


class FakeEnquiryStore:
    """EnquiryStore, EnquiryProgress and UnsentEnquiries in memory: items as the adapter
    stores them (resource-style values), each mark the same conditional update."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.counters: dict[str, int] = {}
        self.suppressed: set[str] = set()
        self._stale: set[str] = set()

    # --- EnquiryStore -----------------------------------------------------------------

    def ping(self) -> None:
        return None

    def put_new(
        self, enquiry: Enquiry, limits: Sequence[RateLimit] = (), *, suppression_key: str | None = None
    ) -> None:
        """All or nothing; an id already stored is an earlier attempt's (accepted, unchanged)."""
        if suppression_key is not None and suppression_key in self.suppressed:
            raise AddressSuppressed
        over = [limit for limit in limits if self.counters.get(limit.counter_key, 0) >= limit.limit]
        if over:
            raise RateLimited(max(limit.retry_after_s for limit in over))
        if enquiry.enquiry_id in self.items:
            return
        for limit in limits:
            self.counters[limit.counter_key] = self.counters.get(limit.counter_key, 0) + 1
        self.items[enquiry.enquiry_id] = {**enquiry.to_item(), UNSENT: "pending"}

    # --- EnquiryProgress --------------------------------------------------------------

    def claim(self, enquiry_id: str, token: str, now: datetime, lease_s: int) -> Claim:
        item = self.items.get(enquiry_id)
        if item is None:
            return Claim("done")
        epoch = int(now.timestamp())
        if item["status"] not in _STILL_TO_SEND:
            return Claim("done")
        if LEASE_EXPIRES_AT in item and item[LEASE_EXPIRES_AT] > epoch:
            return Claim("busy")
        item.update({"status": "sending", LEASE_HOLDER: token, LEASE_EXPIRES_AT: epoch + lease_s})
        return Claim("claimed", tuple(kind for kind in MESSAGE_KINDS if f"{kind}_sent_at" not in item))

    def mark_sent(self, enquiry_id: str, kind: MessageKind, message_id: str, now: datetime) -> None:
        """Kept whoever holds the claim; the first mark of each kind stands."""
        item = self.items.get(enquiry_id)
        if item is None:
            raise ItemGone(enquiry_id)
        item.setdefault(f"{kind}_sent_at", _timestamp(now))
        item.setdefault(f"{kind}_message_id", message_id)

    def finish(self, enquiry_id: str, token: str) -> None:
        item = self._claimed(enquiry_id, token)
        if item is not None:
            item["status"] = "sent"
            _drop(item, LEASE_HOLDER, LEASE_EXPIRES_AT, UNSENT)

    def release(self, enquiry_id: str, token: str) -> None:
        item = self._claimed(enquiry_id, token)
        if item is not None:
            _drop(item, LEASE_HOLDER, LEASE_EXPIRES_AT)

    def mark_failed(self, enquiry_id: str, reason: str, now: datetime) -> None:
        item = self.items.get(enquiry_id)
        if item is None or item["status"] not in _STILL_TO_SEND:
            return
        item.update({"status": "failed", "failure_reason": reason, "failed_at": _timestamp(now)})
        _drop(item, LEASE_HOLDER, LEASE_EXPIRES_AT, UNSENT)

    def _claimed(self, enquiry_id: str, token: str) -> dict[str, Any] | None:
        item = self.items.get(enquiry_id)
        return item if item is not None and item.get(LEASE_HOLDER) == token else None

    # --- UnsentEnquiries --------------------------------------------------------------

    def unsent_ids(self, created_before: datetime, limit: int) -> list[str]:
        before = _timestamp(created_before)
        listed = [
            (item["created_at"], enquiry_id)
            for enquiry_id, item in self.items.items()
            if (UNSENT in item or enquiry_id in self._stale) and item["created_at"] < before
        ]
        listed += [("", enquiry_id) for enquiry_id in self._stale if enquiry_id not in self.items]
        return [enquiry_id for _, enquiry_id in sorted(listed)[:limit]]

    def load(self, enquiry_id: str) -> Enquiry | None:
        item = self.items.get(enquiry_id)
        return None if item is None else Enquiry.from_item(copy.deepcopy(item))

    # --- What tests do to the table ---------------------------------------------------

    def listed_though_done(self, enquiry_id: str) -> None:
        """The sparse index lagging the table: the id stays listed once sent, failed or gone."""
        self._stale.add(enquiry_id)

    def expire(self, enquiry_id: str) -> None:
        """The table's TTL deletes the item."""
        del self.items[enquiry_id]


def _drop(item: dict[str, Any], *names: str) -> None:
    for name in names:
        item.pop(name, None)


def _timestamp(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="milliseconds")


class RecordingMailer:
    """Keeps what it sends. The next sends can be scripted: ``fail_next`` makes them raise,
    ``script`` says what each does in turn (None: sent; an exception: raised); once the
    script runs out, every message is sent. ``before_send`` runs first (a race, say)."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.abouts: list[MailAbout | None] = []
        self.attempts = 0
        self.before_send: Callable[[EmailMessage], None] | None = None
        self._script: deque[Exception | None] = deque()

    def fail_next(self, error: Exception, times: int = 1) -> None:
        self._script.extend([error] * times)

    def script(self, *outcomes: Exception | None) -> None:
        self._script.extend(outcomes)

    def send(self, message: EmailMessage, about: MailAbout | None = None) -> str:
        self.attempts += 1
        if self.before_send is not None:
            self.before_send(message)
        error = self._script.popleft() if self._script else None
        if error is not None:
            raise error
        self.sent.append(message)
        self.abouts.append(about)
        return f"message-{len(self.sent)}"

    @property
    def recipients(self) -> list[str]:
        return [str(message["To"]) for message in self.sent]


class DeadLettersUnreachable(Exception):
    """The queue cannot be written (deleted, throttled, no permission)."""


class RecordingDeadLetters:
    """Keeps what is parked, as (enquiry id, reason); ``unreachable`` makes each park raise."""

    def __init__(self) -> None:
        self.parked: list[tuple[str, str]] = []
        self.unreachable = False

    def park(self, enquiry_id: str, reason: str) -> None:
        if self.unreachable:
            raise DeadLettersUnreachable("QueueDoesNotExist")
        self.parked.append((enquiry_id, reason))


# --- The search index ------------------------------------------------------------------

Answer = dict[str, Any]
# Answers one body: the body and what it reads.
Script = Callable[[dict[str, Any], "Corpus"], Answer]


@dataclass(frozen=True)
class IndexCall:
    """One round trip: its kind, its bodies (a copy, as sent) and what each read."""

    kind: Literal["ping", "search", "msearch", "get"]
    bodies: tuple[dict[str, Any], ...] = ()
    corpora: tuple[Corpus, ...] | None = None
    doc_id: str | None = None


@dataclass
class ScriptedIndex(SearchIndex):
    """A SearchIndex answering from ``script``: a function of each body, or the answers in
    the order bodies come (an exception among them is raised). Running out of answers fails
    the test: a round trip nobody expected. ``documents`` answer ``get``; ``unavailable``
    makes every call raise SearchUnavailable; the bodies of an ``unloaded`` corpus answer no
    hits, as the adapter promises for content not loaded yet."""

    script: Script | Iterable[Answer | Exception] = ()
    documents: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    unavailable: bool = False
    unloaded: frozenset[Corpus] = frozenset()
    calls: list[IndexCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: deque[Answer | Exception] = deque() if callable(self.script) else deque(self.script)

    def answer_next(self, *answers: Answer | Exception) -> None:
        """More answers for a queue script, after those already queued."""
        if callable(self.script):
            raise TypeError("a scripted function answers every body")
        self._queue.extend(answers)

    def ping(self) -> None:
        self._trip(IndexCall("ping"))

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self._trip(IndexCall("search", (copy.deepcopy(body),)))
        return self._answer(body, "specialists")

    def msearch(
        self, bodies: Sequence[dict[str, Any]], corpora: Sequence[Corpus] | None = None
    ) -> list[dict[str, Any]]:
        self._trip(IndexCall("msearch", tuple(map(copy.deepcopy, bodies)), None if corpora is None else tuple(corpora)))
        read: Sequence[Corpus] = corpora or ["specialists"] * len(bodies)
        return [self._answer(body, corpus) for body, corpus in zip(bodies, read, strict=True)]

    def get(self, doc_id: str) -> dict[str, Any] | None:
        self._trip(IndexCall("get", doc_id=doc_id))
        source = self.documents.get(doc_id)
        return None if source is None else copy.deepcopy(dict(source))

    def _trip(self, call: IndexCall) -> None:
        self.calls.append(call)
        if self.unavailable:
            raise SearchUnavailable("scripted: search is down")

    def _answer(self, body: dict[str, Any], corpus: Corpus) -> Answer:
        if corpus in self.unloaded:
            return {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
        if callable(self.script):
            return self.script(body, corpus)
        if not self._queue:
            raise AssertionError(f"an unscripted round trip: {sorted(body)}")
        answer = self._queue.popleft()
        if isinstance(answer, Exception):
            raise answer
        return copy.deepcopy(answer)

    @property
    def round_trips(self) -> int:
        return len(self.calls)

    def kinds(self) -> list[str]:
        return [call.kind for call in self.calls]


# --- OpenSearch answers, from catalog specialists ------------------------------------


def a_specialist(number: int, **changes: Any) -> Specialist:
    """A catalog specialist (:func:`tests.feeds.record`), as the indexer reads it."""
    from chalicelib.catalog import Specialist

    return Specialist.model_validate(record(number, **changes))


def a_document(specialist: Specialist) -> dict[str, Any]:
    return schema.to_document(specialist)


def a_hit(specialist: Specialist) -> dict[str, Any]:
    return {"_id": specialist.id, "_score": 1.0, "_source": a_document(specialist)}


def hits_answer(*specialists: Specialist, total: int | None = None) -> Answer:
    """A search answer: these specialists as hits (``total`` of them unless told), and the
    specialty, hospital and booking facets the result mapper reads, counted over them."""
    documents = [a_document(specialist) for specialist in specialists]
    return {
        "hits": {
            "total": {"value": len(documents) if total is None else total, "relation": "eq"},
            "hits": [a_hit(specialist) for specialist in specialists],
        },
        "aggregations": {
            "specialty": {"doc_count": len(documents), "values": {"buckets": _counted(documents, schema.SPECIALTIES)}},
            "bookable_online": {
                "doc_count": len(documents),
                "values": {
                    "buckets": [
                        {"key": int(flag), "key_as_string": str(flag).lower(), "doc_count": count}
                        for flag, count in _tally(document[schema.BOOKABLE_ONLINE] for document in documents).items()
                    ]
                },
            },
            "hospital": {
                "doc_count": len(documents),
                "values": {"doc_count": len(documents), "values": {"buckets": _hospital_buckets(documents)}},
            },
        },
    }


def no_hits() -> Answer:
    return hits_answer()


def spelling_answer(*corrections: str) -> Answer:
    """The phrase suggester's answer: the collated corrections, best first."""
    options = [{"text": text, "score": 0.5, "collate_match": True} for text in corrections]
    return {"hits": {"total": {"value": 0}, "hits": []}, "suggest": {"did_you_mean": [{"options": options}]}}


def vocabulary_answer(*specialists: Specialist) -> Answer:
    """The answer to :func:`chalicelib.search.vocabulary.vocabulary_body` over these specialists."""
    documents = [a_document(specialist) for specialist in specialists]
    terms = {
        "insurers": schema.INSURERS,
        "specialties": schema.SPECIALTIES,
        "treatments": schema.TREATMENTS,
        "conditions": schema.CONDITIONS,
        "languages": schema.LANGUAGES,
    }
    hospitals = [
        {
            "key": bucket["key"],
            "doc_count": bucket["doc_count"],
            "name": bucket["name"],
            "centre": {"location": location, "count": bucket["doc_count"]},
        }
        for bucket, location in _hospital_buckets(documents, with_location=True)
    ]
    return {
        "hits": {"total": {"value": len(documents)}, "hits": []},
        "aggregations": {
            **{name: {"buckets": _counted(documents, source)} for name, source in terms.items()},
            "hospitals": {"doc_count": len(hospitals), "ids": {"buckets": hospitals}},
        },
    }


def _tally(values: Iterable[Any]) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))


def _counted(documents: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    counts = _tally(label for document in documents for label in document.get(name) or [])
    return [{"key": label, "doc_count": count} for label, count in counts.items()]


def _hospital_buckets(documents: list[dict[str, Any]], *, with_location: bool = False) -> list[Any]:
    hospitals = {h["id"]: h for document in documents for h in document[schema.HOSPITALS]}
    counts = _tally(h["id"] for document in documents for h in document[schema.HOSPITALS])
    buckets: list[Any] = []
    for hospital_id, count in counts.items():
        hospital = hospitals[hospital_id]
        bucket = {
            "key": hospital_id,
            "doc_count": count,
            "name": {"buckets": [{"key": hospital["name"], "doc_count": count}]},
            "specialists": {"doc_count": count},
        }
        buckets.append((bucket, hospital["location"]) if with_location else bucket)
    return buckets
