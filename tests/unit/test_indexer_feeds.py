"""Which feed a run loads: the Lambda's events, the command line's ``--feed``, the summary."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from chalicelib.config import load_search_settings
from devstack.stack import PROJECT_DIR
from indexer.cli import parse_args
from indexer.feeds import FEEDS, SPECIALISTS, TREATMENTS, UnknownFeed, feed_named
from indexer.handler import IndexerFailed, feed_name, feed_uri
from indexer.summary import Summary

ENVIRON = {
    "CATALOG_URI": "s3://feeds/catalog/catalog.jsonl.gz",
    "TREATMENTS_CATALOG_URI": "s3://feeds/treatments/t.jsonl",
}
SCHEDULED: dict[str, Any] = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}


def notification(key: str) -> dict[str, Any]:
    return {"Records": [{"s3": {"bucket": {"name": "feeds"}, "object": {"key": key}}}]}


def object_created(key: str) -> dict[str, Any]:
    return {"detail-type": "Object Created", "detail": {"bucket": {"name": "feeds"}, "object": {"key": key}}}


def test_given_the_treatments_schedule_then_the_feed_is_treatments_at_its_configured_uri() -> None:
    event = {"feed": "treatments"}  # the rule's input replaces EventBridge's event

    assert feed_name(event) == "treatments"
    assert feed_uri(event, ENVIRON, "treatments") == "s3://feeds/treatments/t.jsonl"


def test_given_the_catalog_schedule_then_the_feed_is_the_specialists_at_catalog_uri() -> None:
    assert feed_name(SCHEDULED) == "specialists"
    assert feed_uri(SCHEDULED, ENVIRON, "specialists") == "s3://feeds/catalog/catalog.jsonl.gz"


def test_given_a_scheduled_treatments_run_without_its_uri_then_it_names_the_variable() -> None:
    with pytest.raises(IndexerFailed, match="the treatments feed needs TREATMENTS_CATALOG_URI"):
        feed_uri({"feed": "treatments"}, {"CATALOG_URI": "s3://feeds/catalog/c.jsonl"}, "treatments")


@pytest.mark.parametrize("event", [notification("treatments/2026+12+04.jsonl"), object_created("treatments/t.jsonl")])
def test_given_a_new_object_under_treatments_then_the_feed_is_treatments_and_the_object(event: dict[str, Any]) -> None:
    assert feed_name(event) == "treatments"
    assert feed_uri(event, {}, "treatments").startswith("s3://feeds/treatments/")


@pytest.mark.parametrize(
    "key", ["catalog/catalog.jsonl.gz", "treatments.jsonl", "catalog/treatments/x.jsonl", "Treatments/x.jsonl"]
)
def test_given_a_new_object_anywhere_else_then_the_feed_is_the_specialists(key: str) -> None:
    assert feed_name(notification(key)) == feed_name(object_created(key)) == "specialists"


@pytest.mark.parametrize("name", ["nonsense", "Treatments", "", 3, None])
def test_given_an_unknown_feed_in_the_event_then_the_run_fails_naming_the_choices(name: object) -> None:
    with pytest.raises(IndexerFailed, match=r"unknown feed .* in the event: choose one of specialists, treatments"):
        feed_name({"feed": name})


def test_given_the_settings_then_each_feed_loads_its_own_alias() -> None:
    settings = load_search_settings(
        {"STAGE": "local", "OPENSEARCH_URL": "http://127.0.0.1:9", "SEARCH_ALIAS": "s1", "TREATMENTS_ALIAS": "t1"}
    )

    assert (SPECIALISTS.alias(settings), TREATMENTS.alias(settings)) == ("s1", "t1")
    assert feed_named("treatments") is TREATMENTS
    assert set(FEEDS) == {"specialists", "treatments"}
    with pytest.raises(UnknownFeed, match="choose one of specialists, treatments"):
        feed_named("nonsense")


def test_given_no_feed_option_then_the_command_line_loads_the_specialists() -> None:
    assert parse_args(["--source", "c.jsonl"]).feed == "specialists"
    assert parse_args(["--feed", "treatments", "--rollback"]).feed == "treatments"


def test_given_an_unknown_feed_option_then_the_command_line_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--feed", "nonsense", "--source", "c.jsonl"])

    assert stopped.value.code == 2
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err


def test_given_a_summary_then_it_names_its_feed_in_text_and_as_a_dict() -> None:
    summary = Summary(source="t.jsonl", alias="treatments", feed="treatments")

    assert summary.as_dict()["feed"] == "treatments"
    assert "      feed  treatments" in summary.as_text().splitlines()
    # Keys the specialists' runs always had are all still there.
    assert {"outcome", "reason", "source", "alias", "lines", "valid", "invalid", "indexed"} <= set(summary.as_dict())
    assert Summary(source=None, alias="specialists").feed == "specialists"


def test_given_the_handler_and_the_feeds_imported_then_no_model_is_loaded_until_a_run() -> None:
    probe = (
        "import json, sys; import indexer.handler, indexer.feeds, indexer.reindex; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('chalicelib', 'pydantic')))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(result.stdout)

    assert not [name for name in loaded if name.startswith(("chalicelib.treatments", "chalicelib.catalog"))], loaded
    assert "chalicelib.index_schema" not in loaded
