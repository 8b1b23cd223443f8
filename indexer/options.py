"""Indexer options from the environment (the Lambda) with command-line overrides (the CLI)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.config import ConfigError
from indexer.reindex import Options

if TYPE_CHECKING:
    from chalicelib.config import SearchSettings
    from indexer.feeds import Feed


def _ratio(environ: Mapping[str, str], variable: str, default: float) -> float:
    raw = environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"Configuration error: {variable} must be a fraction from 0 to 1 (got {raw[:40]!r})")
    return value


def _count(environ: Mapping[str, str], variable: str, default: int) -> int:
    raw = environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 100:
        raise ConfigError(f"Configuration error: {variable} must be a whole number from 0 to 100 (got {raw[:40]!r})")
    return int(raw)


def _min_shares(environ: Mapping[str, str]) -> tuple[tuple[str, float], ...]:
    """``QUALITY_MIN_SHARES="gmc_number=0.9,fees=0.5"``: the data-quality guard's minimums."""
    from indexer.quality import BadMinimum, parse_minimums

    raw = environ.get("QUALITY_MIN_SHARES", "")
    try:
        return parse_minimums(part for part in raw.split(",") if part.strip())
    except BadMinimum as exc:
        raise ConfigError(f"Configuration error: QUALITY_MIN_SHARES {exc}") from None


def options_from_env(environ: Mapping[str, str]) -> Options:
    return Options(
        max_invalid_ratio=_ratio(environ, "INDEXER_MAX_INVALID_RATIO", Options.max_invalid_ratio),
        max_drop_ratio=_ratio(environ, "INDEXER_MAX_DROP_RATIO", Options.max_drop_ratio),
        keep=_count(environ, "INDEXER_KEEP", Options.keep),
        replicas=_count(environ, "INDEX_REPLICAS", Options.replicas),
        min_shares=_min_shares(environ),
    )


def enquiry_email_domains(settings: SearchSettings, feed: Feed[Any]) -> tuple[str, ...] | None:
    """The domains a run of ``feed`` allows hospitals' enquiry addresses at; None: any.

    ``ENQUIRY_EMAIL_DOMAINS`` empty allows any domain on the local stage only; a catalog run
    on any other stage refuses to start without it (where enquiries go is not left open).
    """
    if not feed.routes_enquiries:
        return None
    if settings.enquiry_email_domains:
        return settings.enquiry_email_domains
    if settings.stage == "local":
        return None
    raise ConfigError(
        f"Configuration error: ENQUIRY_EMAIL_DOMAINS is not set (the {settings.stage} stage's catalog "
        "runs need the domains hospitals' enquiry addresses may use, such as hospitals.example)"
    )
