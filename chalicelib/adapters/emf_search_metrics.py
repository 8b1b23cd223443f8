"""The search metrics (:class:`~chalicelib.analytics.recorder.SearchMetrics`) as CloudWatch
Embedded Metric Format: one JSON line on stdout per answer, namespace ``FindASpecialist/Search``,
no dimension (a dimension per query would be personal data, and costly).

Powertools is imported on the first metric, not with this module (``tests/unit/test_cold_imports.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.analytics.recorder import NAMESPACE


class EmfSearchMetrics:
    def __init__(self, namespace: str = NAMESPACE) -> None:
        self._namespace = namespace

    def count(self, values: Mapping[str, float]) -> None:
        from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

        # A provider of its own each time: Powertools' ``Metrics`` share one metric set per process.
        metrics = AmazonCloudWatchEMFProvider(namespace=self._namespace, metric_set={}, dimension_set={})
        for name, value in values.items():
            metrics.add_metric(name=name, unit="Count", value=value)
        metrics.flush_metrics()
