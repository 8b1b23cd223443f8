"""The Lambda's cached layer over the composition root (:mod:`chalicelib.bootstrap`).

One :class:`~chalicelib.bootstrap.Clients` and one :class:`~chalicelib.bootstrap.Services`
per process, built on first use from the environment's settings and kept for warm
invocations; nothing here runs at import time, and this module imports neither the
settings nor the root until a request needs them (the api function's import stays small).
Tests that switch environments call :func:`reset`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.bootstrap import Clients, Services


@functools.cache
def clients() -> Clients:
    """The clients, from the search settings alone: the indexer's function has no others."""
    from chalicelib.bootstrap import Clients
    from chalicelib.config import get_search_settings

    return Clients(get_search_settings())


@functools.cache
def services() -> Services:
    """Every service of the api and notify functions, from the app's settings."""
    from chalicelib.bootstrap import bootstrap
    from chalicelib.config import get_settings

    return bootstrap(get_settings(), clients())


def reset() -> None:
    """Forget the settings, the clients and the services (tests switch environments)."""
    from chalicelib.config import get_search_settings, get_settings

    for cached in (get_search_settings, get_settings, clients, services):
        cached.cache_clear()
