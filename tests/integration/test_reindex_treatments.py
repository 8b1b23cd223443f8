"""The treatments' content feed through the same blue/green reindex, into its own alias,
against the real OpenSearch node: the same guards as the specialists catalog."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import requests
from opensearchpy import OpenSearch

from chalicelib.adapters.file_catalog_source import LocalFileSource
from chalicelib.treatments.index_schema import SLUG
from indexer import demo_treatments
from indexer.feeds import TREATMENTS
from indexer.naming import is_build_of, lock_index_name
from indexer.reindex import Options, Reindexer
from tests.feeds import feed, run_indexer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(opensearch_url: str) -> OpenSearch:
    return OpenSearch(hosts=[opensearch_url], timeout=30)


@pytest.fixture
def alias(client: OpenSearch, request: pytest.FixtureRequest) -> Iterator[str]:
    """A treatments alias of the test's own, and every index it made removed afterwards."""
    name = "tt-" + request.node.name.lower().replace("_", "-")[:60].strip("-")
    yield name
    client.indices.delete(index=f"{name}*", ignore=[404], expand_wildcards="all")


@pytest.fixture(scope="module")
def demo() -> list[dict[str, Any]]:
    """The demo treatments' content, one record a line, as the feed holds it."""
    records = [json.loads(line) for line in demo_treatments.lines() if line.strip()]
    assert len(records) >= 10
    return records


def write(path: Path, lines: Sequence[dict[str, Any] | str]) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def treatments(client: OpenSearch, alias: str, **options: Any) -> Reindexer:
    return Reindexer(client, alias, Options(**options), feed=TREATMENTS)


def live(client: OpenSearch, alias: str) -> str:
    names = [str(name) for name in client.indices.get_alias(name=alias)]
    assert len(names) == 1
    return names[0]


def builds(client: OpenSearch, alias: str) -> list[str]:
    return sorted(name for name in client.indices.get(index=f"{alias}*") if is_build_of(alias, name))


def count(client: OpenSearch, alias: str) -> int:
    return int(client.count(index=alias)["count"])


def test_given_the_demo_feed_then_its_own_alias_serves_every_treatment_and_the_specialists_are_untouched(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    specialists = f"{alias}-specialists"
    first = Reindexer(client, specialists, Options()).run(LocalFileSource(feed(tmp_path / "catalog.jsonl", 30)))
    assert first.outcome == "swapped", first.reason
    demo_feed = tmp_path / "treatments.jsonl"
    assert demo_treatments.write(demo_feed) == len(demo)

    summary = treatments(client, alias).run(LocalFileSource(demo_feed))

    assert summary.outcome == "swapped", summary.reason
    assert summary.feed == summary.as_dict()["feed"] == "treatments"
    assert (summary.lines, summary.valid, summary.invalid, summary.indexed) == (len(demo), len(demo), 0, len(demo))
    assert live(client, alias) == summary.new_index
    assert summary.new_index is not None
    assert is_build_of(alias, summary.new_index)
    assert count(client, alias) == len(demo)
    # Each document is keyed by its slug, in the treatments' own strict mapping.
    slug = demo[0][SLUG]
    assert client.get(index=alias, id=slug)["_source"][SLUG] == slug
    mapping = client.indices.get_mapping(index=summary.new_index)[summary.new_index]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"][SLUG] == {"type": "keyword"}
    assert mapping["_meta"]["complete"] is True
    # The lock was the treatments' own, and is released.
    assert client.count(index=lock_index_name(alias))["count"] == 0
    # The specialists' alias still serves the same index and documents.
    assert live(client, specialists) == first.new_index
    assert count(client, specialists) == 30


def test_given_a_second_run_then_a_new_index_takes_the_alias_and_builds_are_kept_per_keep(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    path = write(tmp_path / "treatments.jsonl", list(demo))
    runs = [treatments(client, alias, keep=1).run(LocalFileSource(path)) for _ in range(3)]

    assert [run.outcome for run in runs] == ["swapped"] * 3, [run.reason for run in runs]
    assert len({run.new_index for run in runs}) == 3
    assert (runs[1].old_index, runs[2].old_index) == (runs[0].new_index, runs[1].new_index)
    assert live(client, alias) == runs[2].new_index
    # keep=1: the live build and one complete build before it; the oldest is pruned.
    assert runs[2].deleted == [runs[0].new_index]
    assert builds(client, alias) == sorted(str(run.new_index) for run in runs[1:])


def test_given_invalid_lines_then_each_is_reported_with_its_line_and_reason_and_skipped(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    html = json.loads(json.dumps(demo[1]))
    html["sections"][0]["body"] = "Before you go <script>alert(1)</script> home."
    wrong_slug = {**demo[2], SLUG: "not-" + demo[2][SLUG]}
    lines: list[dict[str, Any] | str] = [demo[0], html, wrong_slug, "{not json", *demo[3:]]
    path = write(tmp_path / "treatments.jsonl", lines)

    summary = treatments(client, alias, max_invalid_ratio=0.5).run(LocalFileSource(path))

    assert summary.outcome == "swapped", summary.reason
    assert (summary.lines, summary.valid, summary.invalid) == (len(demo) + 1, len(demo) - 2, 3), summary.invalid_samples
    reported = {problem.line_number: problem for problem in summary.invalid_samples}
    assert sorted(reported) == [2, 3, 4]
    assert (reported[2].record_id, reported[3].record_id, reported[4].record_id) == (
        demo[1][SLUG],
        "not-" + demo[2][SLUG],
        None,
    )
    assert reported[2].reason.startswith("sections.0.body"), reported[2].reason
    assert "slug" in reported[3].reason, reported[3].reason
    assert count(client, alias) == len(demo) - 2
    assert not client.exists(index=alias, id=demo[1][SLUG])
    assert not client.exists(index=alias, id=demo[2][SLUG])
    assert client.exists(index=alias, id=demo[3][SLUG])
    text = summary.as_text()
    assert "feed  treatments" in text
    assert f"line 3 (id not-{demo[2][SLUG]}): " in text


def test_given_a_slug_twice_then_the_later_line_is_reported_invalid(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    path = write(tmp_path / "treatments.jsonl", [*demo, demo[0]])

    summary = treatments(client, alias, max_invalid_ratio=0.5).run(LocalFileSource(path))

    assert summary.outcome == "swapped", summary.reason
    assert [(p.line_number, p.record_id) for p in summary.invalid_samples] == [(len(demo) + 1, demo[0][SLUG])]
    assert count(client, alias) == len(demo)


def test_given_too_many_invalid_lines_then_the_run_aborts_and_the_alias_is_untouched(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    first = treatments(client, alias).run(LocalFileSource(write(tmp_path / "good.jsonl", list(demo))))
    assert first.outcome == "swapped", first.reason
    lines: list[dict[str, Any] | str] = list(demo)
    lines[0] = lines[1] = "not json"  # 2 of at least 10: over 5 %

    summary = treatments(client, alias).run(LocalFileSource(write(tmp_path / "bad.jsonl", lines)))

    assert summary.outcome == "aborted"
    assert f"2 of {len(demo)} lines are invalid" in (summary.reason or "")
    assert live(client, alias) == first.new_index
    assert count(client, alias) == len(demo)
    assert builds(client, alias) == [first.new_index]  # the aborted build is gone


def test_given_a_truncated_feed_then_the_run_aborts_unless_forced(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    first = treatments(client, alias).run(LocalFileSource(write(tmp_path / "full.jsonl", list(demo))))
    half = len(demo) // 2
    truncated = LocalFileSource(write(tmp_path / "short.jsonl", demo[:half]))

    aborted = treatments(client, alias).run(truncated)

    assert aborted.outcome == "aborted"
    assert f"the feed has {half} valid treatments, more than 20% below the {len(demo)} in the live index" in (
        aborted.reason or ""
    )
    assert live(client, alias) == first.new_index
    assert builds(client, alias) == [first.new_index]

    forced = treatments(client, alias, force=True).run(truncated)

    assert forced.outcome == "swapped", forced.reason
    assert count(client, alias) == half


def test_given_a_dry_run_then_the_guards_are_checked_and_nothing_is_created(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    summary = treatments(client, alias, dry_run=True).run(LocalFileSource(write(tmp_path / "t.jsonl", list(demo))))

    assert summary.outcome == "dry-run", summary.reason
    assert (summary.valid, summary.indexed) == (len(demo), 0)
    assert builds(client, alias) == []
    assert not client.indices.exists_alias(name=alias)


def test_given_two_builds_when_rolled_back_then_the_alias_returns_to_the_earlier(
    client: OpenSearch, alias: str, tmp_path: Path, demo: list[dict[str, Any]]
) -> None:
    first = treatments(client, alias).run(LocalFileSource(write(tmp_path / "v1.jsonl", demo[:-1])))
    second = treatments(client, alias).run(LocalFileSource(write(tmp_path / "v2.jsonl", list(demo))))

    rolled = treatments(client, alias).rollback()

    assert rolled.outcome == "rolled-back", rolled.reason
    assert rolled.feed == "treatments"
    assert (rolled.old_index, rolled.new_index) == (second.new_index, first.new_index)
    assert live(client, alias) == first.new_index
    assert count(client, alias) == len(demo) - 1


# ---------------------------------------------------------------------------- the command line


@pytest.fixture
def cli_env(opensearch_url: str) -> Iterator[dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if key != "STAGE"}
    env.update(OPENSEARCH_URL=opensearch_url, SEARCH_ALIAS="cli-t-specialists", TREATMENTS_ALIAS="cli-treatments")
    yield env
    for alias in ("cli-treatments", "cli-t-specialists"):
        requests.delete(f"{opensearch_url}/{alias}*", timeout=30)


def test_given_feed_treatments_then_the_command_line_loads_the_treatments_alias(
    cli_env: dict[str, str], tmp_path: Path, opensearch_url: str
) -> None:
    path = tmp_path / "treatments.jsonl"
    written = demo_treatments.write(path)

    result = run_indexer(cli_env, "--feed", "treatments", "--source", str(path), "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert (summary["outcome"], summary["feed"], summary["alias"]) == ("swapped", "treatments", "cli-treatments")
    assert (summary["valid"], summary["indexed"]) == (written, written)
    assert summary["new_index"].startswith("cli-treatments-")
    assert requests.get(f"{opensearch_url}/cli-treatments/_count", timeout=5).json()["count"] == written
    assert requests.head(f"{opensearch_url}/cli-t-specialists", timeout=5).status_code == 404

    again = run_indexer(cli_env, "--feed", "treatments", "--source", str(path), "--dry-run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "feed  treatments" in again.stdout
    assert "dry-run" in again.stdout

    rolled = run_indexer(cli_env, "--feed", "treatments", "--rollback", "--json")
    assert rolled.returncode == 1  # one build only: nothing earlier to go back to
    assert json.loads(rolled.stdout)["reason"] == "there is no earlier complete index to roll back to"


def test_given_an_unknown_feed_then_the_command_line_exits_2_naming_the_choices(cli_env: dict[str, str]) -> None:
    result = run_indexer(cli_env, "--feed", "nonsense", "--source", "whatever.jsonl")

    assert result.returncode == 2
    assert "--feed: invalid choice: 'nonsense'" in result.stderr
    assert "{specialists,treatments,availability}" in result.stderr
