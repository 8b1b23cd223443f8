"""Readiness: run each dependency check in parallel, each bounded in time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Literal

from typing_extensions import TypedDict

from chalicelib.shapes import documented

CHECK_TIMEOUT_S = 1.0
CheckResult = Literal["ok", "unavailable", "timeout"]

log = logging.getLogger(__name__)


@documented
class HealthBody(TypedDict):
    """Readiness: 200 when every dependency answers, 503 naming the one that does not."""

    status: Literal["ok", "unavailable"]
    checks: dict[str, CheckResult]
    """Per dependency ("search", "enquiries_store"): "ok", "unavailable", or "timeout" after 1 s."""


@dataclass(frozen=True)
class HealthReport:
    checks: dict[str, CheckResult]

    @property
    def ok(self) -> bool:
        return all(result == "ok" for result in self.checks.values())

    def as_body(self) -> HealthBody:
        return {"status": "ok" if self.ok else "unavailable", "checks": self.checks}


def run_checks(checks: Mapping[str, Callable[[], None]], timeout_s: float = CHECK_TIMEOUT_S) -> HealthReport:
    """Each check passes by returning; it fails by raising or by outlasting ``timeout_s``.

    The checks share one deadline, so the whole report takes at most about
    ``timeout_s`` however many dependencies hang.
    """
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="health")
    futures = {name: pool.submit(check) for name, check in checks.items()}
    deadline = time.monotonic() + timeout_s
    results: dict[str, CheckResult] = {}
    try:
        for name, future in futures.items():
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
                results[name] = "ok"
            except FutureTimeout:
                log.warning("health check %s timed out after %.1fs", name, timeout_s)
                results[name] = "timeout"
            except Exception as exc:  # noqa: BLE001 - any failure makes the check fail
                log.warning("health check %s failed: %s", name, type(exc).__name__)
                results[name] = "unavailable"
    finally:
        # A hung check keeps its thread until its client gives up; do not wait for it.
        pool.shutdown(wait=False, cancel_futures=True)
    return HealthReport(results)
