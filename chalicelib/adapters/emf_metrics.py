"""The metrics sinks (:class:`~chalicelib.enquiries.metrics.MetricsSink`, per hospital, and
:class:`~chalicelib.enquiries.service_metrics.TotalsSink`, the service's counts) as CloudWatch Embedded
Metric Format: one JSON log line on stdout per call (:func:`~chalicelib.adapters.emf_lines.write_emf`).
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.adapters.emf_lines import write_emf
from chalicelib.enquiries.metrics import DIMENSION, NAMESPACE, UNITS


class EmfMetricsSink:
    def __init__(self, namespace: str = NAMESPACE) -> None:
        self._namespace = namespace

    def emit(self, hospital: str, values: Mapping[str, float]) -> None:
        write_emf(self._namespace, values, units=UNITS, dimension=(DIMENSION, hospital))

    def totals(self, values: Mapping[str, float]) -> None:
        """Counts with no dimension (:mod:`chalicelib.enquiries.service_metrics`)."""
        write_emf(self._namespace, values)
