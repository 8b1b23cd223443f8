"""The HTTP edge of ``POST /enquiries``: it *accepts* a raw request (size, JSON, fields,
then once-only) and hands the parsed enquiry to the domain, which *submits* it
(:meth:`chalicelib.enquiries.submit.EnquiryService.submit`: route, count, store).

With an ``Idempotency-Key`` header the submission goes through Powertools' idempotency
utility (records in the idempotency table): the same key and body replay the first
answer with nothing new stored or sent; the same key with another body is refused
(422); the same key still being processed is refused (409).

A key is scoped to the patient: the record's identity is ``<key>#<digest>``, the digest an
HMAC-SHA256 of the normalised e-mail address under the rate-limit salt
(:meth:`EnquiryService.address_digest`). So a front end's predictable keys ("1", "form-1")
never make one patient's enquiry a replay of, or a 422 against, another's: the same key from
another address is a new enquiry. Keys taken before scoping was deployed do not replay after
it (their records were keyed on the bare key).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.enquiries.ports import StoreUnavailable
from chalicelib.enquiries.refusals import KeyInFlight, KeyReusedWithOtherBody, PayloadTooLarge
from chalicelib.enquiries.request import MAX_BODY_BYTES, EnquiryRequest, parse_enquiry
from chalicelib.errors import InvalidParameter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from chalicelib.enquiries.submit import EnquiryAccepted, EnquiryService

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,64}$")
REPLAY_WINDOW_S = 24 * 3600
# The idempotency records' id prefix, after the Lambda's name. Powertools would derive it from
# the decorated function's module and name, so moving or renaming this code would orphan the
# keys still in their replay window (a retry after such a deploy would store the enquiry
# twice). It is pinned to what it was when first deployed (the module was then ``intake``).
RECORD_ID_PREFIX = "chalicelib.enquiries.intake.EnquiryIntake.__init__.<locals>.accept_once"


def record_key_prefix() -> str:
    """What Powertools puts before ``#`` in a record's id: the Lambda's name and the pinned prefix."""
    return f"{os.environ.get('AWS_LAMBDA_FUNCTION_NAME', 'test-func')}.{RECORD_ID_PREFIX}"


def record_id(scope: str) -> str:
    """The id Powertools gives the record of a scoped key (``<key>#<digest>``): the prefix, ``#``,
    the MD5 of the key as JSON. Kept on the enquiry so that erasure can delete the record
    (:mod:`chalicelib.enquiries.rights`); pinned by a test against the record Powertools writes."""
    import hashlib
    import json

    return f"{record_key_prefix()}#{hashlib.md5(json.dumps(scope).encode(), usedforsecurity=False).hexdigest()}"


class EnquiryEndpoint:
    def __init__(self, service: EnquiryService, idempotency_table: str, client: DynamoDBClient) -> None:
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        self._service = service
        self._scope_digest: Callable[[str], str] = service.address_digest
        self._config = IdempotencyConfig(
            event_key_jmespath="scope",  # the key scoped to the patient's address, not the bare key
            payload_validation_jmespath="body",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=REPLAY_WINDOW_S,
        )
        persistence = DynamoDBPersistenceLayer(table_name=idempotency_table, boto3_client=client)

        @idempotent_function(  # type: ignore[untyped-decorator]  # Powertools types it loosely
            data_keyword_argument="submission",
            persistence_store=persistence,
            config=self._config,
            key_prefix=record_key_prefix(),
        )
        def accept_once(submission: dict[str, Any], request: EnquiryRequest) -> EnquiryAccepted:
            # ``submission`` is what the key's record hashes (its ``scope``, and its ``body`` for
            # validation); ``request`` is the same body, parsed once already: not validated again.
            return service.submit(request, submission["ip"], record_id(submission["scope"]))

        self._accept_once: Callable[..., EnquiryAccepted] = accept_once

    def accept(self, raw: bytes, key: str | None, client_ip: str, lambda_context: object | None) -> EnquiryAccepted:
        if len(raw) > MAX_BODY_BYTES:
            raise PayloadTooLarge
        if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
            raise InvalidParameter(
                IDEMPOTENCY_KEY_HEADER, "The Idempotency-Key header must be 1 to 64 visible ASCII characters"
            )
        request = parse_enquiry(raw)
        if key is None:
            return self._service.submit(request, client_ip)
        return self._once(key, request, client_ip, lambda_context)

    def _once(
        self, key: str, request: EnquiryRequest, client_ip: str, lambda_context: object | None
    ) -> EnquiryAccepted:
        from aws_lambda_powertools.utilities.idempotency.exceptions import (
            IdempotencyAlreadyInProgressError,
            IdempotencyPersistenceLayerError,
            IdempotencyValidationError,
        )

        if lambda_context is not None:
            # A crashed call then frees its key when the Lambda's time is up, not at expiry.
            self._config.register_lambda_context(lambda_context)  # type: ignore[arg-type]
        submission = {
            "key": key,
            "scope": f"{key}#{self._scope_digest(request.email)}",
            "body": request.model_dump(mode="json"),
            "ip": client_ip,
        }
        try:
            return self._accept_once(submission=submission, request=request)
        except IdempotencyValidationError:
            raise KeyReusedWithOtherBody from None
        except IdempotencyAlreadyInProgressError:
            raise KeyInFlight from None
        except IdempotencyPersistenceLayerError:
            raise StoreUnavailable("idempotency store") from None
