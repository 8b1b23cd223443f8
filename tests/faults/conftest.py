"""Fault tests: real processes, real outages. The package starts its own local stack (the
end-to-end tests' stack must not lose its node to these)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.stack import LocalStack


@pytest.fixture(scope="package")
def stack() -> Iterator[LocalStack]:
    """The whole local stack on free ports, for the outages that take a piece of it away."""
    with pytest.MonkeyPatch.context() as patch:
        # Every enquiry comes from 127.0.0.1 here: the per-network hourly limit (30) is not under test.
        patch.setenv("IP_RATE_PER_HOUR", "1000")
        running = LocalStack()
        running.start()
    try:
        yield running
    finally:
        running.stop()
        assert not running.node.is_running(), "the OpenSearch JVM outlived the stack"
