"""The on-call dashboard (issue 18, item 7): one page with what the functions count and every
alarm of the stage, so the engineer paged sees the alarm beside the figures it fires on.

- search (``FindASpecialist/Search``, emitted per answer by the api, ``chalicelib/analytics``):
  searches and typeahead requests, the zero-result and relaxed shares of searches, and the
  analytics records that could not be written (counted, never raised);
- enquiries (``FindASpecialist/Enquiries``, no dimension,
  ``chalicelib/enquiries/service_metrics.py``): received, e-mails sent, the sweep's backlog;
  then how each hospital's team answers, over 28 days (``infra/monitoring_enquiries.py``);
- the alarms: their states at a glance, then one graph each with its threshold.

``docs/infra.md`` ("On-call dashboard") says how to read it; traces are in X-Ray.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from chalicelib.analytics.recorder import (
    EVENTS,
    RECORDING_FAILURES,
    RELAXED_SEARCHES,
    SEARCHES,
    TYPEAHEAD_REQUESTS,
    ZERO_RESULT_SEARCHES,
)
from chalicelib.analytics.recorder import (
    NAMESPACE as SEARCH_NAMESPACE,
)
from chalicelib.enquiries.metrics import NAMESPACE as ENQUIRY_NAMESPACE
from chalicelib.enquiries.service_metrics import EMAILS_SENT, ENQUIRIES_RECEIVED, SWEEP_BACKLOG

FIVE_MINUTES = Duration.minutes(5)
# Alarm graphs per row (the dashboard is 24 units wide).
ALARMS_PER_ROW = 3


def _metric(namespace: str, name: str, statistic: str = "Sum") -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace=namespace, metric_name=name, statistic=statistic, period=FIVE_MINUTES)


def _share(label: str, part: str) -> cloudwatch.MathExpression:
    """``part`` as a percentage of searches (no value when there were none)."""
    key = part.lower()  # an expression's metric ids are unique across the graph
    return cloudwatch.MathExpression(
        expression=f"100 * {key} / searches",
        using_metrics={key: _metric(SEARCH_NAMESPACE, part), "searches": _metric(SEARCH_NAMESPACE, SEARCHES)},
        label=label,
        period=FIVE_MINUTES,
    )


class OnCallDashboard(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        alarms: Sequence[cloudwatch.Alarm],
        rows: Sequence[Sequence[cloudwatch.IWidget]] = (),
    ) -> None:
        """``rows``: more widgets, after the enquiry counts (the per-hospital graphs)."""
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=f"{name}-on-call",
            default_interval=Duration.hours(24),
            widgets=[
                [
                    cloudwatch.TextWidget(
                        markdown=(
                            "## On call: search and enquiries\n"
                            "What each alarm means and what to do: `docs/infra.md`. Per-request timings "
                            "(OpenSearch, DynamoDB and SES calls as subsegments): X-Ray traces of the functions."
                        ),
                        width=24,
                        height=2,
                    )
                ],
                [cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(alarms), width=24, height=4)],
                [
                    cloudwatch.GraphWidget(
                        title="Searches, typeahead requests and click events (per 5 minutes)",
                        left=[
                            _metric(SEARCH_NAMESPACE, SEARCHES),
                            _metric(SEARCH_NAMESPACE, TYPEAHEAD_REQUESTS),
                            _metric(SEARCH_NAMESPACE, EVENTS),
                        ],
                        width=8,
                    ),
                    cloudwatch.GraphWidget(
                        title="Zero-result and relaxed answers (% of searches)",
                        left=[_share("zero results %", ZERO_RESULT_SEARCHES), _share("relaxed %", RELAXED_SEARCHES)],
                        width=8,
                    ),
                    cloudwatch.GraphWidget(
                        title="Analytics records not written (per 5 minutes)",
                        left=[_metric(SEARCH_NAMESPACE, RECORDING_FAILURES)],
                        width=8,
                    ),
                ],
                [
                    cloudwatch.GraphWidget(
                        title="Enquiries received and e-mails sent (per 5 minutes)",
                        left=[_metric(ENQUIRY_NAMESPACE, ENQUIRIES_RECEIVED), _metric(ENQUIRY_NAMESPACE, EMAILS_SENT)],
                        width=12,
                    ),
                    cloudwatch.GraphWidget(
                        title="Sweep backlog: unsent enquiries listed by the sweep (largest per 5 minutes)",
                        left=[_metric(ENQUIRY_NAMESPACE, SWEEP_BACKLOG, "Maximum")],
                        width=12,
                    ),
                ],
                *(list(row) for row in rows),
                *(
                    [
                        cloudwatch.AlarmWidget(alarm=alarm, title=alarm.node.id, width=24 // ALARMS_PER_ROW)
                        for alarm in alarms[start : start + ALARMS_PER_ROW]
                    ]
                    for start in range(0, len(alarms), ALARMS_PER_ROW)
                ),
            ],
        )


def alarms_in(scope: Construct) -> list[cloudwatch.Alarm]:
    """Every alarm built under ``scope`` so far, in construction order."""
    return [node for node in scope.node.find_all() if isinstance(node, cloudwatch.Alarm)]
