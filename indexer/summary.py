"""What one indexer run did, for the terminal, for ``--json`` and for the Lambda's log."""

from __future__ import annotations

import resource
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.records import InvalidLine, ReadReport
from indexer.routing import AddressChange

if TYPE_CHECKING:
    from indexer.quality import Quality


@dataclass
class Summary:
    source: str | None
    alias: str
    feed: str = "specialists"  # which feed (indexer.feeds): specialists | treatments
    outcome: str = "failed"  # swapped | dry-run | rolled-back | aborted | failed
    reason: str | None = None
    run_id: str | None = None  # the name of the index the run builds (or would, in a dry run)
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
    peak_rss_mib: float | None = None  # this process's own high-water mark; see :func:`peak_rss_mib`
    # The catalog only (indexer.routing): hospitals whose enquiries address differs from the
    # live index's, and hospitals some of whose lines gave another address than the first.
    address_changes: list[AddressChange] = field(default_factory=list)
    address_conflicts: dict[str, int] = field(default_factory=dict)
    # The catalog only: valid specialists left out of the index, not registered with the GMC
    # (patient safety; neither invalid lines nor counted as the feed's by the drop guard).
    not_registered: int = 0
    not_registered_ids: list[str] = field(default_factory=list)
    quality: Quality | None = None  # the catalog's data-quality report (indexer.quality)
    quality_files: list[str] = field(default_factory=list)  # where the command line or the Lambda wrote it

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
        self.not_registered, self.not_registered_ids = report.left_out, list(report.left_out_ids)

    def as_dict(self) -> dict[str, object]:
        figures: dict[str, object] = {
            "outcome": self.outcome,
            "reason": self.reason,
            "run_id": self.run_id,
            "feed": self.feed,
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
        if self.feed == "specialists":
            figures["hospital_address_changes"] = [change.as_dict() for change in self.address_changes]
            figures["hospital_address_conflicts"] = dict(self.address_conflicts)
            figures["not_registered"] = self.not_registered
            figures["not_registered_ids"] = list(self.not_registered_ids)
            figures["quality"] = None if self.quality is None else self.quality.as_dict()
            figures["quality_files"] = list(self.quality_files)
        if self.peak_rss_mib is not None:  # set by the command line, at the end of its run
            figures["peak_rss_mib"] = round(self.peak_rss_mib, 1)
        return figures

    def as_text(self) -> str:
        rows = [
            ("outcome", self.outcome + (f": {self.reason}" if self.reason else "")),
            ("feed", self.feed),
            ("source", self.source or "-"),
            ("lines", f"{self.lines} ({self.valid} valid, {self.invalid} invalid)"),
            ("indexed", f"{self.indexed} in {self.duration_s:.1f} s ({self.docs_per_s:.0f} docs/s)"),
            ("old index", self.old_index or "-"),
            ("new index", self.new_index or "-"),
            ("alias", f"{self.alias} {'swapped' if self.swapped else 'not swapped'}"),
            ("deleted", ", ".join(self.deleted) or "-"),
        ]
        if self.feed == "specialists" and self.source is not None:
            changed = ", ".join(change.hospital for change in self.address_changes)
            count = f"{len(self.address_changes)} hospitals changed"
            rows.append(("addresses", f"{count}: {changed}" if changed else count))
            left_out = f"{self.not_registered} not registered"
            if self.not_registered_ids:
                more = ", ..." if self.not_registered > len(self.not_registered_ids) else ""
                left_out += f": {', '.join(self.not_registered_ids)}{more}"
            rows.append(("left out", left_out))
        if self.quality is not None:
            found = [f"{name} {problem.count}" for name, problem in self.quality.problems.items() if problem.count]
            rows.append(("quality", ", ".join(found) or "no problems found"))
        if self.quality_files:
            rows.append(("report", ", ".join(self.quality_files)))
        if self.peak_rss_mib is not None:
            rows.append(("peak RSS", f"{self.peak_rss_mib:.1f} MiB"))
        text = "\n".join(f"{label:>10}  {value}" for label, value in rows)
        for change in self.address_changes:
            text += f"\n   changed  hospital {change.hospital}: {change.old} -> {change.new}"
        for hospital, lines in sorted(self.address_conflicts.items()):
            text += f"\n  conflict  hospital {hospital}: {lines} line(s) gave another address than the first"
        for problem in self.invalid_samples:
            text += f"\n   invalid  line {problem.line_number} (id {problem.record_id or '?'}): {problem.reason}"
        if self.invalid > len(self.invalid_samples):
            text += f"\n            ... and {self.invalid - len(self.invalid_samples)} more invalid lines"
        return text


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux it is ``VmHWM`` from ``/proc/self/status``: the high-water mark of this
    process's own address space, which starts afresh at ``exec``. Not ``ru_maxrss``
    (``getrusage``, or ``wait4`` in the parent): the kernel carries the parent's
    high-water mark across fork and exec into it, so a command started by a process
    holding 500 MiB would report 500 MiB whatever it used itself. Elsewhere (no
    ``/proc``) ``ru_maxrss`` is the best there is: bytes on macOS, KiB on the BSDs.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # "VmHWM:    63460 kB"
    raise RuntimeError("/proc/self/status has no VmHWM line")
