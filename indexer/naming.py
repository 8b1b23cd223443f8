"""Names of the indices behind the alias: ``<alias>-<UTC timestamp>``, ordered by age."""

from __future__ import annotations

import re
from datetime import datetime


def new_index_name(alias: str, now: datetime) -> str:
    """``specialists-20261125-181500-123456``: sorts as it ages, lowercase as OpenSearch needs."""
    return f"{alias}-{now:%Y%m%d-%H%M%S-%f}"


def is_build_of(alias: str, index: str) -> bool:
    """Whether ``index`` was made by :func:`new_index_name` for ``alias``."""
    return re.fullmatch(rf"{re.escape(alias)}-\d{{8}}-\d{{6}}-\d{{6}}", index) is not None


def lock_index_name(alias: str) -> str:
    return f"{alias}-indexer-lock"
