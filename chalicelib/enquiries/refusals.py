"""Why ``POST /enquiries`` refuses a submission before anything is stored.

Raised by :mod:`chalicelib.enquiries.endpoint`, answered by :mod:`chalicelib.http`. Apart
from the endpoint so that the api function's import, which needs the error mapping for
every route, does not build the endpoint's pydantic models.
"""

from __future__ import annotations


class PayloadTooLarge(Exception):
    pass


class KeyReusedWithOtherBody(Exception):
    pass


class KeyInFlight(Exception):
    pass
