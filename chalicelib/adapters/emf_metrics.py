"""The metrics sinks (:class:`~chalicelib.enquiries.metrics.MetricsSink`, per hospital, and
:class:`~chalicelib.enquiries.service_metrics.TotalsSink`, the service's counts) as CloudWatch Embedded
Metric Format: one JSON log line on stdout per call, written by Powertools Metrics, from which
CloudWatch Logs makes the metrics (no API call, no permission beyond the function's log group).

Powertools is imported on the first metric, not with this module: the api function's cold
start does not pay for it (``tests/unit/test_cold_imports.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.enquiries.metrics import DIMENSION, NAMESPACE, UNITS


class EmfMetricsSink:
    def __init__(self, namespace: str = NAMESPACE) -> None:
        self._namespace = namespace

    def emit(self, hospital: str, values: Mapping[str, float]) -> None:
        from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

        # A provider of its own each time: Powertools' ``Metrics`` instances share one metric
        # set per process, which another part's metrics would then be flushed with.
        metrics = AmazonCloudWatchEMFProvider(namespace=self._namespace, metric_set={}, dimension_set={})
        metrics.add_dimension(name=DIMENSION, value=hospital)
        for name, value in values.items():
            metrics.add_metric(name=name, unit=UNITS.get(name, "None"), value=value)
        metrics.flush_metrics()

    def totals(self, values: Mapping[str, float]) -> None:
        """Counts with no dimension (:mod:`chalicelib.enquiries.service_metrics`)."""
        from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

        metrics = AmazonCloudWatchEMFProvider(namespace=self._namespace, metric_set={}, dimension_set={})
        for name, value in values.items():
            metrics.add_metric(name=name, unit="Count", value=value)
        metrics.flush_metrics()
