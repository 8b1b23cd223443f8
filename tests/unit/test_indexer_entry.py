"""The indexer's entry points: which feed an event names, and its options."""

from __future__ import annotations

import pytest

from chalicelib.config import ConfigError
from indexer.handler import IndexerFailed, feed_name, feed_uri
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


AVAILABILITY_URI = {"AVAILABILITY_URI": "s3://feeds/availability/availability.jsonl.gz"}


def test_given_the_hourly_schedule_then_the_feed_is_availability_at_its_configured_uri() -> None:
    event = {"feed": "availability"}  # the hourly rule's input

    assert feed_name(event) == "availability"
    assert feed_uri(event, AVAILABILITY_URI, "availability") == AVAILABILITY_URI["AVAILABILITY_URI"]
    with pytest.raises(IndexerFailed, match="the availability feed needs AVAILABILITY_URI"):
        feed_uri(event, {"CATALOG_URI": "s3://feeds/catalog/c.jsonl"}, "availability")


def test_given_a_new_object_under_availability_then_the_feed_is_availability_and_the_object() -> None:
    event = {"Records": [{"s3": {"bucket": {"name": "feeds"}, "object": {"key": "availability/12+00.jsonl"}}}]}

    assert feed_name(event) == "availability"
    assert feed_uri(event, {}, "availability") == "s3://feeds/availability/12 00.jsonl"


def test_given_an_availability_event_then_the_handler_applies_the_feed_and_never_rebuilds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import indexer.availability
    import indexer.reindex
    from indexer.availability_summary import AvailabilitySummary
    from indexer.handler import handler

    applied: list[str] = []

    def apply_feed(uri: str) -> AvailabilitySummary:
        applied.append(uri)
        return AvailabilitySummary(source=uri, alias="specialists", outcome="applied", applied=3)

    monkeypatch.setattr(indexer.availability, "apply_feed", apply_feed)
    monkeypatch.setattr(indexer.reindex, "Reindexer", None)  # a rebuild would fail on it
    monkeypatch.setenv("AVAILABILITY_URI", AVAILABILITY_URI["AVAILABILITY_URI"])

    result = handler({"feed": "availability"}, None)

    assert applied == [AVAILABILITY_URI["AVAILABILITY_URI"]]
    assert (result["feed"], result["outcome"], result["applied"]) == ("availability", "applied", 3)


def test_given_an_availability_run_that_failed_then_the_handler_raises_so_the_alarm_sees_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import indexer.availability
    from indexer.availability_summary import AvailabilitySummary
    from indexer.handler import handler

    def apply_feed(uri: str) -> AvailabilitySummary:
        return AvailabilitySummary(source=uri, alias="specialists", outcome="failed", reason="1 update(s) failed")

    monkeypatch.setattr(indexer.availability, "apply_feed", apply_feed)

    with pytest.raises(IndexerFailed, match="failed: 1 update"):
        handler({"Records": [{"s3": {"bucket": {"name": "feeds"}, "object": {"key": "availability/a.jsonl"}}}]}, None)


@pytest.mark.parametrize(
    "extra", [["--rollback"], ["--source", "a.jsonl", "--dry-run"], ["--source", "a", "--keep", "1"]]
)
def test_given_the_availability_feed_then_the_command_line_takes_only_a_source(extra: list[str]) -> None:
    from indexer.cli import parse_args

    assert parse_args(["--feed", "availability", "--source", "a.jsonl"]).feed == "availability"
    with pytest.raises(SystemExit):
        parse_args(["--feed", "availability", *extra])


def test_given_quality_min_shares_then_they_become_the_guards_minimums() -> None:
    options = options_from_env({"QUALITY_MIN_SHARES": "gmc_number=0.9, fees=0.5,"})

    assert options.min_shares == (("gmc_number", 0.9), ("fees", 0.5))
    assert options_from_env({}).min_shares == ()


@pytest.mark.parametrize("value", ["gmc=0.9", "gmc_number=90%", "fees"])
def test_given_bad_quality_min_shares_then_one_line_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="QUALITY_MIN_SHARES"):
        options_from_env({"QUALITY_MIN_SHARES": value})


def test_given_min_shares_on_the_command_line_then_they_are_parsed() -> None:
    from indexer.cli import parse_args

    args = parse_args(["--source", "f.jsonl", "--min-share", "gmc_number=0.9", "--quality-dir", "out"])

    assert args.min_shares == (("gmc_number", 0.9),)
    assert str(args.quality_dir) == "out"


@pytest.mark.parametrize(
    "argv",
    [
        ["--source", "f.jsonl", "--min-share", "colour=0.9"],
        ["--source", "f.jsonl", "--min-share", "gmc_number=2"],
        ["--feed", "treatments", "--source", "f.jsonl", "--min-share", "gmc_number=0.9"],
        ["--feed", "treatments", "--source", "f.jsonl", "--quality-dir", "out"],
        ["--rollback", "--quality-dir", "out"],
    ],
)
def test_given_a_quality_option_that_cannot_apply_then_usage_fails(argv: list[str]) -> None:
    from indexer.cli import parse_args

    with pytest.raises(SystemExit) as exited:
        parse_args(argv)

    assert exited.value.code == 2
