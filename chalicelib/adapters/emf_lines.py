"""One CloudWatch Embedded Metric Format line on stdout, written by Powertools Metrics: what each
EMF sink here writes (the per-hospital enquiry figures and the enquiry totals in
:mod:`chalicelib.adapters.emf_metrics`, the search counts in
:mod:`chalicelib.adapters.emf_search_metrics`). CloudWatch Logs makes the metrics from it: no
API call, no permission beyond the function's log group.

Powertools is imported on the first metric, not with this module: the api function's cold
start does not pay for it (``tests/unit/test_cold_imports.py``).
"""

from __future__ import annotations

from collections.abc import Mapping


def write_emf(
    namespace: str,
    values: Mapping[str, float],
    *,
    units: Mapping[str, str] | None = None,
    dimension: tuple[str, str] | None = None,
) -> None:
    """``values`` (metric name to value) in ``namespace``, each in its unit from ``units`` ("None"
    when unlisted), or all as counts when no units are given; under one ``dimension`` (name,
    value) or none."""
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

    # A provider of its own each time: Powertools' ``Metrics`` instances share one metric set
    # per process, which another part's metrics would then be flushed with.
    metrics = AmazonCloudWatchEMFProvider(namespace=namespace, metric_set={}, dimension_set={})
    if dimension is not None:
        metrics.add_dimension(name=dimension[0], value=dimension[1])
    for name, value in values.items():
        metrics.add_metric(name=name, unit="Count" if units is None else units.get(name, "None"), value=value)
    metrics.flush_metrics()
