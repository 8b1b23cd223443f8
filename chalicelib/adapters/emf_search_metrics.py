"""The search metrics (:class:`~chalicelib.analytics.recorder.SearchMetrics`) as CloudWatch
Embedded Metric Format: one JSON line on stdout per answer, namespace ``FindASpecialist/Search``,
no dimension (a dimension per query would be personal data, and costly); written by
:func:`~chalicelib.adapters.emf_lines.write_emf`.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.adapters.emf_lines import write_emf
from chalicelib.analytics.recorder import NAMESPACE


class EmfSearchMetrics:
    def __init__(self, namespace: str = NAMESPACE) -> None:
        self._namespace = namespace

    def count(self, values: Mapping[str, float]) -> None:
        write_emf(self._namespace, values)
