"""The composition root: what it builds from settings, what it shares, and what a caller swaps in."""

from __future__ import annotations

from dataclasses import replace
from email.message import EmailMessage

import pytest
from botocore.stub import ANY, Stubber

from chalicelib.bootstrap import Clients, bootstrap
from chalicelib.config import ConfigError, load_search_settings, load_settings
from tests.conftest import BASE_ENV
from tests.fakes import RecordingMailer, ScriptedIndex


def a_message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "find@hospitals.example"
    message["To"] = "team@hospitals.example"
    message["Subject"] = "New patient enquiry"
    message.set_content("text")
    return message


@pytest.mark.parametrize("configuration_set", ["enquiry-mail", ""])
def test_given_the_settings_name_a_configuration_set_then_the_mailer_sends_through_it(configuration_set: str) -> None:
    settings = replace(load_settings(BASE_ENV), ses_configuration_set=configuration_set)
    clients = Clients(settings)
    expected = {"FromEmailAddress": "find@hospitals.example", "Destination": ANY, "Content": ANY}
    if configuration_set:
        expected["ConfigurationSetName"] = configuration_set

    with Stubber(clients.ses) as ses:
        ses.add_response("send_email", {"MessageId": "message-1"}, expected)
        sent = bootstrap(settings, clients).mailer.send(a_message())

        ses.assert_no_pending_responses()
    assert sent == "message-1"


def test_given_only_search_settings_then_search_is_built_and_the_enquiry_side_says_what_is_missing() -> None:
    settings = load_search_settings({"STAGE": "local", "OPENSEARCH_URL": "http://127.0.0.1:9"})
    services = bootstrap(settings, index=ScriptedIndex())

    assert services.search.profile("nobody") is None
    for part in ("store", "enquiry_endpoint", "notifier", "sweeper", "mailer", "dead_letters"):
        with pytest.raises(ConfigError, match="the enquiry services need the app's settings"):
            getattr(services, part)


def test_given_a_port_then_the_services_use_it_and_build_no_client_for_it() -> None:
    index, mailer = ScriptedIndex(), RecordingMailer()
    services = bootstrap(load_settings(BASE_ENV), index=index, mailer=mailer)

    services.search.profile("someone")
    built = (services.hospitals, services.treatments, services.vocabulary, services.mailer)

    assert [call.kind for call in index.calls] == ["get"]
    assert built[-1] is mailer
    assert not {"opensearch", "ses", "session"} & set(vars(services.clients))


def test_given_a_part_asked_twice_then_it_is_built_once() -> None:
    services = bootstrap(load_settings(BASE_ENV))

    assert services.search is services.search
    assert services.search_index is services.search_index
    assert services.clients.opensearch is services.clients.opensearch
    assert services.clients.dynamodb is services.clients.dynamodb
