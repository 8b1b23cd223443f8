from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.stack import LocalStack


@pytest.fixture(scope="package")
def stack() -> Iterator[LocalStack]:
    """The whole local stack on free ports, as `make run` starts it."""
    with LocalStack() as running:
        yield running
