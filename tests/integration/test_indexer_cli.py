"""``python -m indexer`` against the real node, as an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devstack.stack import PROJECT_DIR
from tests.feeds import feed, run_indexer

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_env(opensearch_url: str) -> Iterator[dict[str, str]]:
    env = {key: value for key, value in os.environ.items() if key != "STAGE"}
    env.update(OPENSEARCH_URL=opensearch_url, SEARCH_ALIAS="cli-specialists")
    yield env
    requests.delete(f"{opensearch_url}/cli-specialists*", timeout=30)


def test_given_a_feed_when_run_with_json_then_it_swaps_and_prints_the_summary(
    cli_env: dict[str, str], tmp_path: Path, opensearch_url: str
) -> None:
    result = run_indexer(cli_env, "--source", str(feed(tmp_path / "feed.jsonl.gz", 40)), "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["outcome"] == "swapped"
    assert (summary["lines"], summary["valid"], summary["invalid"], summary["indexed"]) == (40, 40, 0, 40)
    assert summary["new_index"].startswith("cli-specialists-")
    assert requests.get(f"{opensearch_url}/cli-specialists/_count", timeout=5).json()["count"] == 40


def test_given_a_json_run_then_the_summary_gives_the_indexers_own_peak_memory(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_indexer(cli_env, "--source", str(feed(tmp_path / "feed.jsonl.gz", 40)), "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    peak = json.loads(result.stdout)["peak_rss_mib"]
    assert isinstance(peak, float)
    assert 10 < peak < 1024  # MiB: a Python process with its imports, far from a gibibyte


def test_given_a_parent_that_peaked_high_then_the_peak_memory_is_the_indexers_own(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    # Linux carries the parent's high-water mark across fork and exec into ru_maxrss; the
    # summary's figure must be the indexer's own (VmHWM), not the 512 MiB its parent touched.
    source = str(feed(tmp_path / "feed.jsonl.gz", 40))
    launcher = (
        "import subprocess, sys\n"
        "ballast = b'\\x01' * (512 * 2**20)\n"
        "sys.exit(subprocess.run([sys.executable, '-m', 'indexer', *sys.argv[1:]]).returncode)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", launcher, "--source", source, "--json"],
        cwd=PROJECT_DIR,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert 10 < json.loads(result.stdout)["peak_rss_mib"] < 256


def test_given_a_dry_run_then_the_text_summary_says_so_and_nothing_changes(
    cli_env: dict[str, str], tmp_path: Path, opensearch_url: str
) -> None:
    result = run_indexer(cli_env, "--source", str(feed(tmp_path / "feed.jsonl", 5)), "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "outcome  dry-run" in result.stdout
    assert "lines  5 (5 valid, 0 invalid)" in result.stdout
    assert requests.head(f"{opensearch_url}/cli-specialists", timeout=5).status_code == 404


def test_given_a_missing_feed_then_the_exit_status_is_non_zero(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_indexer(cli_env, "--source", str(tmp_path / "missing.jsonl"), "--json")

    assert result.returncode == 1
    assert json.loads(result.stdout)["outcome"] == "failed"
    assert "cannot open" in json.loads(result.stdout)["reason"]


def test_given_nothing_to_roll_back_to_then_the_exit_status_is_non_zero(cli_env: dict[str, str]) -> None:
    result = run_indexer(cli_env, "--rollback")

    assert result.returncode == 1
    assert "no earlier complete index" in result.stdout


def test_given_no_opensearch_url_then_one_line_names_it(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = {key: value for key, value in cli_env.items() if key != "OPENSEARCH_URL"}

    result = run_indexer(env, "--source", str(tmp_path / "feed.jsonl"))

    assert result.returncode == 2
    assert result.stderr.strip() == "Configuration error: OPENSEARCH_URL is not set"


def test_given_enquiry_domains_then_a_line_outside_them_is_invalid_and_a_changed_address_is_shown(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    from tests.feeds import record, write_feed

    env = {**cli_env, "ENQUIRY_EMAIL_DOMAINS": "hospitals.example"}

    def hospitals(email: str) -> list[dict[str, object]]:
        return [
            {
                "id": "bmi-hendon",
                "name": "Hendon",
                "postcode": "NW4 1RP",
                "lat": 51.5,
                "lon": -0.2,
                "enquiries_email": email,
            }
        ]

    first = run_indexer(env, "--source", str(feed(tmp_path / "first.jsonl", 20)), "--json")
    lines = [record(n, hospitals=hospitals("team.hendon@hospitals.example")) for n in range(20)]
    lines[3] = record(3, hospitals=hospitals("enquiries@evilhospitals.example"))
    second = run_indexer(env, "--source", str(write_feed(tmp_path / "second.jsonl", lines)))

    assert first.returncode == 0, first.stdout + first.stderr
    assert json.loads(first.stdout)["hospital_address_changes"] == []
    assert second.returncode == 0, second.stdout + second.stderr
    assert "invalid  line 4 (id sp-000003): hospitals.0.enquiries_email: domain not allowed" in second.stdout
    assert "evilhospitals" not in second.stdout
    assert " addresses  1 hospitals changed: bmi-hendon" in second.stdout
    assert "changed  hospital bmi-hendon: enquiries.hendon@hospitals.example -> team.hendon@hospitals.example" in (
        second.stdout
    )


def test_given_a_quality_dir_then_the_run_writes_its_report_there_named_after_the_run(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    from tests.feeds import record, write_feed

    lines = [record(n) for n in range(10)]
    lines[4] = record(4, gmc_number="4000004", registration={"status": "erased", "verified_at": "2026-11-01T09:00:00Z"})
    source = write_feed(tmp_path / "feed.jsonl", lines)

    result = run_indexer(cli_env, "--source", str(source), "--json", "--quality-dir", str(tmp_path / "quality"))

    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["run_id"] == summary["new_index"]
    assert (summary["indexed"], summary["not_registered"], summary["not_registered_ids"]) == (9, 1, ["sp-000004"])
    assert summary["quality"]["problems"]["not_registered"]["ids"] == ["sp-000004"]
    written = [tmp_path / "quality" / f"{summary['run_id']}.{suffix}" for suffix in ("md", "html")]
    assert summary["quality_files"] == [str(path) for path in written]
    assert "| **not_registered**: " in written[0].read_text(encoding="utf-8")
    assert "<code>sp-000004</code>" in written[1].read_text(encoding="utf-8")


def test_given_a_share_below_its_minimum_then_the_run_fails_naming_it_and_nothing_is_swapped(
    cli_env: dict[str, str], tmp_path: Path, opensearch_url: str
) -> None:
    result = run_indexer(cli_env, "--source", str(feed(tmp_path / "feed.jsonl", 10)), "--min-share", "gmc_number=0.5")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "outcome  aborted: shares of the feed's specialists below their minimum: gmc_number 0.0% < 50.0%" in (
        result.stdout
    )
    assert requests.head(f"{opensearch_url}/cli-specialists", timeout=5).status_code == 404
