"""What one availability run did, for the terminal, for ``--json`` and for the Lambda's log.

Ids of specialists and hospitals only, never a line's contents (the feed holds no
personal data, but the log stays as plain as the catalog run's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.records import MAX_SAMPLES, InvalidLine, ReadReport


@dataclass(frozen=True)
class UnknownSlot:
    """A line the live index has no place for: its specialist (``hospital_id`` None) or,
    for a known specialist, its hospital."""

    line_number: int  # the slot's line; for an unknown specialist, its first line in the window
    id: str
    hospital_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        found = {"line": self.line_number, "id": self.id}
        return found if self.hospital_id is None else {**found, "hospital_id": self.hospital_id}


@dataclass
class AvailabilitySummary:
    source: str
    alias: str
    outcome: str = "failed"  # applied | failed
    reason: str | None = None
    rebuild_running: bool = False  # a blue/green run held the lock when this one started
    lines: int = 0
    valid: int = 0
    invalid: int = 0
    invalid_samples: list[InvalidLine] = field(default_factory=list)
    updates: int = 0  # scripted updates sent: one per specialist per window
    applied: int = 0  # specialists whose slots changed
    unchanged: int = 0  # specialists whose slots were already as given, or newer
    unknown_ids: int = 0  # updates for a specialist the live index does not hold
    unknown_hospitals: int = 0  # slots at a hospital the (known) specialist is not at
    unknown_samples: list[UnknownSlot] = field(default_factory=list)
    failed: int = 0
    failure_samples: list[str] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome == "applied"

    def take(self, report: ReadReport) -> None:
        self.lines, self.valid, self.invalid = report.lines, report.valid, report.invalid
        self.invalid_samples = list(report.samples)

    def unknown(self, slot: UnknownSlot) -> None:
        if slot.hospital_id is None:
            self.unknown_ids += 1
        else:
            self.unknown_hospitals += 1
        if len(self.unknown_samples) < MAX_SAMPLES:
            self.unknown_samples.append(slot)

    def fail(self, text: str) -> None:
        self.failed += 1
        if len(self.failure_samples) < MAX_SAMPLES:
            self.failure_samples.append(text)

    def as_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "reason": self.reason,
            "feed": "availability",
            "source": self.source,
            "alias": self.alias,
            "rebuild_running": self.rebuild_running,
            "lines": self.lines,
            "valid": self.valid,
            "invalid": self.invalid,
            "invalid_samples": [problem.as_dict() for problem in self.invalid_samples],
            "updates": self.updates,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "unknown_ids": self.unknown_ids,
            "unknown_hospitals": self.unknown_hospitals,
            "unknown_samples": [slot.as_dict() for slot in self.unknown_samples],
            "failed": self.failed,
            "failure_samples": list(self.failure_samples),
            "duration_s": round(self.duration_s, 3),
        }

    def as_text(self) -> str:
        rows = [
            ("outcome", self.outcome + (f": {self.reason}" if self.reason else "")),
            ("feed", "availability"),
            ("source", self.source),
            ("alias", self.alias + (" (a rebuild was running: see docs/indexer.md)" if self.rebuild_running else "")),
            ("lines", f"{self.lines} ({self.valid} valid, {self.invalid} invalid)"),
            ("applied", f"{self.applied} specialists changed, {self.unchanged} unchanged ({self.updates} updates)"),
            ("unknown", f"{self.unknown_ids} specialist ids, {self.unknown_hospitals} hospitals"),
            ("failed", str(self.failed)),
            ("seconds", f"{self.duration_s:.1f}"),
        ]
        text = "\n".join(f"{label:>10}  {value}" for label, value in rows)
        for slot in self.unknown_samples:
            where = f"hospital {slot.hospital_id} of " if slot.hospital_id else ""
            text += f"\n   unknown  line {slot.line_number}: {where}specialist {slot.id}"
        for problem in self.invalid_samples:
            text += f"\n   invalid  line {problem.line_number} (id {problem.record_id or '?'}): {problem.reason}"
        for failure in self.failure_samples:
            text += f"\n    failed  {failure}"
        return text
