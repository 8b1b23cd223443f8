"""moto's TransactWriteItems with a rollback snapshot the size of the transaction.

moto 5.2 backs up every table a transaction names with ``copy.deepcopy`` before it
applies the transaction, so each one costs time in proportion to all the table holds,
items and stream records alike. Every accepted enquiry is one transaction (the enquiry
and two rate-limit counters), so on the local stack the thousandth enquiry took
seconds and concurrent patients were answered 503: the stand-in, not the code under
test, was the bottleneck. Real DynamoDB has no such cost.

The snapshot taken here holds the same state the rollback needs: the table's item map
(a shallow copy), deep copies of the items the transaction names (the only ones it can
change in place), and its stream records up to now. A failed transaction restores
exactly what moto's own backup would. The local moto server answers one request at a
time (:mod:`devstack.moto_server`), so no other request sees the swapped ``copy``.
"""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

_INSTALLED = "_snapshots_touched_items"


def install() -> None:
    """Patch moto's DynamoDB backend for this process (idempotent)."""
    from moto.dynamodb import models

    original = models.DynamoDBBackend.transact_write_items
    if getattr(original, _INSTALLED, False):
        return

    @functools.wraps(original)
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        touched = _touched_hash_keys(backend, transact_items)
        namespace = vars(models)
        namespace["copy"] = _Snapshots(touched)  # moto's module calls copy.deepcopy(table)
        try:
            original(backend, transact_items)
        finally:
            namespace["copy"] = copy

    setattr(transact_write_items, _INSTALLED, True)
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign, assignment]


def _touched_hash_keys(backend: Any, transact_items: list[dict[str, Any]]) -> dict[str, set[Any]]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    touched: dict[str, set[Any]] = defaultdict(set)
    for item in transact_items:
        for op in item.values():
            name = op.get("TableName") if isinstance(op, dict) else None
            if not isinstance(name, str) or name not in backend.tables:
                continue  # moto reports it; nothing to back up
            hash_attr = backend.tables[name].hash_key_attr
            key = op.get("Key") or op.get("Item") or {}
            if hash_attr in key:
                touched[name].add(DynamoType(key[hash_attr]))
    return touched


class _Snapshots(SimpleNamespace):
    """Stands in for the ``copy`` module inside moto's DynamoDB models during one transaction."""

    def __init__(self, touched: dict[str, set[Any]]) -> None:
        super().__init__(copy=copy.copy)
        self._touched = touched

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        if isinstance(value, Table) and value.name in self._touched:
            return _snapshot(value, self._touched[value.name])
        return copy.deepcopy(value, memo)


def _snapshot(table: Any, hash_keys: set[Any]) -> Any:
    clone = copy.copy(table)
    clone.items = defaultdict(dict, table.items)
    for hash_key in hash_keys & set(table.items):
        clone.items[hash_key] = copy.deepcopy(table.items[hash_key])
    if table.stream_shard is not None:
        shard = copy.copy(table.stream_shard)
        shard.items = list(table.stream_shard.items)
        shard.table = clone
        clone.stream_shard = shard
    return clone
