"""The indexer's entry points: which feed an event names, and its options."""

from __future__ import annotations

import pytest

from chalicelib.config import ConfigError
from indexer.handler import IndexerFailed, feed_uri
from indexer.naming import is_build_of, new_index_name
from indexer.options import options_from_env
from indexer.reindex import Options


def test_given_an_s3_notification_then_the_feed_is_its_object_with_the_key_decoded() -> None:
    event = {"Records": [{"s3": {"bucket": {"name": "feeds"}, "object": {"key": "catalog/2026+11+25.jsonl.gz"}}}]}

    assert feed_uri(event, {}) == "s3://feeds/catalog/2026 11 25.jsonl.gz"


def test_given_an_eventbridge_object_created_event_then_the_feed_is_its_object() -> None:
    event = {"detail-type": "Object Created", "detail": {"bucket": {"name": "feeds"}, "object": {"key": "c.jsonl"}}}

    assert feed_uri(event, {}) == "s3://feeds/c.jsonl"


def test_given_a_scheduled_event_then_the_feed_is_the_configured_uri() -> None:
    event = {"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}

    assert feed_uri(event, {"CATALOG_URI": "s3://feeds/latest.jsonl.gz"}) == "s3://feeds/latest.jsonl.gz"
    with pytest.raises(IndexerFailed, match="CATALOG_URI"):
        feed_uri(event, {})


def test_given_no_variables_then_the_options_are_the_documented_defaults() -> None:
    assert options_from_env({}) == Options(max_invalid_ratio=0.05, max_drop_ratio=0.20, keep=2, replicas=0)


def test_given_variables_then_they_set_the_thresholds() -> None:
    options = options_from_env(
        {"INDEXER_MAX_INVALID_RATIO": "0.1", "INDEXER_MAX_DROP_RATIO": "0.5", "INDEXER_KEEP": "4"}
    )

    assert (options.max_invalid_ratio, options.max_drop_ratio, options.keep) == (0.1, 0.5, 4)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("INDEXER_MAX_INVALID_RATIO", "5%"), ("INDEXER_MAX_DROP_RATIO", "1.5"), ("INDEXER_KEEP", "-1")],
)
def test_given_a_bad_option_then_one_line_names_it(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        options_from_env({variable: value})


def test_given_build_names_then_they_sort_by_age_and_are_recognised() -> None:
    from datetime import UTC, datetime

    older = new_index_name("specialists", datetime(2026, 11, 25, 9, 5, 1, 7, tzinfo=UTC))
    newer = new_index_name("specialists", datetime(2026, 11, 25, 10, 0, 0, 0, tzinfo=UTC))

    assert older == "specialists-20261125-090501-000007"
    assert older < newer
    assert is_build_of("specialists", older)
    assert not is_build_of("specialists", "specialists-indexer-lock")
    assert not is_build_of("specialists", "specialists")
