"""Why ``POST /enquiries`` (or ``POST /events``) refuses a body before anything is stored.

Raised by :mod:`chalicelib.enquiries.endpoint` and :mod:`chalicelib.analytics.click_events`,
answered by :mod:`chalicelib.http`. Apart from the endpoints so that the api function's
import, which needs the error mapping for every route, does not build their pydantic models.
"""

from __future__ import annotations


class PayloadTooLarge(Exception):
    def __init__(self, most_kib: int = 16) -> None:
        super().__init__(f"The request body must be at most {most_kib} KiB")
        self.message = str(self)


class KeyReusedWithOtherBody(Exception):
    pass


class KeyInFlight(Exception):
    pass
