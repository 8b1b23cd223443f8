"""The app in-process (chalice.test) against the real OpenSearch node holding the demo
catalog, with moto for DynamoDB, SES and SQS (tables provisioned as by the ``aws``
fixture). One per module: building boto3 clients and the moto tables again for each of
hundreds of rows would cost minutes, and no row depends on another's state (the rate
limits are raised; rows compare what they stored, not totals)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chalice.test import Client

from app import app
from chalicelib import deps
from tests.conftest import provisioned_moto, use_base_env
from tests.hostile.support import ALLOWED_ORIGIN


@pytest.fixture(scope="module")
def client(demo_index: str) -> Iterator[Client]:
    with pytest.MonkeyPatch.context() as env:
        use_base_env(env)
        env.setenv("OPENSEARCH_URL", demo_index)
        env.setenv("CORS_ALLOWED_ORIGINS", ALLOWED_ORIGIN)
        # Many accepted enquiries and events from one address and network: the limits are not under test here.
        env.setenv("EMAIL_RATE_PER_HOUR", "10000")
        env.setenv("IP_RATE_PER_HOUR", "100000")
        env.setenv("EVENTS_RATE_PER_HOUR", "100000")
        deps.reset()
        try:
            with provisioned_moto(), Client(app, stage_name="local") as chalice_client:
                yield chalice_client
        finally:
            deps.reset()
