"""The app in-process (chalice.test) against the real OpenSearch node holding the demo
catalog, with moto for DynamoDB, SES and SQS (tables bootstrapped as by the ``aws``
fixture). One per module: building boto3 clients and the moto tables again for each of
hundreds of rows would cost minutes, and no row depends on another's state (the rate
limits are raised; rows compare what they stored, not totals)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from chalice.test import Client

from app import app
from chalicelib import deps
from tests.conftest import BASE_ENV
from tests.hostile.support import ALLOWED_ORIGIN


@pytest.fixture(scope="module")
def client(demo_index: str) -> Iterator[Client]:
    import boto3
    from moto import mock_aws

    from chalicelib.config import load_settings
    from devstack.bootstrap import bootstrap

    with pytest.MonkeyPatch.context() as env:
        env.delenv("AWS_ENDPOINT_URL", raising=False)
        env.delenv("AWS_PROFILE", raising=False)
        for name, value in BASE_ENV.items():
            env.setenv(name, value)
        env.setenv("OPENSEARCH_URL", demo_index)
        env.setenv("CORS_ALLOWED_ORIGINS", ALLOWED_ORIGIN)
        # Many accepted enquiries from one address and network: the limits are not under test here.
        env.setenv("EMAIL_RATE_PER_HOUR", "10000")
        env.setenv("IP_RATE_PER_HOUR", "100000")
        settings = load_settings(os.environ)
        deps.reset()
        try:
            with mock_aws():
                bootstrap(settings, boto3.Session(region_name=settings.region))
                with Client(app, stage_name="local") as chalice_client:
                    yield chalice_client
        finally:
            deps.reset()
