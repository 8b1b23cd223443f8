"""Settings: read once from the environment into a checked, typed object.

The same code runs locally and in Lambda; only these values differ. A bad or
missing value raises :class:`ConfigError` whose message is one line naming every
offending variable, so start-up stops with something an operator can act on.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from chalicelib.patterns import EMAIL_FORMAT

Stage = Literal["local", "dev", "prod"]
ReplyCalendar = Literal["england-and-wales", "every-day"]
REPLY_CALENDARS: tuple[ReplyCalendar, ...] = ("england-and-wales", "every-day")
STAGES: tuple[Stage, ...] = ("local", "dev", "prod")

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_TABLE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_QUEUE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,254}$")
_SECRETS = frozenset({"RATE_LIMIT_SALT", "ENQUIRY_LINK_KEY"})  # never echoed in an error
_SALT = re.compile(r"^\S{16,256}$")
_CONFIGURATION_SET = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PLACE_INDEX = re.compile(r"^[-._\w]{1,100}$")
_SECRET_ID = re.compile(r"^[A-Za-z0-9/_+=.@:-]{1,2048}$")
_LINK_KEY = re.compile(r"^\S{32,256}$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{4,253}}$)(?:{_LABEL}\.)+{_LABEL}$")  # dotted: never a bare top-level domain


class ConfigError(Exception):
    """The environment does not describe a runnable service."""


@dataclass(frozen=True)
class SearchSettings:
    """What the indexer needs: where OpenSearch is and which alias to serve."""

    stage: Stage
    region: str
    opensearch_url: str
    search_alias: str
    # The treatments' content (``--feed treatments``): its own alias, blue/green like the specialists'.
    treatments_alias: str
    # Amazon Location Service place index for "near"; empty: the offline table only.
    place_index: str
    # The domains a hospital's enquiry addresses in the catalog feed may use, each allowing
    # itself and its subdomains (``ENQUIRY_EMAIL_DOMAINS``). Read by the indexer, which
    # refuses to run the catalog with none outside the local stage (``indexer.options``);
    # empty on the local stage: any domain.
    enquiry_email_domains: tuple[str, ...]
    # How recently a next slot must have been reported to be shown or searched on; an older
    # one is unknown, never a promise (``chalicelib.search.availability``).
    availability_max_age_hours: int

    @property
    def signs_search_requests(self) -> bool:
        """In AWS the domain admits only SigV4-signed requests; locally it is plain HTTP."""
        return self.stage != "local"


@dataclass(frozen=True)
class Settings(SearchSettings):
    """What the api and notify functions need besides search."""

    enquiries_table: str
    idempotency_table: str
    rate_limit_table: str
    dead_letter_queue: str
    ses_sender: str
    # Where a hospital's enquiries go when its own address is unknown.
    fallback_team_email: str
    # SES configuration set for bounce and complaint events; empty: none.
    ses_configuration_set: str
    retention_days: int
    # An enquiry still unsent this long after it was taken is the sweep's to send.
    sweep_after_s: int
    # An enquiry search has not routed this long after it was taken goes to the fallback team.
    unrouted_fallback_after_s: int
    email_rate_per_hour: int
    ip_rate_per_hour: int
    # Click events (POST /events) one client IP may send an hour.
    events_ip_rate_per_hour: int
    # Keys the hashes under which rate-limit counters are stored (a secret in AWS).
    rate_limit_salt: str
    # The local stage's moto server (boto3 honours the same variable); empty in AWS.
    aws_endpoint_url: str
    # Web origins whose pages may call the API from the browser; empty: none but the API's own.
    cors_allowed_origins: tuple[str, ...]
    # The page the team e-mail's acknowledge and outcome links open (it reads ``?action=&token=``).
    enquiry_link_base_url: str
    # Where the links' signing keys are: a Secrets Manager secret in AWS (read at run time; the
    # CDK app sets only this), or the local stage's own key. Exactly one is set.
    enquiry_link_secret: str
    enquiry_link_key: str
    # The team's reply deadline in working hours, unless the hospital has its own; and which
    # days count ("every-day" lets the local stack's tests compress the clock over a weekend).
    reply_working_hours: float
    reply_calendar: ReplyCalendar


def _stage(value: str) -> Stage:
    if value not in STAGES:
        raise ValueError(f"must be one of {', '.join(STAGES)}")
    return value


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"must be {what}")
        return value

    return check


def _whole(low: int, high: int) -> Callable[[str], int]:
    def check(value: str) -> int:
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return int(value)

    return check


def _optional(parse: Callable[[str], str]) -> Callable[[str], str]:
    """An empty value means "not used"; anything else must parse."""
    return lambda value: value if value == "" else parse(value)


def _opensearch_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL such as http://127.0.0.1:9200")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ValueError("has a malformed port") from None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError("must be scheme, host and port only")
    return value.rstrip("/")


def _hours(value: str) -> float:
    """Working hours: more than 0 and at most a fortnight's; fractions for the local stack's tests."""
    try:
        hours = float(value)
    except ValueError:
        raise ValueError("must be a number of hours") from None
    if not 0 < hours <= 336:
        raise ValueError("must be more than 0 and at most 336 hours")
    return hours


def _calendar(value: str) -> ReplyCalendar:
    if value not in REPLY_CALENDARS:
        raise ValueError(f"must be one of {', '.join(REPLY_CALENDARS)}")
    return value


def _page_url(value: str) -> str:
    """An absolute http(s) URL of a page, without query or fragment (the links add theirs)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ValueError("must be an absolute http(s) URL of a page, without query or fragment")
    return value


def _link_key_problems(values: Mapping[str, object]) -> list[str]:
    """The links' keys come from one place: the secret in AWS, the local key locally."""
    if bool(values["enquiry_link_secret"]) == bool(values["enquiry_link_key"]):
        return ["exactly one of ENQUIRY_LINK_SECRET and ENQUIRY_LINK_KEY must be set"]
    return []


def _origins(value: str) -> tuple[str, ...]:
    """Comma-separated exact origins, as browsers send them in ``Origin``."""
    origins = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    for origin in origins:
        if not _is_origin(origin):
            raise ValueError(
                "must be comma-separated origins such as https://www.example.com or http://localhost:8000 "
                "(lower case; no wildcard, path or trailing slash)"
            )
    return origins


def _is_origin(text: str) -> bool:
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not parts.username
        and port != 0
        and text == f"{parts.scheme}://{parts.netloc.lower()}"
    )


def _domains(value: str) -> tuple[str, ...]:
    """Comma-separated lower-case domain names, each with a dot (``hospitals.example``)."""
    domains = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    for domain in domains:
        if not _DOMAIN.fullmatch(domain):
            raise ValueError(
                "must be comma-separated lower-case domain names such as hospitals.example "
                "(each with a dot; no @, wildcard or trailing dot)"
            )
    return domains


Parser = Callable[[str], object]
# attribute: (variable, parser, default)
_SEARCH_FIELDS: dict[str, tuple[str, Parser, str | None]] = {
    "stage": ("STAGE", _stage, None),
    "opensearch_url": ("OPENSEARCH_URL", _opensearch_url, None),
    "search_alias": ("SEARCH_ALIAS", _matching(_INDEX_NAME, "a lowercase OpenSearch index name"), "specialists"),
    "treatments_alias": (
        "TREATMENTS_ALIAS",
        _matching(_INDEX_NAME, "a lowercase OpenSearch index name"),
        "treatments",
    ),
    "place_index": ("PLACE_INDEX", _optional(_matching(_PLACE_INDEX, "an Amazon Location place index name")), ""),
    "enquiry_email_domains": ("ENQUIRY_EMAIL_DOMAINS", _domains, ""),
    # At least an hour (the feed's rhythm), at most a week: older is no promise of a slot.
    "availability_max_age_hours": ("AVAILABILITY_MAX_AGE_HOURS", _whole(1, 168), "24"),
}
_APP_FIELDS: dict[str, tuple[str, Parser, str | None]] = {
    **_SEARCH_FIELDS,
    "enquiries_table": ("ENQUIRIES_TABLE", _matching(_TABLE, "a DynamoDB table name"), None),
    "idempotency_table": ("IDEMPOTENCY_TABLE", _matching(_TABLE, "a DynamoDB table name"), None),
    "rate_limit_table": ("RATE_LIMIT_TABLE", _matching(_TABLE, "a DynamoDB table name"), None),
    "dead_letter_queue": ("DEAD_LETTER_QUEUE", _matching(_QUEUE, "an SQS queue name"), None),
    "ses_sender": ("SES_SENDER", _matching(EMAIL_FORMAT, "an e-mail address"), None),
    "fallback_team_email": ("FALLBACK_TEAM_EMAIL", _matching(EMAIL_FORMAT, "an e-mail address"), None),
    "ses_configuration_set": (
        "SES_CONFIGURATION_SET",
        _optional(_matching(_CONFIGURATION_SET, "an SES configuration set name")),
        "",
    ),
    "retention_days": ("ENQUIRY_RETENTION_DAYS", _whole(1, 3650), "365"),
    "sweep_after_s": ("SWEEP_AFTER_S", _whole(1, 86_400), "300"),
    "unrouted_fallback_after_s": ("UNROUTED_FALLBACK_AFTER_S", _whole(60, 30 * 86_400), "86400"),
    "email_rate_per_hour": ("EMAIL_RATE_PER_HOUR", _whole(1, 10_000), "5"),
    "ip_rate_per_hour": ("IP_RATE_PER_HOUR", _whole(1, 100_000), "30"),
    "events_ip_rate_per_hour": ("EVENTS_RATE_PER_HOUR", _whole(1, 100_000), "600"),
    "rate_limit_salt": ("RATE_LIMIT_SALT", _matching(_SALT, "at least 16 characters, no spaces"), None),
    "aws_endpoint_url": ("AWS_ENDPOINT_URL", _optional(_opensearch_url), ""),
    "cors_allowed_origins": ("CORS_ALLOWED_ORIGINS", _origins, ""),
    "enquiry_link_base_url": ("ENQUIRY_LINK_BASE_URL", _page_url, None),
    "enquiry_link_secret": (
        "ENQUIRY_LINK_SECRET",
        _optional(_matching(_SECRET_ID, "a Secrets Manager secret name or ARN")),
        "",
    ),
    "reply_working_hours": ("REPLY_WORKING_HOURS", _hours, "36"),
    "reply_calendar": ("REPLY_CALENDAR", _calendar, "england-and-wales"),
    "enquiry_link_key": ("ENQUIRY_LINK_KEY", _optional(_matching(_LINK_KEY, "32 to 256 characters, no spaces")), ""),
}


def _load(fields: Mapping[str, tuple[str, Parser, str | None]], environ: Mapping[str, str]) -> dict[str, object]:
    """Parse and check ``fields`` and the region; report all problems in one line."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for attribute, (variable, parse, default) in fields.items():
        raw = environ.get(variable, "").strip() or default
        if raw is None:
            problems.append(f"{variable} is not set")
            continue
        try:
            values[attribute] = parse(raw)
        except ValueError as exc:
            shown = "" if variable in _SECRETS else f" (got {raw[:80]!r})"
            problems.append(f"{variable} {exc}{shown}")
    # Lambda sets AWS_REGION; the SDK also honours AWS_DEFAULT_REGION elsewhere. Only
    # the enquiry side (DynamoDB, SES) and request signing need one.
    region = environ.get("AWS_REGION", "").strip() or environ.get("AWS_DEFAULT_REGION", "").strip()
    region_needed = fields is _APP_FIELDS or values.get("stage", "local") != "local"
    if not region and region_needed:
        problems.append("AWS_REGION (or AWS_DEFAULT_REGION) is not set")
    elif region and not _REGION.fullmatch(region):
        problems.append(f"AWS_REGION must be an AWS region such as eu-west-2 (got {region[:40]!r})")
    values["region"] = region
    if not problems and values["stage"] != "local" and not str(values["opensearch_url"]).startswith("https://"):
        problems.append("OPENSEARCH_URL must use https outside the local stage")
    if not problems and fields is _APP_FIELDS:
        problems += _link_key_problems(values)
    if problems:
        raise ConfigError("Configuration error: " + "; ".join(problems))
    return values


def load_search_settings(environ: Mapping[str, str]) -> SearchSettings:
    return SearchSettings(**_load(_SEARCH_FIELDS, environ))  # type: ignore[arg-type]


def load_settings(environ: Mapping[str, str]) -> Settings:
    return Settings(**_load(_APP_FIELDS, environ))  # type: ignore[arg-type]


@functools.cache
def get_search_settings() -> SearchSettings:
    """The search settings, read on first use and kept for the Lambda's lifetime."""
    return load_search_settings(os.environ)


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read on first use and kept for the Lambda's lifetime."""
    return load_settings(os.environ)
