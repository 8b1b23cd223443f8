"""The stage config file: what it accepts and what it refuses (no synth needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from infra.settings import STAGES_FILE, load_config


def _with(tmp_path: Path, change: dict[str, Any]) -> Path:
    """The real stage file with the dev stage's sections changed."""
    config = json.loads(STAGES_FILE.read_text(encoding="utf-8"))
    for section, values in change.items():
        config["stages"]["dev"][section] = {**config["stages"]["dev"][section], **values}
    path = tmp_path / "stages.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def test_the_stage_file_describes_dev_and_prod() -> None:
    config = load_config()
    assert set(config.stages) == {"dev", "prod"}
    assert config.stages["prod"].retain_data
    assert not config.stages["dev"].retain_data


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"api": {"cors_allowed_origins": ["https://www.example.com/search"]}}, "is not an origin"),
        ({"api": {"thottle_burst": 5}}, "thottle_burst"),
        ({"api": {"events_throttle_rate_per_second": 20}}, "events_throttle_rate_per_second must be lower than"),
        ({"api": {"events_throttle_burst": 41}}, "events_throttle_burst must be lower than throttle_burst"),
        ({"api": {"events_throttle_burst": 0}}, "events_throttle_burst\n  Input should be greater than or equal to 1"),
        ({"indexer": {"feed_key": "elsewhere/catalog.jsonl.gz"}}, "feed_key must be under feed_prefix"),
        ({"indexer": {"treatments_feed_key": "catalog/t.jsonl"}}, "treatments_feed_key must be an object under"),
        (
            {"indexer": {"feed_prefix": "treatments/c/", "feed_key": "treatments/c/c.jsonl"}},
            "feed_prefix must not be under treatments/",
        ),
        (
            {"indexer": {"feed_prefix": "availability/c/", "feed_key": "availability/c/c.jsonl"}},
            "feed_prefix must not be under availability/",
        ),
        (
            {"indexer": {"feed_prefix": "quality/", "feed_key": "quality/c.jsonl"}},
            "feed_prefix must not be under quality/",
        ),
        ({"indexer": {"quality_min_shares": {"gmc": 0.9}}}, "quality_min_shares names fields the report does not"),
        ({"indexer": {"quality_min_shares": {"gmc_number": 1.5}}}, "quality_min_shares.gmc_number"),
        ({"search": {"data_nodes": 2, "availability_zones": 3}}, "multiple of availability_zones"),
        ({"mail": {"sender": "no-reply@other.example"}}, "sender must be the identity"),
        ({"api": {"enquiry_link_page": "http://dev.find-a-specialist.example/l"}}, "must be an https URL"),
        ({"api": {"enquiry_link_page": "https://dev.find-a-specialist.example/l?x=1"}}, "without query"),
        ({"api": {"enquiry_link_page": "https://elsewhere.example/l"}}, "on one of cors_allowed_origins"),
        ({"indexer": {"enquiry_email_domains": []}}, "enquiry_email_domains\n  Tuple should have at least 1 item"),
        (
            {"indexer": {"enquiry_email_domains": ["Hospitals.example"]}},
            "enquiry_email_domains.0\n  String should match",
        ),
        ({"indexer": {"enquiry_email_domains": ["example"]}}, "enquiry_email_domains.0\n  String should match"),
        ({"indexer": {"enquiry_email_domains": ["*.hospitals.example"]}}, "enquiry_email_domains.0"),
        ({"indexer": {"enquiry_email_domains": ["@hospitals.example"]}}, "enquiry_email_domains.0"),
        ({"indexer": {"enquiry_email_domains": "hospitals.example"}}, "enquiry_email_domains"),
    ],
)
def test_a_bad_stage_file_stops_the_synth_naming_the_problem(
    tmp_path: Path, change: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        load_config(_with(tmp_path, change))
