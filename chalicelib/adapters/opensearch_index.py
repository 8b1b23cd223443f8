"""The search index port on OpenSearch (opensearch-py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opensearchpy import OpenSearch


class SearchUnavailable(Exception):
    """OpenSearch answered, but cannot serve queries (a red cluster)."""


class OpenSearchIndex:
    def __init__(self, client: OpenSearch, alias: str) -> None:
        self._client = client
        self._alias = alias

    def ping(self) -> None:
        health = self._client.cluster.health()
        if health.get("status") == "red":
            raise SearchUnavailable("cluster status red")
