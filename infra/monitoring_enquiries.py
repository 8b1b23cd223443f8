"""How the hospital teams answer enquiries, in CloudWatch: graphs of the per-hospital metrics
the functions emit (``chalicelib/enquiries/metrics.py``, Embedded Metric Format), shown over 28
days on the on-call dashboard (``infra/dashboard.py``), and an alarm for a hospital
acknowledging under 80% of its enquiries within the reply deadline.

Both read the metrics with Metrics Insights queries grouped by the ``Hospital`` dimension, so
a hospital new to the catalog is watched without a deploy. ``docs/infra.md`` says what to do
when the alarm fires; ``python -m enquiries.report`` gives the same figures from the table.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from chalicelib.enquiries.metrics import (
    ACKNOWLEDGED,
    DIMENSION,
    HOURS_TO_ACKNOWLEDGE,
    MISSED_DEADLINE,
    NAMESPACE,
    WITHIN_DEADLINE,
)

# A hospital whose share of enquiries acknowledged within the deadline falls below this pages on-call.
WITHIN_DEADLINE_ALARM = 0.8
ONE_DAY = Duration.days(1)
# The graphs' own window (the dashboard's default is a day): a weekly rhythm, four times.
WINDOW = "-P28D"
_SCHEMA = f'SCHEMA("{NAMESPACE}", {DIMENSION})'


def per_hospital(aggregate: str, metric: str, order: str = "DESC", limit: int = 20) -> str:
    """A Metrics Insights query: ``aggregate`` of ``metric`` for each hospital."""
    select = f"SELECT {aggregate}({metric}) FROM {_SCHEMA}"  # noqa: S608 - Metrics Insights, from constants
    return f"{select} GROUP BY {DIMENSION} ORDER BY {aggregate}() {order} LIMIT {limit}"


# The lowest hospital's share over the day: one series, so the alarm fires when any hospital is low.
LOWEST_SHARE_QUERY = per_hospital("AVG", WITHIN_DEADLINE, order="ASC", limit=1)


class EnquiryMonitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        self.alarm = cloudwatch.Alarm(
            self,
            "HospitalRepliesLate",
            metric=cloudwatch.MathExpression(
                expression=LOWEST_SHARE_QUERY, using_metrics={}, period=ONE_DAY, label="lowest share within deadline"
            ),
            threshold=WITHIN_DEADLINE_ALARM,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=1,
            # A day without an acknowledgement or an escalation anywhere is not a late day.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"A hospital acknowledged under {WITHIN_DEADLINE_ALARM:.0%} of its enquiries within the reply "
                "deadline over the last day (escalations count as missed)"
            ),
        )
        action = actions.SnsAction(topic)
        self.alarm.add_alarm_action(action)
        self.alarm.add_ok_action(action)

        def graph(title: str, query: str) -> cloudwatch.GraphWidget:
            # No label: each series is named by its hospital, as Metrics Insights names its groups.
            expression = cloudwatch.MathExpression(expression=query, using_metrics={}, period=ONE_DAY)
            return cloudwatch.GraphWidget(title=title, left=[expression], width=12, height=6, start=WINDOW)

        # Rows for the on-call dashboard.
        self.widgets: list[list[cloudwatch.IWidget]] = [
            [
                cloudwatch.TextWidget(
                    markdown=(
                        "## Enquiries: how the hospital teams answer\n"
                        f"Per hospital (dimension `{DIMENSION}`; `central`: the central team). Share within "
                        "deadline: enquiries acknowledged by their reply deadline, of those whose deadline is "
                        "decided (escalations count as missed); the alarm fires under "
                        f"{WITHIN_DEADLINE_ALARM:.0%}. Hours are working hours. "
                        "Over 28 days. The weekly figures: `python -m enquiries.report`."
                    ),
                    width=24,
                    height=3,
                )
            ],
            [
                graph("Share acknowledged within deadline (daily)", per_hospital("AVG", WITHIN_DEADLINE, order="ASC")),
                graph("Acknowledged (daily)", per_hospital("SUM", ACKNOWLEDGED)),
            ],
            [
                graph("Missed deadlines: escalations (daily)", per_hospital("SUM", MISSED_DEADLINE)),
                graph("Working hours to acknowledge (daily average)", per_hospital("AVG", HOURS_TO_ACKNOWLEDGE)),
            ],
        ]
