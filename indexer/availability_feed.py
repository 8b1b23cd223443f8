"""The availability feed: one line a slot, grouped by specialist for one update each.

Each line is ``{"id", "hospital_id", "next_available", "as_of"}``: the first free
outpatient slot of specialist ``id`` at hospital ``hospital_id`` (``null``: none free),
as the booking system saw it at ``as_of``. Types are strict, as in the catalog
(``chalicelib/catalog.py``): ids are catalog ids, times RFC 3339 with a UTC offset.

Lines are grouped in a window of distinct ids (the bulk chunk's size), so memory stays
flat whatever the feed's size or order: a feed sorted by specialist gives one update per
specialist; an id seen again after its window closed gets a second update, which the
``as_of`` rule (newer wins) makes harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from chalicelib.catalog import Id, Timestamp

# A booking system's clock may run a little ahead of ours; more than this is refused,
# since a slot from the future would win over every later update (newer ``as_of`` wins).
CLOCK_SKEW = timedelta(minutes=5)


class SlotUpdate(BaseModel):
    """One line of the availability feed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    hospital_id: Id
    next_available: Timestamp | None  # required; null: no free slot as of ``as_of``
    as_of: Timestamp


def parse_update(line: bytes) -> SlotUpdate:
    """One feed line to an update; raises ``pydantic.ValidationError`` naming each broken rule."""
    return SlotUpdate.model_validate_json(line)


def not_in_the_future(now: Callable[[], datetime]) -> Callable[[int, SlotUpdate], str | None]:
    """The check after the model (``indexer.records.Check``): ``as_of`` is not ahead of ``now``."""

    def check(_number: int, update: SlotUpdate) -> str | None:
        if update.as_of > now() + CLOCK_SKEW:
            return "as_of: is in the future"
        return None

    return check


@dataclass
class Group:
    """Every slot the window saw for one specialist: per hospital, the line with the newest
    ``as_of`` (on a tie, the later line), and that line's number."""

    id: str
    first_line: int
    slots: dict[str, tuple[int, SlotUpdate]] = field(default_factory=dict)

    def add(self, number: int, update: SlotUpdate) -> None:
        held = self.slots.get(update.hospital_id)
        if held is None or update.as_of >= held[1].as_of:
            self.slots[update.hospital_id] = (number, update)


def grouped(updates: Iterator[tuple[int, SlotUpdate]], window: int) -> Iterator[Group]:
    """Groups of the lines of up to ``window`` distinct ids at a time, in first-seen order."""
    groups: dict[str, Group] = {}
    for number, update in updates:
        group = groups.get(update.id)
        if group is None:
            if len(groups) == window:
                yield from groups.values()
                groups = {}
            group = groups[update.id] = Group(update.id, number)
        group.add(number, update)
    yield from groups.values()
