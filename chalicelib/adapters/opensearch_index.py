"""The search index port on OpenSearch (opensearch-py).

Every failure becomes :class:`SearchUnavailable`: the API answers 503 with Retry-After
and never passes OpenSearch's own error text to a patient. The log keeps the status and
error type for the engineer on call, never the query (it may hold personal words).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chalicelib.search.ports import SearchIndex, SearchUnavailable

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

    from chalicelib.search.ports import Corpus

log = logging.getLogger(__name__)


class OpenSearchIndex(SearchIndex):
    def __init__(self, client: OpenSearch, alias: str, treatments_alias: str = "treatments") -> None:
        self._client = client
        self._alias = alias
        # A missing treatments alias (its feed not loaded yet) answers no hits, not an error:
        # a treatment's page still has its label and specialists.
        self._headers: dict[Corpus, dict[str, Any]] = {
            "specialists": {},
            "treatments": {"index": treatments_alias, "ignore_unavailable": True},
        }

    def ping(self) -> None:
        health = self._client.cluster.health()
        if health.get("status") == "red":
            raise SearchUnavailable("cluster status red")

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        from opensearchpy.exceptions import OpenSearchException

        try:
            answer: dict[str, Any] = self._client.search(index=self._alias, body=body)
        except OpenSearchException as exc:
            raise _unavailable(exc) from None
        if answer.get("timed_out"):
            log.warning("search timed out inside OpenSearch")
        return answer

    def msearch(
        self, bodies: Sequence[dict[str, Any]], corpora: Sequence[Corpus] | None = None
    ) -> list[dict[str, Any]]:
        from opensearchpy.exceptions import OpenSearchException

        lines: list[dict[str, Any]] = []
        for number, body in enumerate(bodies):
            lines += [self._headers[corpora[number] if corpora else "specialists"], body]
        try:
            answer: dict[str, Any] = self._client.msearch(index=self._alias, body=lines)
        except OpenSearchException as exc:
            raise _unavailable(exc) from None
        responses: list[dict[str, Any]] = answer["responses"]
        for response in responses:
            if "error" in response:
                error = response["error"]
                kind = error.get("type") if isinstance(error, dict) else type(error).__name__
                log.error("search unavailable: status=%s error=%s", response.get("status", "n/a"), kind)
                raise SearchUnavailable(str(kind))
            if response.get("timed_out"):
                log.warning("search timed out inside OpenSearch")
        return responses

    def get(self, doc_id: str) -> dict[str, Any] | None:
        from opensearchpy.exceptions import NotFoundError, OpenSearchException

        try:
            found: dict[str, Any] = self._client.get(index=self._alias, id=doc_id)
        except NotFoundError as exc:
            if _error_type(exc) == "index_not_found_exception":
                raise _unavailable(exc) from None
            return None
        except OpenSearchException as exc:
            raise _unavailable(exc) from None
        source: dict[str, Any] = found["_source"]
        return source


def _error_type(exc: Exception) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        return str(info["error"].get("type"))
    return type(exc).__name__


def _unavailable(exc: Exception) -> SearchUnavailable:
    log.error("search unavailable: status=%s error=%s", getattr(exc, "status_code", "n/a"), _error_type(exc))
    return SearchUnavailable(type(exc).__name__)
