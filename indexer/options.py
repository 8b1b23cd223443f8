"""Indexer options from the environment (the Lambda) with command-line overrides (the CLI)."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.config import ConfigError
from indexer.reindex import Options


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


def options_from_env(environ: Mapping[str, str]) -> Options:
    return Options(
        max_invalid_ratio=_ratio(environ, "INDEXER_MAX_INVALID_RATIO", Options.max_invalid_ratio),
        max_drop_ratio=_ratio(environ, "INDEXER_MAX_DROP_RATIO", Options.max_drop_ratio),
        keep=_count(environ, "INDEXER_KEEP", Options.keep),
        replicas=_count(environ, "INDEX_REPLICAS", Options.replicas),
    )
