"""What one indexer run did, for the terminal, for ``--json`` and for the Lambda's log."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.records import InvalidLine, ReadReport


@dataclass
class Summary:
    source: str | None
    alias: str
    outcome: str = "failed"  # swapped | dry-run | rolled-back | aborted | failed
    reason: str | None = None
    lines: int = 0
    valid: int = 0
    invalid: int = 0
    indexed: int = 0
    invalid_samples: list[InvalidLine] = field(default_factory=list)
    live_count: int | None = None
    old_index: str | None = None
    new_index: str | None = None
    swapped: bool = False
    deleted: list[str] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome in ("swapped", "dry-run", "rolled-back")

    @property
    def invalid_ratio(self) -> float:
        return self.invalid / self.lines if self.lines else 0.0

    @property
    def docs_per_s(self) -> float:
        return self.indexed / self.duration_s if self.duration_s else 0.0

    def take(self, report: ReadReport) -> None:
        self.lines, self.valid, self.invalid = report.lines, report.valid, report.invalid
        self.invalid_samples = list(report.samples)

    def as_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "reason": self.reason,
            "source": self.source,
            "alias": self.alias,
            "lines": self.lines,
            "valid": self.valid,
            "invalid": self.invalid,
            "indexed": self.indexed,
            "invalid_samples": [problem.as_dict() for problem in self.invalid_samples],
            "live_count_before": self.live_count,
            "old_index": self.old_index,
            "new_index": self.new_index,
            "swapped": self.swapped,
            "deleted_indices": self.deleted,
            "duration_s": round(self.duration_s, 3),
            "docs_per_s": round(self.docs_per_s, 1),
        }

    def as_text(self) -> str:
        rows = [
            ("outcome", self.outcome + (f": {self.reason}" if self.reason else "")),
            ("source", self.source or "-"),
            ("lines", f"{self.lines} ({self.valid} valid, {self.invalid} invalid)"),
            ("indexed", f"{self.indexed} in {self.duration_s:.1f} s ({self.docs_per_s:.0f} docs/s)"),
            ("old index", self.old_index or "-"),
            ("new index", self.new_index or "-"),
            ("alias", f"{self.alias} {'swapped' if self.swapped else 'not swapped'}"),
            ("deleted", ", ".join(self.deleted) or "-"),
        ]
        text = "\n".join(f"{label:>10}  {value}" for label, value in rows)
        for problem in self.invalid_samples:
            text += f"\n   invalid  line {problem.line_number} (id {problem.record_id or '?'}): {problem.reason}"
        if self.invalid > len(self.invalid_samples):
            text += f"\n            ... and {self.invalid - len(self.invalid_samples)} more invalid lines"
        return text
