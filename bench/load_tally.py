"""What the load test's patients sent and had accepted, as Locust counted it (issue 18, item 8).

Each Locust process (one per step of ``bench/load_bench.py``) keeps a :class:`Tally` of the
search and typeahead answers it got and the click events it sent to ``POST /events``, and
writes it as JSON when it quits; the benchmark adds the steps' tallies up and checks the
weekly report (``python -m relevance.analytics``) against them: ``bench/load_analytics.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relevance.analytics_figures import CTR_POSITIONS, DIGITS  # the report's positions and rounding


@dataclass
class Tally:
    first_pages: int = 0
    """Searches answered 200 at page 1: what the report counts as searches."""
    later_pages: int = 0
    """Searches answered 200 at a later page."""
    typeahead: int = 0
    """Typeahead requests answered 200."""
    sent: Counter[str] = field(default_factory=Counter)
    """Events sent, by action."""
    accepted: Counter[str] = field(default_factory=Counter)
    """Events answered 202, by action."""
    positions: dict[str, Counter[int]] = field(default_factory=dict)
    """Events answered 202, by action and position."""
    on_later_pages: int = 0
    """Clicks answered 202 on an answer at a later page (not a search, for the report)."""
    best: dict[str, int] = field(default_factory=dict)
    """Each page-1 search clicked (a 202), by its query id: the best position clicked."""

    def searched(self, page: int) -> None:
        if page == 1:
            self.first_pages += 1
        else:
            self.later_pages += 1

    def event(self, action: str, position: int, query_id: str, page: int | None, status: int) -> None:
        """One event sent: ``page`` is the clicked answer's page, None for a typeahead pick."""
        self.sent[action] += 1
        if status != 202:
            return
        self.accepted[action] += 1
        self.positions.setdefault(action, Counter())[position] += 1
        if page == 1:
            self.best[query_id] = min(position, self.best.get(query_id, position))
        elif page is not None:
            self.on_later_pages += 1

    def clicks(self) -> int:
        """Clicks answered 202 on page-1 searches."""
        return sum(n for action, n in self.accepted.items() if action != "suggest_pick") - self.on_later_pages

    def ctr(self) -> dict[str, float | None]:
        """CTR at 1, 3 and 5 as the report defines it: the share of searches with a click at
        that position or better."""
        return {
            str(k): round(sum(best <= k for best in self.best.values()) / self.first_pages, DIGITS)
            if self.first_pages
            else None
            for k in CTR_POSITIONS
        }

    def add(self, other: Tally) -> None:
        overlap = self.best.keys() & other.best.keys()
        if overlap:
            raise ValueError(f"{len(overlap)} query ids in two tallies")
        self.first_pages += other.first_pages
        self.later_pages += other.later_pages
        self.typeahead += other.typeahead
        self.sent.update(other.sent)
        self.accepted.update(other.accepted)
        for action, counts in other.positions.items():
            self.positions.setdefault(action, Counter()).update(counts)
        self.on_later_pages += other.on_later_pages
        self.best.update(other.best)

    def as_json(self) -> dict[str, Any]:
        return {
            "first_pages": self.first_pages,
            "later_pages": self.later_pages,
            "typeahead": self.typeahead,
            "sent": dict(self.sent),
            "accepted": dict(self.accepted),
            "positions": {action: {str(p): n for p, n in sorted(c.items())} for action, c in self.positions.items()},
            "on_later_pages": self.on_later_pages,
            "best": self.best,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        return cls(
            first_pages=data["first_pages"],
            later_pages=data["later_pages"],
            typeahead=data["typeahead"],
            sent=Counter(data["sent"]),
            accepted=Counter(data["accepted"]),
            positions={a: Counter({int(p): n for p, n in c.items()}) for a, c in data["positions"].items()},
            on_later_pages=data["on_later_pages"],
            best=dict(data["best"]),
        )


def read_all(paths: list[Path]) -> Tally:
    """The steps' tallies added up."""
    total = Tally()
    for path in paths:
        total.add(Tally.from_json(json.loads(path.read_text())))
    return total
