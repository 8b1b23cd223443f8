"""The link keys adapter against moto's Secrets Manager (in-process): the secret's JSON read
into keys, kept for the TTL, and every failure a ``LinkKeysUnavailable`` that never quotes
the secret; a failed refresh keeps the keys already held."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from chalicelib.adapters.secretsmanager_link_keys import SecretsManagerLinkKeys
from chalicelib.enquiries.ports import LinkKeysUnavailable

pytestmark = pytest.mark.integration

REGION = "eu-west-2"
NAME = "find-a-specialist-test/enquiry-link-keys"
CURRENT = "c" * 40 + "CurrentKeyValue1234567"
PREVIOUS = "p" * 40 + "PreviousKeyValue765432"
NEWER = "n" * 40 + "NewerKeyValue000000000"
ADAPTER_LOG = "chalicelib.adapters.secretsmanager_link_keys"


class Clock:
    """``time.monotonic`` under the test's control."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from moto import mock_aws

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield boto3.client("secretsmanager", region_name=REGION)


def _put(client: Any, value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        return str(client.create_secret(Name=NAME, SecretString=text)["ARN"])
    except client.exceptions.ResourceExistsException:
        return str(client.put_secret_value(SecretId=NAME, SecretString=text)["ARN"])


def test_given_only_a_current_key_then_it_is_the_one_key(client: Any) -> None:
    arn = _put(client, {"current": CURRENT})
    assert SecretsManagerLinkKeys(client, arn).keys() == [CURRENT.encode()]


@pytest.mark.parametrize("previous", ["", None])
def test_given_an_empty_previous_key_then_only_the_current_one(client: Any, previous: str | None) -> None:
    _put(client, {"current": CURRENT, "previous": previous})
    assert SecretsManagerLinkKeys(client, NAME).keys() == [CURRENT.encode()]


def test_given_current_and_previous_then_current_first(client: Any) -> None:
    arn = _put(client, {"current": CURRENT, "previous": PREVIOUS})
    assert SecretsManagerLinkKeys(client, arn).keys() == [CURRENT.encode(), PREVIOUS.encode()]


def test_given_a_rotation_then_it_is_seen_only_once_the_ttl_has_passed(client: Any) -> None:
    _put(client, {"current": CURRENT})
    clock = Clock()
    keys = SecretsManagerLinkKeys(client, NAME, ttl_s=300, clock=clock)
    assert keys.keys() == [CURRENT.encode()]
    _put(client, {"current": NEWER, "previous": CURRENT})
    clock.now += 299
    assert keys.keys() == [CURRENT.encode()]
    clock.now += 1
    assert keys.keys() == [NEWER.encode(), CURRENT.encode()]


def test_within_the_ttl_the_secret_is_read_once(client: Any) -> None:
    _put(client, {"current": CURRENT})
    calls: list[str] = []
    client.meta.events.register("before-call.secrets-manager.GetSecretValue", lambda **_: calls.append("read"))
    clock = Clock()
    keys = SecretsManagerLinkKeys(client, NAME, clock=clock)
    for _ in range(5):
        keys.keys()
        clock.now += 59
    assert calls == ["read"]


def test_what_a_caller_does_to_the_list_does_not_change_the_keys_held(client: Any) -> None:
    _put(client, {"current": CURRENT})
    keys = SecretsManagerLinkKeys(client, NAME, clock=Clock())
    keys.keys().clear()
    assert keys.keys() == [CURRENT.encode()]


def test_given_no_such_secret_then_unavailable_naming_the_error_code(client: Any) -> None:
    with pytest.raises(LinkKeysUnavailable, match="ResourceNotFoundException"):
        SecretsManagerLinkKeys(client, NAME).keys()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (f'{{"current": "{CURRENT}"', "not a JSON object"),
        (CURRENT, "not a JSON object"),
        (json.dumps([CURRENT]), "not a JSON object"),
        ({"current": CURRENT[:31]}, '"current" is shorter than 32 bytes'),
        ({"current": CURRENT, "previous": CURRENT[:31]}, '"previous" is shorter than 32 bytes'),
        ({"previous": CURRENT}, '"current" is not a string'),
        ({"current": CURRENT, "previous": 12345678}, '"previous" is not a string'),
    ],
)
def test_given_an_unusable_secret_then_unavailable_without_quoting_it(
    client: Any, caplog: pytest.LogCaptureFixture, value: object, reason: str
) -> None:
    _put(client, value)
    with caplog.at_level(logging.DEBUG, logger=ADAPTER_LOG), pytest.raises(LinkKeysUnavailable) as raised:
        SecretsManagerLinkKeys(client, NAME).keys()
    assert reason in str(raised.value)
    # Our own lines only: botocore's debug log quotes every response body.
    logged = [record.getMessage() for record in caplog.records if record.name == ADAPTER_LOG]
    assert logged
    shown = [str(raised.value), repr(raised.value), *logged]
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or raised.value.__suppress_context__
    for text in shown:
        assert CURRENT[:31] not in text
        assert "12345678" not in text


def test_after_a_failure_the_next_call_tries_again(client: Any) -> None:
    keys = SecretsManagerLinkKeys(client, NAME, clock=Clock())
    with pytest.raises(LinkKeysUnavailable):
        keys.keys()
    _put(client, {"current": CURRENT})
    assert keys.keys() == [CURRENT.encode()]


@pytest.mark.parametrize("break_it", ["deleted", "malformed"])
def test_given_a_failed_refresh_after_the_ttl_then_the_keys_held_are_kept(
    client: Any, caplog: pytest.LogCaptureFixture, break_it: str
) -> None:
    _put(client, {"current": CURRENT, "previous": PREVIOUS})
    clock = Clock()
    keys = SecretsManagerLinkKeys(client, NAME, ttl_s=300, clock=clock)
    assert keys.keys() == [CURRENT.encode(), PREVIOUS.encode()]
    if break_it == "deleted":
        client.delete_secret(SecretId=NAME, ForceDeleteWithoutRecovery=True)
    else:
        _put(client, {"current": "short-" + NEWER[:20]})
    clock.now += 301
    with caplog.at_level(logging.WARNING):
        assert keys.keys() == [CURRENT.encode(), PREVIOUS.encode()]
    assert "not refreshed" in caplog.text
    assert ("ResourceNotFoundException" if break_it == "deleted" else "shorter than") in caplog.text
    assert CURRENT not in caplog.text
    assert NEWER[:20] not in caplog.text
    # No negative caching: once the secret is usable again, the next call reads it.
    _put(client, {"current": NEWER})
    assert keys.keys() == [NEWER.encode()]


def test_given_secrets_manager_unreachable_then_unavailable_naming_the_network_error() -> None:
    # Nothing listens on port 9: the connection is refused (moto is not running here).
    unreachable = boto3.client(
        "secretsmanager",
        region_name=REGION,
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )
    with pytest.raises(LinkKeysUnavailable, match="EndpointConnectionError"):
        SecretsManagerLinkKeys(unreachable, NAME).keys()
