from __future__ import annotations

import subprocess
import sys

import pytest

from chalicelib import deps
from devstack.stack import PROJECT_DIR


def test_given_the_api_module_is_imported_then_no_client_library_is_loaded() -> None:
    probe = "import sys, app; print(sorted(m for m in ('boto3', 'botocore', 'opensearchpy') if m in sys.modules))"

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.strip() == "[]"


def test_given_two_calls_then_the_same_clients_are_reused(app_env: dict[str, str]) -> None:
    assert deps.clients().opensearch is deps.clients().opensearch
    assert deps.services().search_index is deps.services().search_index
    assert deps.clients().dynamodb is deps.clients().dynamodb


def test_given_a_deployed_stage_then_search_requests_are_signed(
    app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from opensearchpy import Urllib3AWSV4SignerAuth

    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("OPENSEARCH_URL", "https://search-domain.eu-west-2.es.amazonaws.com")
    deps.reset()

    connection = deps.clients().opensearch.transport.get_connection()

    assert isinstance(connection.http_auth, Urllib3AWSV4SignerAuth)
    assert connection.use_ssl


def test_given_no_place_index_then_near_uses_the_offline_table_alone(app_env: dict[str, str]) -> None:
    from chalicelib.geocoding.offline import OfflineGeocoder

    assert isinstance(deps.services().geocoder, OfflineGeocoder)


def test_given_a_place_index_then_the_table_is_asked_first_and_the_service_second(
    app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.geocoding.chain import FirstFound

    monkeypatch.setenv("PLACE_INDEX", "find-a-specialist-places")
    deps.reset()

    chain = deps.services().geocoder

    assert isinstance(chain, FirstFound)
    assert chain.locate("NW4 1RP") is not None  # the table answers: no call to the service
