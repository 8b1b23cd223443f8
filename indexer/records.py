"""Validate a feed's lines with its model: report each invalid line, skip it, go on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from pydantic import ValidationError

if TYPE_CHECKING:
    from chalicelib.catalog import Specialist

R = TypeVar("R")

# The report keeps the first invalid lines in full and counts the rest, so memory
# stays flat however broken a feed is.
MAX_SAMPLES = 50
MAX_LEFT_OUT_IDS = 10


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
    # Valid records the feed keeps out of the index (see :func:`listed_only`), and the first few.
    left_out: int = 0
    left_out_ids: list[str] = field(default_factory=list)

    @property
    def invalid_ratio(self) -> float:
        return self.invalid / self.lines if self.lines else 0.0

    @property
    def listed(self) -> int:
        """The valid records the index gets."""
        return self.valid - self.left_out

    def reject(self, problem: InvalidLine) -> None:
        self.invalid += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(problem)

    def leave_out(self, record_id: str) -> None:
        self.left_out += 1
        if len(self.left_out_ids) < MAX_LEFT_OUT_IDS:
            self.left_out_ids.append(record_id)


# After the model: the reason a parsed record is invalid, or None (see indexer.routing).
Check = Callable[[int, R], str | None]


@overload
def valid_records(lines: Iterable[bytes], report: ReadReport) -> Iterator[tuple[int, Specialist]]: ...
@overload
def valid_records(
    lines: Iterable[bytes],
    report: ReadReport,
    parse: Callable[[bytes], R],
    id_field: str = "id",
    check: Check[R] | None = None,
) -> Iterator[tuple[int, R]]: ...
def valid_records(
    lines: Iterable[bytes],
    report: ReadReport,
    parse: Callable[[bytes], object] | None = None,
    id_field: str = "id",
    check: Check[Any] | None = None,
) -> Iterator[tuple[int, object]]:
    """Yield ``(line_number, record)`` for each line ``parse`` (by default the catalog's)
    accepts and then ``check``, if any, passes; blank lines are ignored. An invalid line is
    named by its ``id_field``."""
    if parse is None:
        from chalicelib.catalog import parse_line

        parse = parse_line
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.lines += 1
        try:
            record = parse(line)
        except ValidationError as exc:
            report.reject(InvalidLine(number, _record_id(line, id_field), _reason(exc)))
            continue
        problem = check(number, record) if check is not None else None
        if problem is not None:
            report.reject(InvalidLine(number, _record_id(line, id_field), problem))
            continue
        report.valid += 1
        yield number, record


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    more = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}" if where else f"{first['msg']}{more}"


def _record_id(line: bytes, id_field: str) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    value = record.get(id_field) if isinstance(record, dict) else None
    return value[:64] if isinstance(value, str) else None


def listed_only(
    records: Iterable[tuple[int, R]], report: ReadReport, listed: Callable[[R], bool], record_id: Callable[[R], str]
) -> Iterator[tuple[int, R]]:
    """The valid records ``listed`` accepts; the others are counted in the report (valid, but
    never indexed: the catalog's specialists who are not registered with the GMC)."""
    for number, record in records:
        if listed(record):
            yield number, record
        else:
            report.leave_out(record_id(record))
