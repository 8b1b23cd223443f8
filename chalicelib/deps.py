"""The one place that builds clients and adapters: lazily, once per process.

Nothing here runs at import time: moto only intercepts clients created after it
starts, and a Lambda cold start should pay only for what its first request uses.
Warm invocations reuse the cached objects. Tests call :func:`reset` between
environments.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, cast

# The settings are imported by the functions that read them: the api function's import
# needs this module but not chalicelib.config (and the dataclasses it pulls in).
if TYPE_CHECKING:
    import boto3
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient
    from opensearchpy import OpenSearch

    from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore
    from chalicelib.enquiries.endpoint import EnquiryEndpoint
    from chalicelib.enquiries.notify import Notifier
    from chalicelib.enquiries.ports import DeadLetters, EnquiryProgress, EnquiryStore, Mailer
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


@functools.cache
def boto_session() -> boto3.Session:
    import boto3

    from chalicelib.config import get_search_settings

    return boto3.Session(region_name=get_search_settings().region or None)


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


@functools.cache
def dynamodb_client() -> DynamoDBClient:
    return boto_session().client("dynamodb", config=_aws_config(AWS_READ_TIMEOUT_S, attempts=3))


@functools.cache
def opensearch_client() -> OpenSearch:
    """For the API: a patient is waiting, so give up quickly."""
    return _opensearch(SEARCH_TIMEOUT_S)


@functools.cache
def indexing_client() -> OpenSearch:
    """For the indexer: patient, with a retry on a timed-out request."""
    return _opensearch(INDEXING_TIMEOUT_S, retry_on_timeout=True)


def _opensearch(timeout_s: float, retry_on_timeout: bool = False) -> OpenSearch:
    from opensearchpy import OpenSearch, Urllib3AWSV4SignerAuth, Urllib3HttpConnection

    from chalicelib.config import get_search_settings

    settings = get_search_settings()
    auth = None
    if settings.signs_search_requests:
        # The live credentials object: the signer freezes it per request, so
        # rotated Lambda credentials are picked up without rebuilding the client.
        auth = Urllib3AWSV4SignerAuth(boto_session().get_credentials(), settings.region, "es")
    return OpenSearch(
        hosts=[settings.opensearch_url],
        http_auth=auth,
        connection_class=Urllib3HttpConnection,
        timeout=timeout_s,
        max_retries=1 if retry_on_timeout else 0,
        retry_on_timeout=retry_on_timeout,
        http_compress=True,
    )


@functools.cache
def search_index() -> SearchIndex:
    from chalicelib.adapters.opensearch_index import OpenSearchIndex
    from chalicelib.config import get_search_settings

    settings = get_search_settings()
    return OpenSearchIndex(opensearch_client(), settings.search_alias, settings.treatments_alias)


@functools.cache
def geocoder() -> Geocoder:
    from chalicelib.config import get_search_settings
    from chalicelib.geocoding.offline import OfflineGeocoder

    place_index = get_search_settings().place_index
    if not place_index:
        return OfflineGeocoder()
    from chalicelib.adapters.location_geocoder import LocationServiceGeocoder, PlaceIndexClient
    from chalicelib.geocoding.chain import FirstFound

    client = cast("PlaceIndexClient", boto_session().client("location", config=_aws_config(1.0, attempts=1)))
    return FirstFound(OfflineGeocoder(), LocationServiceGeocoder(client, place_index))


@functools.cache
def vocabulary_cache() -> VocabularyCache:
    """What query understanding reads words against, shared by the services that need it."""
    from chalicelib.search.vocabulary import VocabularyCache

    return VocabularyCache(search_index())


@functools.cache
def search_service() -> SearchService:
    from chalicelib.search.service import SearchService

    return SearchService(search_index(), geocoder(), vocabulary_cache())


@functools.cache
def hospital_service() -> HospitalService:
    from chalicelib.search.hospital_service import HospitalService

    return HospitalService(search_index(), geocoder(), vocabulary_cache())


@functools.cache
def treatment_service() -> TreatmentService:
    from chalicelib.treatments.service import TreatmentService

    return TreatmentService(search_index(), search_service(), vocabulary_cache())


@functools.cache
def _dynamodb_store() -> DynamoDBEnquiryStore:
    """One adapter serves both ports: accepting enquiries and marking their progress."""
    from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore
    from chalicelib.config import get_settings

    settings = get_settings()
    return DynamoDBEnquiryStore(dynamodb_client(), settings.enquiries_table, settings.rate_limit_table)


def enquiry_store() -> EnquiryStore:
    return _dynamodb_store()


@functools.cache
def enquiry_endpoint() -> EnquiryEndpoint:
    from chalicelib.config import get_settings
    from chalicelib.enquiries.endpoint import EnquiryEndpoint
    from chalicelib.enquiries.submit import EnquiryService

    settings = get_settings()
    service = EnquiryService(enquiry_store(), search_index(), settings)
    return EnquiryEndpoint(service, settings.idempotency_table, dynamodb_client())


@functools.cache
def ses_client() -> SESV2Client:
    config = _aws_config(SES_READ_TIMEOUT_S, attempts=1, connect_timeout_s=SES_CONNECT_TIMEOUT_S)
    return boto_session().client("sesv2", config=config)


@functools.cache
def sqs_client() -> SQSClient:
    return boto_session().client("sqs", config=_aws_config(AWS_READ_TIMEOUT_S, attempts=4))


def enquiry_progress() -> EnquiryProgress:
    return _dynamodb_store()


@functools.cache
def mailer() -> Mailer:
    from chalicelib.adapters.ses_mailer import SesMailer

    return SesMailer(ses_client())


@functools.cache
def dead_letters() -> DeadLetters:
    from chalicelib.adapters.sqs_dead_letters import SqsDeadLetters
    from chalicelib.config import get_settings

    return SqsDeadLetters(sqs_client(), get_settings().dead_letter_queue)


@functools.cache
def notifier() -> Notifier:
    from chalicelib.config import get_settings
    from chalicelib.enquiries.notify import MailSettings, Notifier

    settings = get_settings()
    mail = MailSettings(
        settings.ses_sender,
        settings.fallback_team_email,
        settings.ses_configuration_set or None,
        settings.unrouted_fallback_after_s,
    )
    return Notifier(enquiry_progress(), mailer(), dead_letters(), search_index(), mail)


@functools.cache
def sweeper() -> Sweeper:
    from chalicelib.config import get_settings
    from chalicelib.enquiries.sweep import Sweeper

    return Sweeper(_dynamodb_store(), notifier(), after_s=get_settings().sweep_after_s)


def reset() -> None:
    """Forget every cached setting, client and adapter (tests switch environments)."""
    from chalicelib.config import get_search_settings, get_settings

    for cached in (
        get_search_settings,
        get_settings,
        boto_session,
        dynamodb_client,
        opensearch_client,
        indexing_client,
        search_index,
        geocoder,
        vocabulary_cache,
        search_service,
        hospital_service,
        treatment_service,
        _dynamodb_store,
        enquiry_endpoint,
        ses_client,
        sqs_client,
        mailer,
        dead_letters,
        notifier,
        sweeper,
    ):
        cached.cache_clear()
