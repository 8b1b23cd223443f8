"""The composition root: every client, adapter and service, built from settings in one place.

``bootstrap(settings, clients)`` answers a :class:`Services` whose parts are built on first
use and kept: a cold start pays only for what its first request needs, and moto intercepts
only clients built after it starts. :mod:`chalicelib.deps` keeps one per Lambda process;
the local stream worker, relevance, the bench and tests call :func:`bootstrap` themselves,
with what they want to differ (their own clients, or a port of their own in place of an
adapter). Each setting goes to the one part that uses it: the SES configuration set to the
mailer, the tables to the store, the timeouts to the clients.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, cast

from chalicelib.config import ConfigError, Settings

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient
    from opensearchpy import OpenSearch

    from chalicelib.adapters.dynamodb_enquiry_report import DynamoDBEnquiryReport
    from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore
    from chalicelib.adapters.location_geocoder import PlaceIndexClient
    from chalicelib.adapters.secretsmanager_link_keys import SecretValueClient
    from chalicelib.analytics.click_events import ClickEvents
    from chalicelib.analytics.event_recorder import EventRecorder
    from chalicelib.analytics.recorder import AnalyticsSink, QueryRecorder, SearchMetrics
    from chalicelib.config import SearchSettings
    from chalicelib.enquiries.bounces import BounceHandler
    from chalicelib.enquiries.endpoint import EnquiryEndpoint
    from chalicelib.enquiries.followup import TeamFollowUp, TeamLinks
    from chalicelib.enquiries.metrics import DeadlineMetrics, MetricsSink
    from chalicelib.enquiries.notify import MailSettings, Notifier
    from chalicelib.enquiries.ports import DeadLetters, LinkKeys, Mailer
    from chalicelib.enquiries.reminders import Reminders
    from chalicelib.enquiries.rights import DataRights
    from chalicelib.enquiries.service_metrics import ServiceMetrics, TotalsSink
    from chalicelib.enquiries.sweep import Sweeper
    from chalicelib.search.hospital_service import HospitalService
    from chalicelib.search.ports import Geocoder, SearchIndex
    from chalicelib.search.service import SearchService
    from chalicelib.search.vocabulary import VocabularyCache
    from chalicelib.treatments.service import TreatmentService

# Requests to OpenSearch and DynamoDB give up quickly: a patient is waiting, and
# /health must answer within its bound even when a dependency hangs.
SEARCH_TIMEOUT_S = 2.5
# The indexer's bulk loads, refreshes and health waits take far longer than a search.
INDEXING_TIMEOUT_S = 120.0
AWS_CONNECT_TIMEOUT_S = 1.0
AWS_READ_TIMEOUT_S = 2.0
# SES: one attempt per call, bounded; the notifier retries throttling itself, with backoff
# (chalicelib.enquiries.notify.RECORD_BUDGET_S assumes these timeouts).
SES_CONNECT_TIMEOUT_S = 2.0
SES_READ_TIMEOUT_S = 5.0
# Amazon Location: one bounded try; the offline table answers most places first.
LOCATION_READ_TIMEOUT_S = 1.0


class Clients:
    """The clients of the services outside the process, each built on first use.

    ``session`` and ``endpoint_url`` (a moto server) are for the local stack; in Lambda the
    session is the environment's and the endpoints are AWS's. ``search_timeout_s`` is for
    relevance, whose thousands of queries on a busy machine are not a patient waiting.
    """

    def __init__(
        self,
        settings: SearchSettings,
        *,
        session: boto3.Session | None = None,
        endpoint_url: str | None = None,
        search_timeout_s: float = SEARCH_TIMEOUT_S,
    ) -> None:
        self._settings = settings
        self._session = session
        self._endpoint_url = endpoint_url
        self._search_timeout_s = search_timeout_s

    @cached_property
    def session(self) -> boto3.Session:
        if self._session is not None:
            return self._session
        from chalicelib.tracing import enabled as tracing_enabled

        tracing_enabled()  # X-Ray's botocore patch, when configured, before the first AWS client
        import boto3

        return boto3.Session(region_name=self._settings.region or None)

    @cached_property
    def opensearch(self) -> OpenSearch:
        """For the API: a patient is waiting, so give up quickly."""
        return self.new_opensearch(self._search_timeout_s)

    @cached_property
    def indexing_opensearch(self) -> OpenSearch:
        """For the indexer: patient, with a retry on a timed-out request."""
        return self.new_opensearch(INDEXING_TIMEOUT_S, retry_on_timeout=True)

    def new_opensearch(self, timeout_s: float = SEARCH_TIMEOUT_S, retry_on_timeout: bool = False) -> OpenSearch:
        """A client of its own (its own connection pool), built as the API's is."""
        from opensearchpy import OpenSearch, Urllib3AWSV4SignerAuth, Urllib3HttpConnection

        from chalicelib.tracing import opensearch_connection

        settings = self._settings
        auth = None
        if settings.signs_search_requests:
            # The live credentials object: the signer freezes it per request, so
            # rotated Lambda credentials are picked up without rebuilding the client.
            auth = Urllib3AWSV4SignerAuth(self.session.get_credentials(), settings.region, "es")
        return OpenSearch(
            hosts=[settings.opensearch_url],
            http_auth=auth,
            connection_class=opensearch_connection(Urllib3HttpConnection),  # X-Ray subsegments when configured
            timeout=timeout_s,
            max_retries=1 if retry_on_timeout else 0,
            retry_on_timeout=retry_on_timeout,
            http_compress=True,
        )

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self.session.client(
            "dynamodb", endpoint_url=self._endpoint_url, config=_aws_config(AWS_READ_TIMEOUT_S, 3)
        )

    @cached_property
    def ses(self) -> SESV2Client:
        config = _aws_config(SES_READ_TIMEOUT_S, 1, connect_timeout_s=SES_CONNECT_TIMEOUT_S)
        return self.session.client("sesv2", endpoint_url=self._endpoint_url, config=config)

    @cached_property
    def sqs(self) -> SQSClient:
        return self.session.client("sqs", endpoint_url=self._endpoint_url, config=_aws_config(AWS_READ_TIMEOUT_S, 4))

    @cached_property
    def location(self) -> PlaceIndexClient:
        client = self.session.client("location", config=_aws_config(LOCATION_READ_TIMEOUT_S, 1))
        return cast("PlaceIndexClient", client)

    @cached_property
    def secretsmanager(self) -> SecretValueClient:
        client = self.session.client(
            "secretsmanager", endpoint_url=self._endpoint_url, config=_aws_config(AWS_READ_TIMEOUT_S, 3)
        )
        return cast("SecretValueClient", client)

    @cached_property
    def s3(self) -> S3Client:
        """For the indexer's feed, built only when the feed is in S3."""
        return self.session.client("s3", endpoint_url=self._endpoint_url)


def _aws_config(read_timeout_s: float, attempts: int, connect_timeout_s: float = AWS_CONNECT_TIMEOUT_S) -> Config:
    """Bounded timeouts and ``attempts`` tries in all (botocore's ``max_attempts`` would
    count retries only, one more call than the name suggests)."""
    from botocore.config import Config

    return Config(
        connect_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
        retries={"mode": "standard", "total_max_attempts": attempts},
        # moto serves DynamoDB (and its streams) only on the plain regional endpoint.
        account_id_endpoint_mode="disabled",
    )


class Services:
    """What the functions call. Search needs only :class:`SearchSettings`; the enquiry side
    needs the app's :class:`Settings` and says so when it is not given them. A port given
    here (``index``, ``geocoder``, ``mailer``, ``analytics``) is used in place of the adapter;
    a ``clock`` in place of the system's (which slots are fresh depends on it)."""

    def __init__(
        self,
        settings: SearchSettings,
        clients: Clients,
        *,
        index: SearchIndex | None = None,
        geocoder: Geocoder | None = None,
        mailer: Mailer | None = None,
        clock: Callable[[], datetime] | None = None,
        analytics: AnalyticsSink | None = None,
    ) -> None:
        self.settings = settings
        self.clients = clients
        if clock is not None:
            self.clock = clock
        if index is not None:
            self.search_index = index
        if geocoder is not None:
            self.geocoder = geocoder
        if mailer is not None:
            self.mailer = mailer
        if analytics is not None:
            self.analytics_sink = analytics

    # --- search --------------------------------------------------------------------------

    @cached_property
    def clock(self) -> Callable[[], datetime]:
        """Now, in UTC: the search's, for which next slots are fresh."""
        from chalicelib.search.availability import utc_now

        return utc_now

    @property
    def availability_max_age(self) -> timedelta:
        return timedelta(hours=self.settings.availability_max_age_hours)

    @cached_property
    def search_index(self) -> SearchIndex:
        from chalicelib.adapters.opensearch_index import OpenSearchIndex

        settings = self.settings
        return OpenSearchIndex(self.clients.opensearch, settings.search_alias, settings.treatments_alias)

    @cached_property
    def geocoder(self) -> Geocoder:
        from chalicelib.geocoding.offline import OfflineGeocoder

        if not self.settings.place_index:
            return OfflineGeocoder()
        from chalicelib.adapters.location_geocoder import LocationServiceGeocoder
        from chalicelib.geocoding.chain import FirstFound

        return FirstFound(OfflineGeocoder(), LocationServiceGeocoder(self.clients.location, self.settings.place_index))

    @cached_property
    def vocabulary(self) -> VocabularyCache:
        """What query understanding reads words against, shared by the services that need it."""
        from chalicelib.search.vocabulary import VocabularyCache

        return VocabularyCache(self.search_index)

    @cached_property
    def search(self) -> SearchService:
        from chalicelib.search.service import SearchService

        return SearchService(
            self.search_index,
            self.geocoder,
            self.vocabulary,
            clock=self.clock,
            availability_max_age=self.availability_max_age,
        )

    @cached_property
    def hospitals(self) -> HospitalService:
        from chalicelib.search.hospital_service import HospitalService

        return HospitalService(
            self.search_index,
            self.geocoder,
            self.vocabulary,
            clock=self.clock,
            availability_max_age=self.availability_max_age,
        )

    @cached_property
    def treatments(self) -> TreatmentService:
        from chalicelib.treatments.service import TreatmentService

        return TreatmentService(self.search_index, self.search, self.vocabulary)

    # --- search analytics ----------------------------------------------------------------

    @cached_property
    def analytics_sink(self) -> AnalyticsSink:
        """Where query and event records go: the local node's UBI indices on the local stage,
        else one log line each (no round trip on a search)."""
        if self.settings.stage == "local":
            from chalicelib.adapters.opensearch_ubi_sink import OpenSearchUbiSink

            return OpenSearchUbiSink(self.clients.opensearch)
        from chalicelib.adapters.log_analytics_sink import LogAnalyticsSink

        return LogAnalyticsSink()

    @cached_property
    def search_metrics(self) -> SearchMetrics:
        """Searches, zero results, relaxed answers, typeahead and recording failures as EMF."""
        from chalicelib.adapters.emf_search_metrics import EmfSearchMetrics

        return EmfSearchMetrics()

    @cached_property
    def query_recorder(self) -> QueryRecorder:
        """Records each search and typeahead answer; never fails one."""
        from chalicelib.analytics.recorder import QueryRecorder
        from chalicelib.search.vocabulary import gazetteer

        return QueryRecorder(
            self.analytics_sink, self.search_metrics, self.vocabulary.get, lambda word: gazetteer().locate(word)
        )

    @cached_property
    def event_recorder(self) -> EventRecorder:
        """Records click events and enquiries sent from an answer; never fails a request."""
        from chalicelib.analytics.event_recorder import EventRecorder

        return EventRecorder(self.analytics_sink, self.search_metrics)

    @cached_property
    def click_events(self) -> ClickEvents:
        """``POST /events``: counted per network in the rate-limit table, then recorded."""
        from chalicelib.adapters.dynamodb_rate_counter import DynamoDBRateCounter
        from chalicelib.analytics.click_events import ClickEvents

        settings = self.app_settings
        counter = DynamoDBRateCounter(self.clients.dynamodb, settings.rate_limit_table)
        return ClickEvents(self.event_recorder, counter, settings.events_ip_rate_per_hour, settings.rate_limit_salt)

    # --- enquiries -----------------------------------------------------------------------

    @property
    def app_settings(self) -> Settings:
        if not isinstance(self.settings, Settings):
            raise ConfigError("Configuration error: the enquiry services need the app's settings, not search's alone")
        return self.settings

    @cached_property
    def store(self) -> DynamoDBEnquiryStore:
        """One adapter serves the three store ports: taking enquiries, marking their
        progress, and the sweep's list of the unsent."""
        from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore

        settings = self.app_settings
        return DynamoDBEnquiryStore(self.clients.dynamodb, settings.enquiries_table, settings.rate_limit_table)

    @cached_property
    def enquiry_endpoint(self) -> EnquiryEndpoint:
        from chalicelib.enquiries.endpoint import EnquiryEndpoint
        from chalicelib.enquiries.submit import EnquiryService

        settings = self.app_settings
        service = EnquiryService(
            self.store, self.search_index, settings, metrics=self.service_metrics, events=self.event_recorder
        )
        return EnquiryEndpoint(service, settings.idempotency_table, self.clients.dynamodb)

    @cached_property
    def data_rights(self) -> DataRights:
        """Export and erasure of what is held under one e-mail address (the CLI and the admin routes)."""
        from chalicelib.adapters.dynamodb_store import DynamoDBAddressRecords
        from chalicelib.enquiries.rights import DataRights

        settings = self.app_settings
        records = DynamoDBAddressRecords(
            self.clients.dynamodb, settings.enquiries_table, settings.idempotency_table, settings.rate_limit_table
        )
        return DataRights(records, settings.rate_limit_salt)

    @cached_property
    def mailer(self) -> Mailer:
        from chalicelib.adapters.ses_mailer import SesMailer

        configuration_set = self.app_settings.ses_configuration_set or None
        return SesMailer(self.clients.ses, configuration_set)

    @cached_property
    def dead_letters(self) -> DeadLetters:
        from chalicelib.adapters.sqs_dead_letters import SqsDeadLetters

        queue = self.app_settings.dead_letter_queue
        return SqsDeadLetters(self.clients.sqs, queue)

    @cached_property
    def notifier(self) -> Notifier:
        from chalicelib.enquiries.notify import Notifier

        return Notifier(
            self.store,
            self.mailer,
            self.dead_letters,
            self.search_index,
            self.mail_settings,
            links=self.team_links,
            metrics=self.service_metrics,
        )

    @cached_property
    def mail_settings(self) -> MailSettings:
        from chalicelib.enquiries.notify import MailSettings

        settings = self.app_settings
        return MailSettings(settings.ses_sender, settings.fallback_team_email, settings.unrouted_fallback_after_s)

    @cached_property
    def link_keys(self) -> LinkKeys:
        """The team links' keys: the local stage's own, or the secret read at run time."""
        settings = self.app_settings
        if settings.enquiry_link_key:
            from chalicelib.enquiries.links import FixedKeys

            return FixedKeys(settings.enquiry_link_key.encode())
        from chalicelib.adapters.secretsmanager_link_keys import SecretsManagerLinkKeys

        return SecretsManagerLinkKeys(self.clients.secretsmanager, settings.enquiry_link_secret)

    @cached_property
    def team_links(self) -> TeamLinks:
        from chalicelib.enquiries.followup import TeamLinks

        return TeamLinks(self.link_keys, self.app_settings.enquiry_link_base_url)

    @cached_property
    def team_follow_up(self) -> TeamFollowUp:
        from chalicelib.enquiries.followup import TeamFollowUp

        return TeamFollowUp(self.store, self.link_keys, metrics=self.deadline_metrics)

    @cached_property
    def bounce_handler(self) -> BounceHandler:
        """SES's bounces and complaints: marks, the team bounce, the suppression list, metrics."""
        from chalicelib.enquiries.bounces import BounceHandler

        settings = self.app_settings
        return BounceHandler(
            self.store, self.mailer, self.mail_settings, settings.rate_limit_salt, metrics=self.metrics_sink
        )

    @cached_property
    def sweeper(self) -> Sweeper:
        from chalicelib.enquiries.sweep import Sweeper

        return Sweeper(
            self.store,
            self.notifier,
            after_s=self.app_settings.sweep_after_s,
            reminders=self.reminders,
            metrics=self.service_metrics,
        )

    @cached_property
    def reminders(self) -> Reminders:
        from chalicelib.enquiries.reminders import Reminders

        return Reminders(self.store, self.mailer, self.mail_settings, self.team_links, metrics=self.deadline_metrics)

    # --- reporting -----------------------------------------------------------------------

    @cached_property
    def enquiry_report(self) -> DynamoDBEnquiryReport:
        """The report's rows of the enquiries table (no personal attributes read)."""
        from chalicelib.adapters.dynamodb_enquiry_report import DynamoDBEnquiryReport

        return DynamoDBEnquiryReport(self.clients.dynamodb, self.app_settings.enquiries_table)

    @cached_property
    def metrics_sink(self) -> MetricsSink:
        """Embedded Metric Format on stdout; a test sets its own before the services use it."""
        from chalicelib.adapters.emf_metrics import EmfMetricsSink

        return EmfMetricsSink()

    @cached_property
    def totals_sink(self) -> TotalsSink:
        """The service's counts (no dimension), as EMF; a test sets its own before the services use it."""
        from chalicelib.adapters.emf_metrics import EmfMetricsSink

        return EmfMetricsSink()

    @cached_property
    def service_metrics(self) -> ServiceMetrics:
        """Enquiries received, e-mails sent and the sweep's backlog, for the on-call dashboard."""
        from chalicelib.enquiries.service_metrics import ServiceMetrics

        return ServiceMetrics(self.totals_sink)

    @cached_property
    def deadline_metrics(self) -> DeadlineMetrics:
        """The reply deadlines' metrics, counted in the calendar the deadlines are set in."""
        from chalicelib.enquiries.bank_holidays import ENGLAND_AND_WALES, EVERY_DAY
        from chalicelib.enquiries.metrics import DeadlineMetrics

        calendar = EVERY_DAY if self.app_settings.reply_calendar == "every-day" else ENGLAND_AND_WALES
        return DeadlineMetrics(self.enquiry_report, self.metrics_sink, calendar)


def bootstrap(
    settings: SearchSettings,
    clients: Clients | None = None,
    *,
    index: SearchIndex | None = None,
    geocoder: Geocoder | None = None,
    mailer: Mailer | None = None,
    clock: Callable[[], datetime] | None = None,
    analytics: AnalyticsSink | None = None,
) -> Services:
    """Every service, built on first use from ``settings`` and ``clients`` (by default, the
    clients the settings name), with any port given in place of its adapter (and any
    ``clock`` in place of the system's)."""
    return Services(
        settings,
        clients or Clients(settings),
        index=index,
        geocoder=geocoder,
        mailer=mailer,
        clock=clock,
        analytics=analytics,
    )
