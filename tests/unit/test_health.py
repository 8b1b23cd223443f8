from __future__ import annotations

import threading
import time

from chalicelib.health import run_checks


def ok() -> None:
    return None


def broken() -> None:
    raise ConnectionError("refused")


def test_given_every_check_passes_then_the_report_is_ok() -> None:
    report = run_checks({"search": ok, "enquiries_store": ok})

    assert report.ok
    assert report.as_body() == {"status": "ok", "checks": {"search": "ok", "enquiries_store": "ok"}}


def test_given_a_check_raises_then_it_is_named_unavailable() -> None:
    report = run_checks({"search": broken, "enquiries_store": ok})

    assert not report.ok
    assert report.as_body() == {"status": "unavailable", "checks": {"search": "unavailable", "enquiries_store": "ok"}}


def test_given_checks_hang_then_the_report_comes_within_the_shared_bound() -> None:
    release = threading.Event()

    def hangs() -> None:
        release.wait(10)

    started = time.monotonic()
    report = run_checks({"search": hangs, "enquiries_store": hangs}, timeout_s=0.3)
    elapsed = time.monotonic() - started
    release.set()

    assert report.checks == {"search": "timeout", "enquiries_store": "timeout"}
    assert elapsed < 0.6
