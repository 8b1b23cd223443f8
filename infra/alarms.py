"""Alarms for on-call, each sent to one SNS topic. ``docs/infra.md`` says what each
means and what to do about it."""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import Aws, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.enquiries.metrics import NAMESPACE
from chalicelib.enquiries.service_metrics import SWEEP_BACKLOG
from infra.settings import StageConfig

FIVE_MINUTES = Duration.minutes(5)
_ABOVE = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
_AT_LEAST = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
_BELOW = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
ONE_HOUR = Duration.hours(1)
# The enquiry e-mails that bounced or drew a complaint (EMF counts notify emits from SES's notifications).
BOUNCED = "Bounced"
COMPLAINED = "Complained"


def total_query(metric_name: str) -> str:
    """A Metrics Insights query: the sum of ``metric_name`` across every dimension it is emitted with."""
    return f'SELECT SUM({metric_name}) FROM "{NAMESPACE}"'  # noqa: S608 - Metrics Insights, from constants


# A patient expects the hospital to hear within minutes; the stream retries for hours.
NOTIFY_BEHIND_MS = 10 * 60 * 1000
# Unrecorded searches in 15 minutes before on-call hears of it (a few are a blip).
RECORDING_FAILURES_ALARM = 10
# The analytics stream delivers every 5 minutes (infra/analytics.py, BUFFER_SECONDS): a record
# still undelivered after an hour is stuck (Firehose retries S3 for up to a day, then drops it).
DELIVERY_LATE_S = 60 * 60
# The sweep runs every 5 minutes (infra/sweep.py): two runs or more in each period, so a period
# whose smallest count is above 0 had every run find unsent enquiries.
SWEEP_PERIOD = Duration.minutes(10)
SWEEP_BACKLOG_PERIODS = 3


def metric_of(namespace: str, dimensions: dict[str, str]) -> Callable[[str, str], cloudwatch.Metric]:
    """A metric of ``namespace`` with these dimensions, by name and statistic, per 5 minutes."""

    def metric(name: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=namespace, metric_name=name, dimensions_map=dimensions, statistic=statistic, period=FIVE_MINUTES
        )

    return metric


class Alarms(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.topic = sns.Topic(self, "OnCall", enforce_ssl=True)
        if config.on_call_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(config.on_call_email))
        self._action = actions.SnsAction(self.topic)

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        description: str,
        periods: int = 1,
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=periods,
            treat_missing_data=missing,
            alarm_description=description,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        return alarm

    def api(self, api_name: str, stage_name: str) -> None:
        dimensions = {"ApiName": api_name, "Stage": stage_name}
        api = self.config.api

        metric = metric_of("AWS/ApiGateway", dimensions)

        self._alarm(
            "Api5xxRate",
            metric("5XXError", "Average"),
            threshold=api.error_rate_alarm,
            comparison=_ABOVE,
            periods=2,
            description="Share of API requests answered 5xx over two 5-minute periods",
        )
        self._alarm(
            "ApiP99Latency",
            metric("Latency", "p99"),
            threshold=api.p99_latency_alarm_ms,
            comparison=_ABOVE,
            periods=3,
            description="API p99 latency (ms) over three 5-minute periods",
        )

    def dead_letters(self, queue: sqs.IQueue) -> None:
        self._alarm(
            "DeadLettersWaiting",
            queue.metric_approximate_number_of_messages_visible(statistic="Maximum", period=Duration.minutes(1)),
            threshold=0,
            comparison=_ABOVE,
            description="An enquiry e-mail or stream batch was parked in the dead-letter queue",
        )

    def notify(self, function_name: str) -> None:
        metric = metric_of("AWS/Lambda", {"FunctionName": function_name})

        self._alarm(
            "NotifyErrors",
            metric("Errors", "Sum"),
            threshold=1,
            comparison=_AT_LEAST,
            description="The notify function failed a whole invocation (the stream retries it)",
        )
        self._alarm(
            "NotifyBehind",
            metric("IteratorAge", "Maximum"),
            threshold=NOTIFY_BEHIND_MS,
            comparison=_ABOVE,
            description="The newest enquiry notify read was stored over 10 minutes before: e-mails are late",
        )

    def indexer(self, function: lambda_.IFunction, catalog_schedule: events.IRule) -> None:
        hours = self.config.indexer.max_hours_between_runs
        self._alarm(
            "IndexerFailed",
            function.metric_errors(statistic="Sum", period=FIVE_MINUTES),
            threshold=1,
            comparison=_AT_LEAST,
            description="A reindex run failed or a guard aborted it; the alias was not moved",
        )
        self._alarm(
            "IndexerMissedSchedule",
            # The catalog schedule's own invocations of the function: the function's count would
            # not notice a missed rebuild, as the hourly availability updates invoke it too.
            cloudwatch.Metric(
                namespace="AWS/Events",
                metric_name="Invocations",
                dimensions_map={"RuleName": catalog_schedule.rule_name},
                statistic="Sum",
                period=Duration.hours(hours),
            ),
            threshold=1,
            comparison=_BELOW,
            missing=cloudwatch.TreatMissingData.BREACHING,
            description=f"No reindex run started in {hours} hours",
        )

    def search(self, domain_name: str) -> None:
        search = self.config.search

        def metric(name: str, statistic: str, period: Duration) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/ES",
                metric_name=name,
                dimensions_map={"DomainName": domain_name, "ClientId": Aws.ACCOUNT_ID},
                statistic=statistic,
                period=period,
            )

        self._alarm(
            "SearchClusterRed",
            metric("ClusterStatus.red", "Maximum", Duration.minutes(1)),
            threshold=1,
            comparison=_AT_LEAST,
            description="A primary shard is unassigned: some searches fail",
        )
        self._alarm(
            "SearchClusterYellow",
            metric("ClusterStatus.yellow", "Maximum", FIVE_MINUTES),
            threshold=1,
            comparison=_AT_LEAST,
            periods=3,
            description="A replica shard has been unassigned for 15 minutes",
        )
        self._alarm(
            "SearchLowFreeStorage",
            metric("FreeStorageSpace", "Minimum", FIVE_MINUTES),
            threshold=search.free_storage_alarm_mb,
            comparison=_BELOW,
            description=f"A node has under {search.free_storage_alarm_mb} MB free; a reindex needs room for 2 indices",
        )

    def analytics(self) -> None:
        """Searches answer while their recording fails (it is counted, never raised): say so."""
        from chalicelib.analytics.recorder import NAMESPACE, RECORDING_FAILURES

        self._alarm(
            "SearchRecordingFailing",
            cloudwatch.Metric(
                namespace=NAMESPACE, metric_name=RECORDING_FAILURES, statistic="Sum", period=Duration.minutes(15)
            ),
            threshold=RECORDING_FAILURES_ALARM,
            comparison=_AT_LEAST,
            description="Searches were answered but not recorded for search analytics (see the api's log for the "
            "error type); the weekly report will undercount until fixed",
        )

    def analytics_delivery(self, stream_name: str) -> None:
        """The analytics stream's delivery to S3. Firehose reports both metrics only while it has
        records to deliver: a quiet night has no data, which is not a failure (not breaching)."""

        metric = metric_of("AWS/Firehose", {"DeliveryStreamName": stream_name})

        self._alarm(
            "AnalyticsDeliveryLate",
            metric("DeliveryToS3.DataFreshness", "Maximum"),
            threshold=DELIVERY_LATE_S,
            comparison=_ABOVE,
            periods=3,
            description="The oldest search analytics record not yet in S3 has waited over an hour, for 15 minutes "
            "(the stream delivers every 5 minutes): see the stream's delivery-error log group",
        )
        self._alarm(
            "AnalyticsDeliveryFailing",
            metric("DeliveryToS3.Success", "Average"),
            threshold=1,
            comparison=_BELOW,
            periods=3,
            description="Some of the analytics stream's writes to S3 failed in each of three 5-minute periods "
            "(Firehose retries them): see the stream's delivery-error log group",
        )

    def sweep_backlog(self) -> None:
        """Enquiries stored but not e-mailed that even the sweep does not clear. Every sweep run
        reports its count, 0 included, so no data means the sweep did not report: not a backlog
        (a failing run is ``NotifyErrors``)."""
        minutes = SWEEP_PERIOD.to_minutes() * SWEEP_BACKLOG_PERIODS
        self._alarm(
            "EnquirySweepBacklog",
            cloudwatch.Metric(namespace=NAMESPACE, metric_name=SWEEP_BACKLOG, statistic="Minimum", period=SWEEP_PERIOD),
            threshold=0,
            comparison=_ABOVE,
            periods=SWEEP_BACKLOG_PERIODS,
            description=f"Every sweep run for {minutes} minutes found enquiries the stream had not sent: stored "
            "but not e-mailed, the hospitals are not hearing of them (search or SES failing: notify's log says)",
        )

    def mail(self) -> None:
        self._reputation()
        # The per-message counts notify emits from the SES notifications (any dimensions, summed).
        for construct_id, metric_name, description in (
            (
                "EnquiryEmailsBounced",
                BOUNCED,
                "An enquiry e-mail bounced in the last hour (the count is in the state reason). A team address: "
                "fix it in the catalog and resend by hand; a patient's: suppressed automatically, nothing to do",
            ),
            (
                "EnquiryEmailsComplained",
                COMPLAINED,
                "A recipient marked an enquiry e-mail as spam in the last hour (the count is in the state reason). "
                "A team: ask the hospital to stop; a patient: look for a flood of enquiries from one source",
            ),
        ):
            self._alarm(
                construct_id,
                cloudwatch.MathExpression(
                    expression=total_query(metric_name), using_metrics={}, period=ONE_HOUR, label=metric_name
                ),
                threshold=0,
                comparison=_ABOVE,
                description=description,
            )

    def _reputation(self) -> None:
        def reputation(name: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/SES", metric_name=f"Reputation.{name}", statistic="Maximum", period=Duration.minutes(15)
            )

        self._alarm(
            "SesBounceRate",
            reputation("BounceRate"),
            threshold=self.config.mail.bounce_rate_alarm,
            comparison=_ABOVE,
            description="The account's SES bounce rate: SES reviews an account above 5% and may pause sending",
        )
        self._alarm(
            "SesComplaintRate",
            reputation("ComplaintRate"),
            threshold=self.config.mail.complaint_rate_alarm,
            comparison=_ABOVE,
            description="The account's SES complaint rate: SES reviews an account above 0.1% and may pause sending",
        )
