"""The blue/green reindex against the real OpenSearch node."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import OpenSearch

from chalicelib.adapters.file_catalog_source import LocalFileSource
from chalicelib.index_schema import index_body, to_document
from indexer.lock import IndexerLock
from indexer.naming import is_build_of, lock_index_name
from indexer.reindex import Options, Reindexer
from tests.feeds import feed, hospital, record, write_feed

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(opensearch_url: str) -> OpenSearch:
    return OpenSearch(hosts=[opensearch_url], timeout=30)


@pytest.fixture
def alias(client: OpenSearch, request: pytest.FixtureRequest) -> Iterator[str]:
    """An alias of the test's own, and every index it made removed afterwards."""
    name = "t-" + request.node.name.lower().replace("_", "-")[:60].strip("-")
    yield name
    client.indices.delete(index=f"{name}*", ignore=[404], expand_wildcards="all")


def reindexer(client: OpenSearch, alias: str, **options: Any) -> Reindexer:
    return Reindexer(client, alias, Options(**options))


def builds(client: OpenSearch, alias: str) -> list[str]:
    return sorted(name for name in client.indices.get(index=f"{alias}*") if is_build_of(alias, name))


def live(client: OpenSearch, alias: str) -> str:
    names = [str(name) for name in client.indices.get_alias(name=alias)]
    assert len(names) == 1
    return names[0]


def count(client: OpenSearch, alias: str) -> int:
    return int(client.count(index=alias)["count"])


def test_given_no_alias_when_the_first_run_ends_then_the_alias_serves_every_record(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    summary = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "feed.jsonl", 120)))

    assert summary.outcome == "swapped", summary.reason
    assert summary.swapped
    assert summary.old_index is None
    assert live(client, alias) == summary.new_index
    assert count(client, alias) == summary.indexed == summary.valid == summary.lines == 120
    settings = client.indices.get_settings(index=alias)[summary.new_index]["settings"]["index"]
    assert "refresh_interval" not in settings or settings["refresh_interval"] != "-1"


def test_given_a_gzipped_feed_then_it_is_read_like_plain_text(client: OpenSearch, alias: str, tmp_path: Path) -> None:
    summary = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "feed.jsonl.gz", 30)))

    assert summary.outcome == "swapped", summary.reason
    assert count(client, alias) == 30


def test_given_invalid_lines_then_each_is_reported_and_skipped(client: OpenSearch, alias: str, tmp_path: Path) -> None:
    lines: list[dict[str, Any] | str] = [record(n) for n in range(97)]
    lines[10] = record(10, id="Not An Id")
    lines[20] = "{not json"
    lines[30] = record(30, bookable_online=None)
    path = write_feed(tmp_path / "feed.jsonl", lines)

    summary = reindexer(client, alias).run(LocalFileSource(path))

    assert summary.outcome == "swapped", summary.reason
    assert (summary.lines, summary.valid, summary.invalid) == (97, 94, 3)
    assert count(client, alias) == 94
    reported = {(problem.line_number, problem.record_id) for problem in summary.invalid_samples}
    assert reported == {(11, "Not An Id"), (21, None), (31, "sp-000030")}
    reasons = " | ".join(problem.reason for problem in summary.invalid_samples)
    assert "id" in reasons
    assert "bookable_online" in reasons


def test_given_a_duplicate_id_then_the_later_line_is_reported_invalid(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    path = write_feed(tmp_path / "feed.jsonl", [*(record(n) for n in range(40)), record(5, last_name="Again")])

    summary = reindexer(client, alias).run(LocalFileSource(path))

    assert summary.outcome == "swapped", summary.reason
    assert (summary.valid, summary.invalid) == (40, 1)
    assert [(p.line_number, p.record_id) for p in summary.invalid_samples] == [(41, "sp-000005")]
    assert count(client, alias) == 40


def test_given_too_many_invalid_lines_then_the_run_aborts_and_the_alias_is_untouched(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    first = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "good.jsonl", 50)))
    lines: list[dict[str, Any] | str] = [record(n) for n in range(50)]
    for broken in range(0, 50, 10):  # 5 of 50: 10 %
        lines[broken] = "not json"

    summary = reindexer(client, alias).run(LocalFileSource(write_feed(tmp_path / "bad.jsonl", lines)))

    assert summary.outcome == "aborted"
    assert "5 of 50 lines are invalid" in (summary.reason or "")
    assert live(client, alias) == first.new_index
    assert count(client, alias) == 50
    assert builds(client, alias) == [first.new_index]  # the aborted build is gone


def test_given_a_truncated_feed_then_the_run_aborts_unless_forced(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    first = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "full.jsonl", 100)))
    truncated = LocalFileSource(feed(tmp_path / "short.jsonl", 79))

    aborted = reindexer(client, alias).run(truncated)

    assert aborted.outcome == "aborted"
    assert "more than 20% below the 100 in the live index" in (aborted.reason or "")
    assert live(client, alias) == first.new_index

    forced = reindexer(client, alias, force=True).run(truncated)

    assert forced.outcome == "swapped", forced.reason
    assert count(client, alias) == 79


def test_given_configured_thresholds_then_they_replace_the_defaults(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "full.jsonl", 100)))

    summary = reindexer(client, alias, max_drop_ratio=0.5).run(LocalFileSource(feed(tmp_path / "short.jsonl", 60)))

    assert summary.outcome == "swapped", summary.reason


def test_given_a_concrete_index_holds_the_alias_name_then_the_swap_replaces_it(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    client.indices.create(index=alias, body={"settings": {"number_of_replicas": 0}})
    client.index(index=alias, id="old", body={"name": "old"}, refresh="true")

    summary = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "feed.jsonl", 10)))

    assert summary.outcome == "swapped", summary.reason
    assert summary.old_index == alias
    assert live(client, alias) == summary.new_index
    assert count(client, alias) == 10


def test_given_a_dry_run_then_nothing_is_created(client: OpenSearch, alias: str, tmp_path: Path) -> None:
    summary = reindexer(client, alias, dry_run=True).run(LocalFileSource(feed(tmp_path / "feed.jsonl", 25)))

    assert summary.outcome == "dry-run", summary.reason
    assert (summary.lines, summary.valid, summary.indexed) == (25, 25, 0)
    assert builds(client, alias) == []
    assert not client.indices.exists_alias(name=alias)


def test_given_one_document_fails_then_the_run_fails_and_the_alias_is_untouched(
    client: OpenSearch, alias: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "good.jsonl", 20)))

    real = to_document

    def one_bad(specialist: Any) -> dict[str, Any]:
        document = real(specialist)
        if specialist.id == "sp-000007":
            document["not_in_the_mapping"] = 1  # the strict mapping rejects it
        return document

    monkeypatch.setattr("chalicelib.index_schema.to_document", one_bad)

    summary = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "again.jsonl", 20)))

    assert summary.outcome == "failed"
    assert "1 document(s) failed to index, first: sp-000007" in (summary.reason or "")
    assert live(client, alias) == first.new_index
    assert builds(client, alias) == [first.new_index]


def test_given_searches_run_during_a_reindex_then_none_errs_or_comes_back_empty(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "v1.jsonl", 2000)))
    stop = threading.Event()
    outcomes: list[int | str] = []
    searcher = OpenSearch(hosts=client.transport.hosts, timeout=30)

    def search_in_a_loop() -> None:
        while not stop.is_set():
            try:
                hits = searcher.search(index=alias, body={"query": {"match_all": {}}, "size": 10})["hits"]
                outcomes.append(len(hits["hits"]))
            except Exception as exc:  # noqa: BLE001 - recorded, then asserted on
                outcomes.append(repr(exc))

    thread = threading.Thread(target=search_in_a_loop)
    thread.start()
    try:
        summaries = [
            reindexer(client, alias).run(LocalFileSource(feed(tmp_path / f"v{n}.jsonl", 2000, start=n))) for n in (2, 3)
        ]
    finally:
        stop.set()
        thread.join()

    assert [s.outcome for s in summaries] == ["swapped", "swapped"]
    assert len(outcomes) > 20
    assert set(outcomes) == {10}


def test_given_two_builds_when_rolled_back_then_the_alias_returns_to_the_earlier(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    first = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "v1.jsonl", 30)))
    second = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "v2.jsonl", 35)))

    rolled = reindexer(client, alias).rollback()

    assert rolled.outcome == "rolled-back", rolled.reason
    assert (rolled.old_index, rolled.new_index) == (second.new_index, first.new_index)
    assert live(client, alias) == first.new_index
    assert count(client, alias) == 30


def test_given_nothing_earlier_then_rollback_aborts(client: OpenSearch, alias: str, tmp_path: Path) -> None:
    only = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "v1.jsonl", 5)))

    rolled = reindexer(client, alias).rollback()

    assert rolled.outcome == "aborted"
    assert live(client, alias) == only.new_index


def test_given_a_killed_build_and_old_builds_then_the_next_run_cleans_up(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    runs = [reindexer(client, alias, keep=2).run(LocalFileSource(feed(tmp_path / f"v{n}.jsonl", 10))) for n in range(3)]
    orphan = f"{alias}-20990101-000000-000000"  # a build whose run was killed: never marked complete
    client.indices.create(index=orphan, body=index_body())

    last = reindexer(client, alias, keep=2).run(LocalFileSource(feed(tmp_path / "v4.jsonl", 10)))

    assert last.outcome == "swapped", last.reason
    assert orphan in last.deleted
    assert runs[0].new_index in last.deleted
    assert builds(client, alias) == sorted(str(run.new_index) for run in (runs[1], runs[2], last))


def test_given_two_runs_at_once_then_only_one_swaps(client: OpenSearch, alias: str, tmp_path: Path) -> None:
    path = feed(tmp_path / "feed.jsonl", 300)
    second: list[Any] = []

    def start_another_run_midway(indexed: int) -> None:
        # The first run is loading and holds the lock: a second run starts now.
        if indexed == 100:
            second.append(reindexer(client, alias).run(LocalFileSource(path)))

    first = reindexer(client, alias).run(LocalFileSource(path), progress=start_another_run_midway)

    assert first.outcome == "swapped", first.reason
    assert second[0].outcome == "aborted"
    assert "another indexer run holds the lock" in (second[0].reason or "")
    assert builds(client, alias) == [first.new_index]


def test_given_an_expired_lock_then_the_next_run_takes_it_over(client: OpenSearch, alias: str, tmp_path: Path) -> None:
    crashed = IndexerLock(client, alias, ttl_s=-1)  # a run that died holding a lock now expired
    crashed.acquire()

    summary = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "feed.jsonl", 5)))

    assert summary.outcome == "swapped", summary.reason
    assert client.count(index=lock_index_name(alias))["count"] == 0  # released after the run


# ----------------------------------------------------------------- routing you can trust


ALLOWED = ("hospitals.example",)


def test_given_an_address_outside_the_allowed_domains_then_its_line_is_reported_and_the_others_load(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    lines: list[dict[str, Any] | str] = [record(n) for n in range(40)]
    lines[7] = record(7, hospitals=[hospital("bmi-hendon", "enquiries.hendon@hospitals.example.attacker.example")])
    lines[8] = record(8, hospitals=[hospital("kent", "enquiries.kent@mail.hospitals.example")])  # a subdomain
    path = write_feed(tmp_path / "feed.jsonl", lines)

    summary = reindexer(client, alias, enquiry_email_domains=ALLOWED).run(LocalFileSource(path))

    assert summary.outcome == "swapped", summary.reason
    assert (summary.lines, summary.valid, summary.invalid) == (40, 39, 1)
    assert [(p.line_number, p.record_id, p.reason) for p in summary.invalid_samples] == [
        (8, "sp-000007", "hospitals.0.enquiries_email: domain not allowed for enquiries (hospital bmi-hendon)")
    ]
    assert count(client, alias) == 39
    assert not client.exists(index=alias, id="sp-000007")
    assert summary.as_dict()["invalid_samples"] == [p.as_dict() for p in summary.invalid_samples]


def test_given_many_addresses_outside_the_list_then_the_invalid_lines_guard_aborts(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    lines = [record(n, hospitals=[hospital(f"h{n}", f"e{n}@evil.example")]) if n < 5 else record(n) for n in range(50)]

    summary = reindexer(client, alias, enquiry_email_domains=ALLOWED).run(
        LocalFileSource(write_feed(tmp_path / "feed.jsonl", lines))
    )

    assert summary.outcome == "aborted"
    assert "5 of 50 lines are invalid" in (summary.reason or "")
    assert not client.indices.exists_alias(name=alias)


def test_given_a_hospitals_address_changed_since_the_last_run_then_the_second_summary_lists_it(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    def catalog(name: str, hendon: str) -> LocalFileSource:
        lines = [
            record(n, hospitals=[hospital("bmi-hendon", hendon), hospital("kent", "enquiries.kent@hospitals.example")])
            for n in range(30)
        ]
        return LocalFileSource(write_feed(tmp_path / name, lines))

    first = reindexer(client, alias, enquiry_email_domains=ALLOWED).run(
        catalog("first.jsonl", "enquiries.hendon@hospitals.example")
    )
    assert first.outcome == "swapped", first.reason
    assert first.address_changes == []

    moved = catalog("second.jsonl", "team.hendon@mail.hospitals.example")
    dry = reindexer(client, alias, enquiry_email_domains=ALLOWED, dry_run=True).run(moved)
    second = reindexer(client, alias, enquiry_email_domains=ALLOWED).run(moved)

    assert second.outcome == "swapped", second.reason
    expected = [
        {
            "hospital": "bmi-hendon",
            "old": "enquiries.hendon@hospitals.example",
            "new": "team.hendon@mail.hospitals.example",
        }
    ]
    assert dry.as_dict()["hospital_address_changes"] == expected  # a dry run shows it before anything moves
    assert second.as_dict()["hospital_address_changes"] == expected
    assert "1 hospitals changed: bmi-hendon" in second.as_text()

    third = reindexer(client, alias, enquiry_email_domains=ALLOWED).run(moved)

    assert third.address_changes == []  # compared with the live index, which now has the new address


def test_given_lines_disagreeing_on_a_hospitals_address_then_the_first_lines_stays_and_the_others_are_reported(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    lines = [record(n) for n in range(40)]
    lines[12] = record(12, hospitals=[hospital("bmi-hendon", "someone.else@hospitals.example")])
    path = write_feed(tmp_path / "feed.jsonl", lines)

    summary = reindexer(client, alias, enquiry_email_domains=ALLOWED).run(LocalFileSource(path))

    assert summary.outcome == "swapped", summary.reason
    assert (summary.valid, summary.invalid) == (39, 1)
    assert summary.invalid_samples[0].line_number == 13
    assert "differs from the address line 1 gave hospital bmi-hendon" in summary.invalid_samples[0].reason
    assert summary.address_conflicts == {"bmi-hendon": 1}


# ----------------------------------------------------------------- patient safety and data quality


def registered(status: str) -> dict[str, Any]:
    return {"status": status, "verified_at": "2026-11-01T09:00:00Z"}


def not_registered(number: int, status: str = "erased") -> dict[str, Any]:
    return record(number, gmc_number=f"{4_000_000 + number}", registration=registered(status))


class CountingSource(LocalFileSource):
    """A feed that counts how often the run opens it."""

    opened = 0

    def open_lines(self) -> Any:
        self.opened += 1
        return super().open_lines()


def test_given_specialists_not_registered_then_they_are_left_out_and_counted_not_invalid(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    lines = [record(n) for n in range(40)]
    lines[3] = not_registered(3, "licence_suspended")
    lines[17] = not_registered(17, "erased")
    lines[20] = record(20, gmc_number="4000020", registration=registered("registered"))
    path = write_feed(tmp_path / "feed.jsonl", lines)

    summary = reindexer(client, alias).run(LocalFileSource(path))

    assert summary.outcome == "swapped", summary.reason
    assert (summary.lines, summary.valid, summary.invalid, summary.indexed) == (40, 40, 0, 38)
    assert (summary.not_registered, summary.not_registered_ids) == (2, ["sp-000003", "sp-000017"])
    assert count(client, alias) == 38
    assert not client.exists(index=alias, id="sp-000003")
    assert not client.exists(index=alias, id="sp-000017")
    assert client.exists(index=alias, id="sp-000020")
    figures = summary.as_dict()
    assert (figures["not_registered"], figures["not_registered_ids"]) == (2, ["sp-000003", "sp-000017"])
    assert "left out  2 not registered: sp-000003, sp-000017" in summary.as_text()


def test_given_many_not_registered_then_the_invalid_lines_guard_is_not_tripped(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    lines = [not_registered(n) if n < 10 else record(n) for n in range(50)]  # 20 %, four times the 5 % limit

    summary = reindexer(client, alias).run(LocalFileSource(write_feed(tmp_path / "feed.jsonl", lines)))

    assert summary.outcome == "swapped", summary.reason
    assert (summary.invalid, summary.not_registered, count(client, alias)) == (0, 10, 40)


def test_given_a_feed_that_suddenly_leaves_out_many_then_the_drop_guard_aborts_unless_forced(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    first = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "full.jsonl", 100)))
    erased = LocalFileSource(
        write_feed(tmp_path / "erased.jsonl", [not_registered(n) if n < 30 else record(n) for n in range(100)])
    )

    aborted = reindexer(client, alias).run(erased)

    assert aborted.outcome == "aborted"
    assert (aborted.reason or "").startswith(
        "the feed has 70 valid specialists to list (30 more not registered), more than 20% below the 100"
    )
    assert live(client, alias) == first.new_index
    forced = reindexer(client, alias, force=True).run(erased)
    assert (forced.outcome, count(client, alias)) == ("swapped", 70)


def test_given_a_run_then_its_summary_carries_the_quality_report_from_the_one_read_of_the_feed(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    lines = [record(n, gmc_number=f"{4_000_000 + n}") for n in range(20)]
    lines[5] = not_registered(5)
    lines[9] = record(9, gmc_number="4000001")  # sp-000001's number
    lines[12] = record(12)  # no number
    source = CountingSource(write_feed(tmp_path / "feed.jsonl", lines))

    summary = reindexer(client, alias).run(source)

    assert summary.outcome == "swapped", summary.reason
    assert source.opened == 1
    assert summary.quality is not None
    report = summary.as_dict()["quality"]
    assert isinstance(report, dict)
    assert (report["lines"], report["specialists"]) == (20, 20)  # shares of every valid line, left out or not
    problems = report["problems"]
    assert problems["not_registered"]["ids"] == ["sp-000005"]
    assert problems["duplicate_gmc_number"]["ids"] == ["4000001: sp-000009"]
    assert problems["missing_gmc_number"]["ids"] == ["sp-000012"]
    assert report["shares"]["gmc_number"] == 0.95
    assert "quality  not_registered 1, missing_gmc_number 1, duplicate_gmc_number 1" in summary.as_text()


def test_given_a_share_below_its_minimum_then_the_run_aborts_naming_it_and_the_alias_is_untouched(
    client: OpenSearch, alias: str, tmp_path: Path
) -> None:
    first = reindexer(client, alias).run(LocalFileSource(feed(tmp_path / "v1.jsonl", 20)))
    lines = [record(n, gmc_number=f"{4_000_000 + n}") if n < 15 else record(n) for n in range(20)]
    path = write_feed(tmp_path / "v2.jsonl", lines)
    minimums = (("gmc_number", 0.9), ("bio", 0.0))

    dry = reindexer(client, alias, dry_run=True, min_shares=minimums).run(LocalFileSource(path))
    aborted = reindexer(client, alias, min_shares=minimums).run(LocalFileSource(path))
    passed = reindexer(client, alias, min_shares=(("gmc_number", 0.75),)).run(LocalFileSource(path))

    expected = "shares of the feed's specialists below their minimum: gmc_number 75.0% < 90.0%"
    assert (dry.outcome, dry.reason) == ("aborted", expected)
    assert (aborted.outcome, aborted.reason) == ("aborted", expected)
    assert aborted.quality is not None  # the report says what fell short
    assert builds(client, alias) == [first.new_index, passed.new_index]
    assert passed.outcome == "swapped", passed.reason
