"""The stage config file (``infra/stages.json``) read into checked, typed objects.

One file describes every stage, so a reviewer sees dev and prod side by side; a
typo or a missing key stops the synth with pydantic's message naming the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

STAGES_FILE = Path(__file__).with_name("stages.json")

StageName = Literal["dev", "prod"]
# A feed under this prefix of the feed bucket is the treatments' content; any other key is the
# catalog. The indexer's handler decides the same way (``indexer.handler.TREATMENTS_PREFIX``).
TREATMENTS_FEED_PREFIX = "treatments/"
# The availability feed (indexer.handler.AVAILABILITY_PREFIX), applied to the live index.
AVAILABILITY_FEED_PREFIX = "availability/"
# Where the indexer writes each catalog run's data-quality report (indexer.quality_report.PREFIX).
QUALITY_PREFIX = "quality/"
# The bucket's prefixes that are not the catalog: the catalog's own prefix may be under none.
RESERVED_PREFIXES = (TREATMENTS_FEED_PREFIX, AVAILABILITY_FEED_PREFIX, QUALITY_PREFIX)
# The retention periods the stage file may choose (a subset of CloudWatch's).
LogRetentionDays = Literal[7, 14, 30, 60, 90, 180, 365]
Ratio = Annotated[float, Field(gt=0, le=1)]
# A domain name as ``chalicelib.config`` reads ENQUIRY_EMAIL_DOMAINS: lower case, with a dot.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
EnquiryDomain = Annotated[str, Field(pattern=rf"^(?:{_LABEL}\.)+{_LABEL}$", min_length=4, max_length=253)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SearchConfig(_Strict):
    # An explicit name lets the domain's access policy name the domain without referring
    # to itself (a reference to its own ARN would be a circular dependency).
    domain_name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,27}$")]
    data_node_type: str
    data_nodes: Annotated[int, Field(ge=1, le=20)]
    availability_zones: Literal[1, 2, 3]
    # None: no dedicated manager nodes (a single-node dev domain does not need them).
    manager_node_type: str | None
    volume_gb: Annotated[int, Field(ge=10, le=1024)]
    free_storage_alarm_mb: Annotated[int, Field(ge=256)]
    index_replicas: Annotated[int, Field(ge=0, le=5)]

    @model_validator(mode="after")
    def _nodes_fill_zones(self) -> SearchConfig:
        if self.data_nodes % self.availability_zones:
            raise ValueError("data_nodes must be a multiple of availability_zones")
        if self.index_replicas >= self.data_nodes:
            raise ValueError("index_replicas must be fewer than data_nodes (a replica needs another node)")
        return self


class ApiConfig(_Strict):
    # Lambda gives CPU in proportion to memory: more memory, faster cold starts.
    memory_mb: Annotated[int, Field(ge=128, le=10240)]
    cors_allowed_origins: Annotated[tuple[HttpUrl, ...], Field(min_length=1)]
    throttle_rate_per_second: Annotated[int, Field(ge=1)]
    throttle_burst: Annotated[int, Field(ge=1)]
    # POST /events (the click beacons, sent without a preflight) has limits of its own, lower
    # than the stage's: a flood of beacons is refused at the gateway before it costs an
    # invocation (the api also limits each client IP per hour, EVENTS_RATE_PER_HOUR).
    events_throttle_rate_per_second: Annotated[int, Field(ge=1)]
    events_throttle_burst: Annotated[int, Field(ge=1)]
    # None: no WAF web ACL; otherwise the requests one client IP may make in 5 minutes.
    waf_requests_per_5_minutes: Annotated[int, Field(ge=10)] | None
    p99_latency_alarm_ms: Annotated[int, Field(ge=100)]
    error_rate_alarm: Ratio
    place_index: str
    # The public site's page that the hospital team's acknowledge and outcome links open
    # (``ENQUIRY_LINK_BASE_URL``): https, without query or fragment (the links add theirs),
    # on one of the origins above, as it calls the API from the browser.
    enquiry_link_page: str
    # API Gateway's CloudWatch role is one setting per account and region: leave it to
    # the stack that owns it when several stacks share an account.
    manage_api_gateway_logging_role: bool

    @model_validator(mode="after")
    def _origins_only(self) -> ApiConfig:
        for origin in self.cors_allowed_origins:
            if origin.path not in (None, "/") or origin.query or origin.fragment or origin.username:
                raise ValueError(f"{origin} is not an origin: scheme, host and port only")
        page = urlsplit(self.enquiry_link_page)
        if page.scheme != "https" or not page.hostname or page.query or page.fragment or page.username:
            raise ValueError("enquiry_link_page must be an https URL of a page, without query or fragment")
        if f"{page.scheme}://{page.netloc.lower()}" not in self.origins:
            raise ValueError("enquiry_link_page must be on one of cors_allowed_origins (it calls the API)")
        return self

    @model_validator(mode="after")
    def _events_below_the_stage(self) -> ApiConfig:
        if self.events_throttle_rate_per_second >= self.throttle_rate_per_second:
            raise ValueError("events_throttle_rate_per_second must be lower than throttle_rate_per_second")
        if self.events_throttle_burst >= self.throttle_burst:
            raise ValueError("events_throttle_burst must be lower than throttle_burst")
        return self

    @property
    def origins(self) -> tuple[str, ...]:
        """Scheme, host and port, as a browser sends them in ``Origin`` (no trailing slash)."""
        return tuple(str(origin).rstrip("/") for origin in self.cors_allowed_origins)


class MailConfig(_Strict):
    identity: str  # a domain (recommended: DKIM-signed) or one address
    sender: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]
    fallback_team_email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]
    bounce_rate_alarm: Ratio
    complaint_rate_alarm: Ratio

    @model_validator(mode="after")
    def _sender_is_verified(self) -> MailConfig:
        if self.sender != self.identity and self.sender.rsplit("@", 1)[1] != self.identity:
            raise ValueError("sender must be the identity or an address at the identity's domain")
        return self


class NotifyConfig(_Strict):
    batch_size: Annotated[int, Field(ge=1, le=100)]
    retry_attempts: Annotated[int, Field(ge=0, le=100)]
    max_record_age_hours: Annotated[int, Field(ge=1, le=168)]


class IndexerConfig(_Strict):
    schedule: Annotated[str, Field(pattern=r"^(cron|rate)\(.+\)$")]
    feed_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9!_.*'()/-]+/$")]
    feed_key: str
    # The treatments' content feed a scheduled run reads (``TREATMENTS_CATALOG_URI``).
    treatments_feed_key: str
    memory_mb: Annotated[int, Field(ge=512, le=10240)]
    max_invalid_ratio: Ratio
    max_drop_ratio: Ratio
    keep: Annotated[int, Field(ge=0, le=100)]
    # The missed-schedule alarm fires when no run started for this long.
    max_hours_between_runs: Annotated[int, Field(ge=1, le=24)]
    # The domains hospitals' enquiry addresses in the catalog may use, each allowing itself and
    # its subdomains (``ENQUIRY_EMAIL_DOMAINS``, see indexer/routing.py): at least one, lower
    # case, dotted; the indexer refuses a catalog run without them outside the local stage.
    enquiry_email_domains: Annotated[tuple[EnquiryDomain, ...], Field(min_length=1)]
    # The data-quality guard (``QUALITY_MIN_SHARES``, docs/indexer.md): a catalog run whose share
    # of specialists filling a field falls below its minimum is aborted before the swap.
    quality_min_shares: dict[str, Ratio] = {}

    @field_validator("quality_min_shares")
    @classmethod
    def _reported_fields(cls, minimums: dict[str, float]) -> dict[str, float]:
        from indexer.quality import FIELDS

        unknown = sorted(set(minimums) - set(FIELDS))
        if unknown:
            raise ValueError(f"quality_min_shares names fields the report does not measure: {', '.join(unknown)}")
        return minimums

    def quality_min_shares_variable(self) -> str:
        """As ``QUALITY_MIN_SHARES`` reads them: ``gmc_number=0.9,registration=0.9``."""
        return ",".join(f"{name}={share:g}" for name, share in self.quality_min_shares.items())

    @model_validator(mode="after")
    def _feed_under_prefix(self) -> IndexerConfig:
        if not self.feed_key.startswith(self.feed_prefix):
            raise ValueError("feed_key must be under feed_prefix, so a new feed triggers a run")
        for reserved in RESERVED_PREFIXES:
            if self.feed_prefix.startswith(reserved):
                raise ValueError(f"feed_prefix must not be under {reserved} (not the catalog: see docs/infra.md)")
        if not self.treatments_feed_key.startswith(TREATMENTS_FEED_PREFIX) or self.treatments_feed_key.endswith("/"):
            raise ValueError(f"treatments_feed_key must be an object under {TREATMENTS_FEED_PREFIX}")
        return self


class StageConfig(_Strict):
    region: Annotated[str, Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    # Prod keeps its tables, feed bucket and domain when the stack is deleted.
    retain_data: bool
    log_retention_days: LogRetentionDays
    search: SearchConfig
    api: ApiConfig
    mail: MailConfig
    notify: NotifyConfig
    indexer: IndexerConfig
    on_call_email: str | None


class InfraConfig(_Strict):
    app_name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]+$")]
    stages: dict[StageName, StageConfig]


def load_config(path: Path = STAGES_FILE) -> InfraConfig:
    return InfraConfig.model_validate(json.loads(path.read_text(encoding="utf-8")))
