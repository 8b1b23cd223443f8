"""The privacy notice's version on the enquiry form, and the key data rights find an address by."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.enquiries.limits import address_digest, rate_limit
from chalicelib.enquiries.request import parse_enquiry
from chalicelib.enquiries.rights import audit_line, email_key
from chalicelib.errors import InvalidParameter
from tests.enquiries import GOOD

SALT = "unit-test-salt-0123456789"


def _parse(body: dict[str, Any]) -> Any:
    return parse_enquiry(json.dumps(body).encode())


def test_given_a_consent_version_then_the_request_keeps_it() -> None:
    assert _parse({**GOOD, "consent_version": "2026-11"}).consent_version == "2026-11"


@pytest.mark.parametrize(
    "version",
    [None, "", "2026 11", "x" * 33, "2026-11\x00", "<b>", 202611, True, ["2026-11"]],
)
def test_given_no_or_a_bad_consent_version_then_it_is_refused_naming_it(version: object) -> None:
    body = {key: value for key, value in GOOD.items() if key != "consent_version"}
    if version is not None:
        body["consent_version"] = version

    with pytest.raises(InvalidParameter) as refused:
        _parse(body)

    assert refused.value.field == "consent_version"
    if version is None:
        assert refused.value.message == "'consent_version' is required"


def test_given_aliases_of_one_mailbox_then_they_share_one_email_key() -> None:
    keys = {email_key(address, SALT) for address in ("Jane.Doe@gmail.com", "janedoe+clinic@googlemail.com")}

    assert len(keys) == 1
    assert email_key("jane@example.com", SALT) != email_key("john@example.com", SALT)
    assert email_key("jane@example.com", SALT) != email_key("jane@example.com", SALT + "x")


def test_the_email_key_is_neither_the_idempotency_scope_nor_a_counter_digest() -> None:
    key = email_key("jane@example.com", SALT)

    assert key != address_digest("jane@example.com", SALT)
    assert key not in rate_limit("email", "jane@example.com", 5, SALT, 0).counter_key


def test_the_audit_line_names_the_key_and_counts_never_the_address() -> None:
    line = audit_line("erase", "arn:aws:iam::1:user/dpo", email_key("jane@example.com", SALT), {"deleted": 2})

    assert "jane" not in line
    assert line.startswith("data-rights erase caller=arn:aws:iam::1:user/dpo email_key=")
    assert line.endswith("deleted=2")


def test_given_a_field_name_that_is_not_valid_text_then_it_is_refused_naming_it() -> None:
    """A lone surrogate in a name (found by the hostile body test): pydantic could not name it."""
    with pytest.raises(InvalidParameter) as refused:
        parse_enquiry(json.dumps({**GOOD, "\ud800": None}).encode())

    assert refused.value.field == "\ud800"
