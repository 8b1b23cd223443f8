"""Driving Debian's Chromium with Playwright for the demo page's browser tests.

Nothing is downloaded at test time: the browser is the system's ``/usr/bin/chromium``
(``.ci/run`` and ``make browser`` install it with apt; never ``playwright install``), and
axe-core is the copy the ``axe-playwright-python`` wheel ships.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, ViewportSize

from devstack.stack import PROJECT_DIR

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
