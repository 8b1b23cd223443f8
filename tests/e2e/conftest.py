from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from devstack.stack import LocalStack
from tests.e2e.browser import DESKTOP, PHONE, Screenshots, launch, open_page


@pytest.fixture(scope="package")
def stack() -> Iterator[LocalStack]:
    """The whole local stack on free ports, as `make run` starts it."""
    with LocalStack() as running:
        yield running


# The browser tests' fixtures (test_browser.py, test_browser_pages.py): Debian's Chromium, a
# page at desktop or phone width that fails its test on any script error, and the screenshots.


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, stack: LocalStack) -> Iterator[Page]:
    yield from open_page(chromium, stack, DESKTOP)


@pytest.fixture
def phone(chromium: Browser, stack: LocalStack) -> Iterator[Page]:
    yield from open_page(chromium, stack, PHONE)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(request.node.name)
