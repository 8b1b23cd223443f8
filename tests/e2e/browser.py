"""Driving Debian's Chromium with Playwright for the demo page's browser tests.

Nothing is downloaded at test time: the browser is the system's ``/usr/bin/chromium``
(``.ci/run`` and ``make browser`` install it with apt; never ``playwright install``), and
axe-core is the copy the ``axe-playwright-python`` wheel ships.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect

from devstack.stack import PROJECT_DIR, LocalStack

CHROMIUM = Path("/usr/bin/chromium")
# The closed network here refuses Chromium's background connections; without these flags
# it keeps retrying them.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = PROJECT_DIR / "test-artifacts" / "browser"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def launch(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. Install it with "
            "`make browser` (apt-get install chromium), as .ci/run does."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def open_page(chromium: Browser, stack: LocalStack, viewport: ViewportSize) -> Iterator[Page]:
    """A page in a new context at the stack's URL; any script error fails the test at teardown."""
    context = chromium.new_context(viewport=viewport, base_url=stack.api_url)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not script_errors, script_errors


class Screenshots:
    """Numbered screenshots of one test's steps, in test-artifacts/browser/<test>/."""

    def __init__(self, test_name: str) -> None:
        self.folder = ARTEFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*"):
            old.unlink()
        self._step = 0

    def take(self, page: Page, step: str, full_page: bool = True) -> Path:
        self._step += 1
        path = self.folder / f"{self._step:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def save_json(self, name: str, data: Any) -> None:
        (self.folder / name).write_text(json.dumps(data, indent=2), encoding="utf-8")


def _axe_script() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.x A and AA checks (and best practices) on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_script())
    options = {"resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def assert_accessible(page: Page, shots: Screenshots, label: str) -> list[dict[str, Any]]:
    """No serious or critical axe violation; every violation found is saved beside the screenshots."""
    violations = axe_violations(page)
    shots.save_json(f"axe-{label}.json", violations)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']]}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, "\n".join(blocking)
    return violations


def api(stack: LocalStack, path: str, **params: str) -> dict[str, Any]:
    response = requests.get(f"{stack.api_url}{path}", params=params, headers={"Accept": "application/json"}, timeout=10)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def fill_enquiry(page: Page, email: str) -> None:
    page.locator("#enq-first_name").fill("Sam")
    page.locator("#enq-last_name").fill("Browser")
    page.locator("#enq-email").fill(email)
    page.locator("#enq-message").fill("I would like an appointment in the evening, please.")
    page.locator("#enq-consent").check()


def mail_for(stack: LocalStack, reference: str, want: int, timeout_s: float = 20) -> list[dict[str, Any]]:
    """The local outbox's e-mails naming the enquiry's reference, once `want` of them are there."""
    deadline = time.monotonic() + timeout_s
    mine: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        outbox = requests.get(f"{stack.api_url}/_local/outbox", timeout=10).json()
        mine = [mail for mail in outbox if reference in mail["subject"] or reference in mail["text"]]
        if len(mine) >= want:
            break
        time.sleep(0.25)
    return mine


def assert_no_sideways_scroll(page: Page) -> None:
    """Nothing wider than the window: the page does not scroll sideways."""
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll_width <= inner_width, (scroll_width, inner_width)


def settled(page: Page) -> None:
    """The page's last search has been answered and drawn."""
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")


def facet_counts(page: Page, facet: str) -> dict[str, int]:
    """The filter's options as shown: label -> count."""
    labels = page.locator(f'input[name="f-{facet}"] + label').all_inner_texts()
    found = (re.match(r"(.+) \(([\d,]+)\)$", text) for text in labels)
    return {m.group(1): int(m.group(2).replace(",", "")) for m in found if m}
