"""The geocoder port on Amazon Location Service (a place index), for production.

The client is built elsewhere (``chalicelib.bootstrap``), lazily, and passed in. moto 5.2.5
does not implement Location Service (``create_place_index`` answers "Not yet
implemented"), so this adapter is tested with botocore's ``Stubber`` on a real boto3
client, which checks the request and response shapes against the service model, and
against a closed local port for a network failure; it has not run against moto.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from chalicelib.geo import GeoPoint
from chalicelib.search.ports import GeocoderUnavailable

log = logging.getLogger(__name__)

# The service accepts 1 to 200 characters of text; outside that it is not a place.
MAX_TEXT_CHARS = 200


class PlaceIndexClient(Protocol):
    """The one call used of a boto3 ``location`` client (mypy-boto3-location is not installed)."""

    def search_place_index_for_text(
        self, *, IndexName: str, Text: str, FilterCountries: Sequence[str], MaxResults: int
    ) -> Mapping[str, Any]: ...


class LocationServiceGeocoder:
    def __init__(self, client: PlaceIndexClient, place_index: str) -> None:
        self._client = client
        self._place_index = place_index

    def locate(self, place: str) -> GeoPoint | None:
        """The best match in Great Britain and Northern Ireland; None when there is none.

        :class:`GeocoderUnavailable` when the service fails (throttling, network, access),
        so the API answers 503 rather than calling the place unknown.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        text = place.strip()
        if not text or len(text) > MAX_TEXT_CHARS:
            return None
        try:
            answer = self._client.search_place_index_for_text(
                IndexName=self._place_index, Text=text, FilterCountries=["GBR"], MaxResults=1
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ValidationException":
                # The service refused the text itself: no place, not an outage.
                return None
            log.warning("place index search failed: %s", code)
            raise GeocoderUnavailable(f"place index search failed: {code}") from exc
        except BotoCoreError as exc:
            log.warning("place index unreachable: %s", type(exc).__name__)
            raise GeocoderUnavailable(f"place index unreachable: {type(exc).__name__}") from exc
        results = answer.get("Results") or []
        if not results:
            return None
        # The service gives points as [longitude, latitude].
        lon, lat = results[0]["Place"]["Geometry"]["Point"]
        return GeoPoint(lat=float(lat), lon=float(lon))
