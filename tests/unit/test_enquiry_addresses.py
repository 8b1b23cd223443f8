"""normalised: the form an e-mail address is counted under (per-address rate limit, the
scope of an Idempotency-Key), so one mailbox does not get one allowance per alias."""

from __future__ import annotations

import pytest

from chalicelib.enquiries.addresses import normalised
from chalicelib.enquiries.limits import address_digest, rate_limit

SALT = "a-salt-of-sixteen-or-more"


@pytest.mark.parametrize(
    ("typed", "counted"),
    [
        ("jane@example.com", "jane@example.com"),
        ("Jane.Doe@Example.COM", "jane.doe@example.com"),
        ("jane+enquiry-2@example.com", "jane@example.com"),
        ("jane+a+b@example.com", "jane@example.com"),
        ("Jane+Tag@Example.org", "jane@example.org"),
        ("jane.doe@gmail.com", "janedoe@gmail.com"),
        ("J.a.N.e.D.o.E+1@GMail.com", "janedoe@gmail.com"),
        ("jane.doe@googlemail.com", "janedoe@gmail.com"),
        ("Jane.Doe+nhs@GoogleMail.com", "janedoe@gmail.com"),
        ("jane.doe@outlook.com", "jane.doe@outlook.com"),
        ("jane.doe@mail.gmail.com.example", "jane.doe@mail.gmail.com.example"),
        ("jane.doe+x@sub.example.co.uk", "jane.doe@sub.example.co.uk"),
    ],
)
def test_given_an_address_then_it_is_counted_in_its_normalised_form(typed: str, counted: str) -> None:
    assert normalised(typed) == counted


@pytest.mark.parametrize(
    "odd",
    ['"jane+doe"@example.com', '"a@b"@gmail.com', "no-at-sign", "+only-a-tag@example.com", "@", "", "a@b@c"],
)
def test_given_an_address_email_validator_refuses_then_normalised_does_not_raise(odd: str) -> None:
    assert isinstance(normalised(odd), str)


def test_given_no_at_sign_then_only_case_and_tag_change() -> None:
    assert normalised("Jane.Doe+x") == "jane.doe"


def test_given_aliases_of_one_mailbox_then_they_share_one_counter_and_one_scope() -> None:
    aliases = ["Jane.Doe@gmail.com", "janedoe+1@gmail.com", "JANE.DOE+2@googlemail.com"]

    counters = {rate_limit("email", normalised(a), 5, SALT, 1_800_000_000).counter_key for a in aliases}
    scopes = {address_digest(a, SALT) for a in aliases}

    assert len(counters) == 1
    assert len(scopes) == 1
    assert address_digest("jane.doe@example.com", SALT) != address_digest("janedoe@example.com", SALT)


def test_the_scope_is_a_salted_hash_apart_from_the_counters() -> None:
    digest = address_digest("jane@example.com", SALT)

    assert len(digest) == 64
    assert "jane" not in digest
    assert digest != address_digest("jane@example.com", SALT + "-other")
    assert digest not in rate_limit("email", "jane@example.com", 5, SALT, 1_800_000_000).counter_key
