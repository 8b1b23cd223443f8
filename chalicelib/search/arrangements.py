"""How, when and for how much the patient wants to be seen, read from the words of a search:
"video call", "by phone", "face to face"; "this week", "within 10 days"; "under £200",
"£150 or less"; "soonest", "cheapest". Each sets what its parameter sets
(``consultation_type``, ``available_within_days``, ``max_fee``, ``sort``).

Only phrases with one clear meaning are read, so a word that means something else stays
text: "week" alone is no time ("3 weeks old"); a number is a fee only with "£" or "pounds"
and a cue or suffix that makes it a ceiling ("under £200", "£200 max"; a bare "£200" or
"under 200" is not); "video" or "phone" is not taken before a word that makes it a test, a
condition or a contact detail ("video-assisted", "phone addiction", "phone number").
:mod:`chalicelib.search.understanding` asks here first at each word, before its cues.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from chalicelib.search import phrases
from chalicelib.search.request import MAX_AVAILABLE_WITHIN_DAYS, MAX_FEE_PENCE

Kind = Literal["consultation", "availability", "fee", "sort"]

_LONGEST_PHRASE = 6  # words

_AMOUNT = r"(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:[.](?P<pence>[0-9]{2}))?(?![.,]?[0-9])"
_STERLING = re.compile(r"£\s*" + _AMOUNT)
_POUNDS = re.compile(_AMOUNT + r"\s*(?:pounds?|quid|gbp)(?!\w)", re.IGNORECASE)
_COUNT = re.compile(r"[0-9]{1,3}")

_CONSULTATION_LABELS = {
    "video": "Video consultation",
    "phone": "Phone consultation",
    "in_person": "In-person consultation",
}
_SORT_LABELS = {"soonest": "Soonest first", "fee": "Lowest fee first"}
_AVAILABILITY_LABELS = {1: "within a day", 7: "this week", 14: "within 2 weeks", 30: "within a month"}


@dataclass(frozen=True)
class Reading:
    end: int  # index of the first word after it
    kind: Kind
    label: str
    words: str  # the exact characters of the query it came from (with a leading "£")
    value: str | int


@dataclass(frozen=True)
class Line:
    """A query as the reader holds it: the raw text, its folded words and their spans."""

    q: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def phrase(self, i: int, known: Collection[str]) -> int | None:
        """The end of the longest of the ``known`` phrases starting at word ``i``."""
        for end in range(min(len(self.words), i + _LONGEST_PHRASE), i, -1):
            if " ".join(self.words[i:end]) in known:
                return end
        return None

    def word(self, i: int) -> str:
        return self.words[i] if i < len(self.words) else ""

    def money(self, i: int) -> tuple[int, int] | None:
        """An amount of pounds starting at word ``i`` ("£1,500", "£99.50", "200 pounds"): the end
        and the pence; None for anything else or beyond £10,000."""
        if not self.word(i)[:1].isdigit():
            return None
        start = self.spans[i][0]
        before = self.q[:start].rstrip()
        found = _STERLING.match(self.q, len(before) - 1) if before.endswith("£") else _POUNDS.match(self.q, start)
        if found is None:
            return None
        # It must end where a word ends: "£200abc" is no amount.
        end = next((k + 1 for k in range(i, len(self.spans)) if self.spans[k][1] == found.end()), None)
        pence = int(found["pounds"].replace(",", "")) * 100 + int(found["pence"] or 0)
        return None if end is None or pence > MAX_FEE_PENCE else (end, pence)

    def reading(self, start: int, end: int, kind: Kind, label: str, value: str | int) -> Reading:
        first = self.spans[start][0]
        before = self.q[:first].rstrip()
        if kind == "fee" and before.endswith("£"):  # the fee starts with its amount: "£200 or less"
            first = len(before) - 1
        return Reading(end, kind, label, self.q[first : self.spans[end - 1][1]], value)


def read(line: Line, i: int) -> Reading | None:
    """What starts at word ``i``: a consultation type, a time, a fee or an order; else None."""
    return _consultation(line, i) or _availability(line, i) or _fee(line, i) or _sort(line, i)


def availability_label(days: int) -> str:
    return f"Available {_AVAILABILITY_LABELS.get(days, f'within {days} days')}"


def pounds(pence: int) -> str:
    """ "£200", "£1,500", "£99.50"."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" + (f".{part:02d}" if part else "")


def fee_label(pence: int) -> str:
    return f"Initial consultation up to {pounds(pence)}"


def _consultation(line: Line, i: int) -> Reading | None:
    end = line.phrase(i, phrases.CONSULTATION_PHRASES)
    if end is None or line.word(end) in phrases.NOT_CONSULTATION_BEFORE:
        return None
    kind = phrases.CONSULTATION_PHRASES[" ".join(line.words[i:end])]
    return line.reading(i, end, "consultation", _CONSULTATION_LABELS[kind], kind)


def _availability(line: Line, i: int) -> Reading | None:
    """ "this week", "today", "within 10 days", "in the next 2 weeks", "available this month"."""
    start = line.phrase(i, phrases.AVAILABILITY_LEADS) or i
    end = line.phrase(start, phrases.AVAILABILITY_PHRASES)
    if end is not None:
        days = phrases.AVAILABILITY_PHRASES[" ".join(line.words[start:end])]
        return line.reading(i, end, "availability", availability_label(days), days)
    cue_end = line.phrase(start, phrases.AVAILABILITY_CUES)
    if cue_end is None or cue_end + 1 >= len(line.words):
        return None
    count_word = line.q[slice(*line.spans[cue_end])]
    count = int(count_word) if _COUNT.fullmatch(count_word) else phrases.COUNT_WORDS.get(line.words[cue_end])
    unit = phrases.DAY_UNITS.get(line.words[cue_end + 1])
    if count is None or unit is None or not 1 <= count * unit <= MAX_AVAILABLE_WITHIN_DAYS:
        return None
    days = count * unit
    return line.reading(i, cue_end + 2, "availability", availability_label(days), days)


def _fee(line: Line, i: int) -> Reading | None:
    """ "under £200", "fees up to £150", "less than 200 pounds", "£250 or less", "£250 max"."""
    at = line.phrase(i, phrases.FEE_LEADS) or i
    cue_end = line.phrase(at, phrases.FEE_CUES)
    money = line.money(cue_end or at)
    if money is None:
        return None
    end, pence = money
    suffix_end = line.phrase(end, phrases.FEE_SUFFIXES)
    if cue_end is None and suffix_end is None:
        return None
    return line.reading(i, suffix_end or end, "fee", fee_label(pence), pence)


def _sort(line: Line, i: int) -> Reading | None:
    end = line.phrase(i, phrases.SORT_PHRASES)
    if end is None:
        return None
    order = phrases.SORT_PHRASES[" ".join(line.words[i:end])]
    return line.reading(i, end, "sort", _SORT_LABELS[order], order)
