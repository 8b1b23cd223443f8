"""Validate catalog lines with the model: report each invalid line, skip it, go on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from chalicelib.catalog import Specialist, parse_line

# The report keeps the first invalid lines in full and counts the rest, so memory
# stays flat however broken a feed is.
MAX_SAMPLES = 50


@dataclass(frozen=True)
class InvalidLine:
    line_number: int
    record_id: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line_number, "id": self.record_id, "reason": self.reason}


@dataclass
class ReadReport:
    lines: int = 0
    valid: int = 0
    invalid: int = 0
    samples: list[InvalidLine] = field(default_factory=list)

    @property
    def invalid_ratio(self) -> float:
        return self.invalid / self.lines if self.lines else 0.0

    def reject(self, problem: InvalidLine) -> None:
        self.invalid += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(problem)


def valid_records(lines: Iterable[bytes], report: ReadReport) -> Iterator[tuple[int, Specialist]]:
    """Yield ``(line_number, specialist)`` for each valid line; blank lines are ignored."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            specialist = parse_line(line)
        except ValidationError as exc:
            report.reject(InvalidLine(number, _record_id(line), _reason(exc)))
            continue
        report.valid += 1
        yield number, specialist


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"


def _record_id(line: bytes) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    value = record.get("id") if isinstance(record, dict) else None
    return value[:64] if isinstance(value, str) else None
