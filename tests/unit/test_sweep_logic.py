"""The sweep's branches with fakes: what it lists, what it sends, when it stops, what it
counts. tests/integration/test_notify.py runs it on moto and the real index."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.enquiries.notify import CLAIM_LEASE_S, RECORD_BUDGET_S, Backoff, MailSettings, Notifier
from chalicelib.enquiries.ports import UnsentEnquiries
from chalicelib.enquiries.record import Enquiry
from chalicelib.enquiries.sweep import SWEEP_LIMIT, Sweeper, is_scheduled_event
from tests.enquiries import HENDON, an_enquiry
from tests.fakes import FakeClock, FakeEnquiryStore, RecordingDeadLetters, RecordingMailer, ScriptedIndex

AFTER_S = 300
CREATED = datetime.fromisoformat(an_enquiry().created_at)


@dataclasses.dataclass
class World:
    clock: FakeClock
    store: FakeEnquiryStore
    mailer: RecordingMailer
    dead_letters: RecordingDeadLetters
    index: ScriptedIndex

    def sweeper(self, limit: int = SWEEP_LIMIT, unrouted_fallback_after_s: int | None = None) -> Sweeper:
        notifier = Notifier(
            self.store,
            self.mailer,
            self.dead_letters,
            self.index,
            MailSettings("find@hospitals.example", "central@hospitals.example", unrouted_fallback_after_s),
            backoff=Backoff(sleep=lambda _s: None),
            clock=self.clock,
        )
        return Sweeper(self.store, notifier, after_s=AFTER_S, limit=limit, clock=self.clock)

    def put(self, *enquiries: Enquiry) -> None:
        for enquiry in enquiries:
            self.store.put_new(enquiry)

    def at(self, age_s: float) -> None:
        """The clock ``age_s`` after the enquiries were taken."""
        self.clock.now = CREATED + timedelta(seconds=age_s)


@pytest.fixture
def world() -> World:
    return World(FakeClock(CREATED), FakeEnquiryStore(), RecordingMailer(), RecordingDeadLetters(), ScriptedIndex())


def aged(number: int, seconds: int, **changes: Any) -> Enquiry:
    """An enquiry taken ``seconds`` after the first one."""
    created = (CREATED + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")
    return dataclasses.replace(an_enquiry(number), created_at=created, **changes)


def test_the_fake_store_is_the_sweeps_port() -> None:
    unsent: UnsentEnquiries = FakeEnquiryStore()  # mypy checks it structurally

    assert unsent.unsent_ids(CREATED, 10) == []


def test_given_an_enquiry_younger_than_the_sweep_age_then_nothing_is_listed_and_once_older_it_is_sent(
    world: World,
) -> None:
    world.put(an_enquiry())
    world.at(AFTER_S - 1)
    too_soon = world.sweeper().sweep()
    world.at(AFTER_S + 1)

    swept = world.sweeper().sweep()
    again = world.sweeper().sweep()

    assert too_soon == {"listed": 0}
    assert swept == {"listed": 1, "sent": 1}
    assert again == {"listed": 0}
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]


def test_given_sent_and_failed_enquiries_then_only_the_unsent_ones_are_swept(world: World) -> None:
    sent, failed, waiting = an_enquiry(1), an_enquiry(2), an_enquiry(3)
    world.put(sent, failed, waiting)
    world.store.claim(sent.enquiry_id, "stream", world.clock(), CLAIM_LEASE_S)
    world.store.finish(sent.enquiry_id, "stream")
    world.store.mark_failed(failed.enquiry_id, "team:MessageRejected", world.clock())
    world.at(AFTER_S + 1)

    swept = world.sweeper().sweep()

    assert swept == {"listed": 1, "sent": 1}
    assert world.mailer.recipients == [HENDON.team_email, waiting.email]


def test_given_the_list_lags_the_table_then_an_enquiry_done_meanwhile_is_not_sent_again(world: World) -> None:
    done, gone = an_enquiry(1), an_enquiry(2)
    world.put(done, gone)
    world.at(AFTER_S + 1)
    assert world.sweeper().sweep() == {"listed": 2, "sent": 2}
    world.store.listed_though_done(done.enquiry_id)
    world.store.listed_though_done(gone.enquiry_id)
    world.store.expire(gone.enquiry_id)

    lagging = world.sweeper().sweep()

    assert lagging == {"listed": 2, "nothing_to_send": 1, "gone": 1}
    assert len(world.mailer.sent) == 4


def test_given_an_enquiry_another_worker_holds_then_the_sweep_leaves_it_until_the_lease_ends(world: World) -> None:
    world.put(an_enquiry())
    world.at(AFTER_S + 1)
    world.store.claim(an_enquiry().enquiry_id, "stream", world.clock(), CLAIM_LEASE_S)

    held = world.sweeper().sweep()
    world.clock.advance(CLAIM_LEASE_S)
    expired = world.sweeper().sweep()

    assert held == {"listed": 1, "retry_later": 1}
    assert expired == {"listed": 1, "sent": 1}
    assert len(world.mailer.sent) == 2


def test_given_more_than_the_limit_then_the_oldest_go_first_and_the_rest_next_time(world: World) -> None:
    world.put(aged(3, 30), aged(1, 10), aged(2, 20))
    world.at(AFTER_S + 60)

    first = world.sweeper(limit=2).sweep()
    sent_first = list(world.mailer.recipients)
    second = world.sweeper(limit=2).sweep()

    assert (first, second) == ({"listed": 2, "sent": 2}, {"listed": 1, "sent": 1})
    assert sent_first[1::2] == [an_enquiry(1).email, an_enquiry(2).email]


@pytest.mark.parametrize(("left_s", "started"), [(RECORD_BUDGET_S - 1, 1), (RECORD_BUDGET_S, 3)])
def test_given_too_little_time_left_then_only_the_first_is_started_and_the_rest_stay_listed(
    world: World, left_s: float, started: int
) -> None:
    world.put(aged(1, 1), aged(2, 2), aged(3, 3))
    world.at(AFTER_S + 10)

    swept = world.sweeper().sweep(time_left_s=lambda: left_s)

    assert swept == {"listed": 3, "sent": started, **({"not_started": 3 - started} if started < 3 else {})}
    assert len(world.mailer.sent) == 2 * started
    assert len(world.store.unsent_ids(world.clock(), 10)) == 3 - started


def test_given_every_outcome_then_the_sweep_counts_each_and_goes_on_past_an_error(world: World) -> None:
    busy, unsafe, unrouted, broken, fine = (
        aged(1, 1),
        aged(2, 2, email="zoe\r\n@x.example"),
        aged(3, 3, routing=None),
        aged(4, 4),
        aged(5, 5),
    )
    world.put(busy, unsafe, unrouted, broken, fine)
    world.at(AFTER_S + 10)
    world.store.claim(busy.enquiry_id, "stream", world.clock(), CLAIM_LEASE_S)
    world.index.unavailable = True
    world.mailer.script(RuntimeError("the mailer broke"))  # broken's team e-mail: the first sent

    swept = world.sweeper().sweep()

    assert swept == {"listed": 5, "retry_later": 3, "failed": 1, "sent": 1}
    assert world.dead_letters.parked == [(unsafe.enquiry_id, "compose:UnsafeHeaderValue")]
    assert world.mailer.recipients == [HENDON.team_email, fine.email]
    assert world.store.unsent_ids(world.clock(), 10) == [busy.enquiry_id, unrouted.enquiry_id, broken.enquiry_id]


def test_given_search_down_past_the_fallback_age_then_the_sweep_sends_to_the_fallback_team(world: World) -> None:
    world.put(an_enquiry(routing=None))
    world.index.unavailable = True
    world.at(3600 - 1)
    waiting = world.sweeper(unrouted_fallback_after_s=3600).sweep()
    world.at(3600)

    overdue = world.sweeper(unrouted_fallback_after_s=3600).sweep()

    assert (waiting, overdue) == ({"listed": 1, "retry_later": 1}, {"listed": 1, "sent": 1})
    assert world.mailer.recipients == ["central@hospitals.example", an_enquiry().email]


def test_given_an_eventbridge_schedule_then_it_is_a_sweep_and_stream_records_are_not() -> None:
    assert is_scheduled_event({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
    assert not is_scheduled_event({"Records": []})
    assert not is_scheduled_event({"source": "aws.events", "detail-type": "Object Created"})
