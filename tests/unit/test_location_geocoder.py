"""The Amazon Location Service geocoder, on a real boto3 client.

moto 5.2.5 does not implement Location Service, so responses come from botocore's
Stubber (which checks requests and responses against the service model) and the
network failure from a closed local port.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from chalicelib.adapters.location_geocoder import LocationServiceGeocoder, PlaceIndexClient
from chalicelib.geo import GeoPoint
from chalicelib.search.ports import GeocoderUnavailable, SearchUnavailable

PLACE_INDEX = "find-a-specialist-places"
HENDON = GeoPoint(lat=51.5963, lon=-0.2258)


def _client(**options: Any) -> Any:
    return boto3.client(
        "location", region_name="eu-west-2", aws_access_key_id="testing", aws_secret_access_key="testing", **options
    )


def _answer(text: str, *points: list[float]) -> dict[str, Any]:
    return {
        "Summary": {"Text": text, "DataSource": "Esri", "FilterCountries": ["GBR"], "MaxResults": 1},
        "Results": [{"Place": {"Geometry": {"Point": point}, "Label": text}, "Relevance": 1.0} for point in points],
    }


def _request(text: str) -> dict[str, Any]:
    return {"IndexName": PLACE_INDEX, "Text": text, "FilterCountries": ["GBR"], "MaxResults": 1}


@pytest.fixture
def stubbed() -> Iterator[tuple[LocationServiceGeocoder, Stubber]]:
    client = _client()
    with Stubber(client) as stubber:
        yield LocationServiceGeocoder(cast(PlaceIndexClient, client), PLACE_INDEX), stubber
        stubber.assert_no_pending_responses()


def test_given_a_place_then_the_first_results_point_is_returned_as_lat_lon(
    stubbed: tuple[LocationServiceGeocoder, Stubber],
) -> None:
    geocoder, stubber = stubbed
    stubber.add_response("search_place_index_for_text", _answer("Hendon", [HENDON.lon, HENDON.lat]), _request("Hendon"))

    assert geocoder.locate("Hendon") == HENDON


def test_given_surrounding_spaces_then_the_service_is_sent_the_trimmed_text(
    stubbed: tuple[LocationServiceGeocoder, Stubber],
) -> None:
    geocoder, stubber = stubbed
    stubber.add_response(
        "search_place_index_for_text", _answer("NW4 1RP", [HENDON.lon, HENDON.lat]), _request("NW4 1RP")
    )

    assert geocoder.locate("  NW4 1RP ") == HENDON


def test_given_no_result_then_none(stubbed: tuple[LocationServiceGeocoder, Stubber]) -> None:
    geocoder, stubber = stubbed
    stubber.add_response("search_place_index_for_text", _answer("Atlantis"), _request("Atlantis"))

    assert geocoder.locate("Atlantis") is None


@pytest.mark.parametrize("place", ["", "   ", "x" * 201])
def test_given_text_the_service_cannot_take_then_none_without_a_call(
    stubbed: tuple[LocationServiceGeocoder, Stubber], place: str
) -> None:
    geocoder, _ = stubbed

    assert geocoder.locate(place) is None


def test_given_the_service_refuses_the_text_then_none(stubbed: tuple[LocationServiceGeocoder, Stubber]) -> None:
    geocoder, stubber = stubbed
    stubber.add_client_error("search_place_index_for_text", "ValidationException", http_status_code=400)

    assert geocoder.locate("!!!") is None


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 429),
        ("InternalServerException", 500),
        ("AccessDeniedException", 403),
        ("ResourceNotFoundException", 404),
    ],
)
def test_given_the_service_fails_then_geocoder_unavailable(
    stubbed: tuple[LocationServiceGeocoder, Stubber], code: str, status: int
) -> None:
    geocoder, stubber = stubbed
    stubber.add_client_error("search_place_index_for_text", code, http_status_code=status)

    with pytest.raises(GeocoderUnavailable, match=code):
        geocoder.locate("Hendon")


def test_given_the_service_is_unreachable_then_geocoder_unavailable() -> None:
    client = _client(
        endpoint_url="http://127.0.0.1:9", config=Config(connect_timeout=1, retries={"total_max_attempts": 1})
    )
    geocoder = LocationServiceGeocoder(cast(PlaceIndexClient, client), PLACE_INDEX)

    with pytest.raises(GeocoderUnavailable, match="EndpointConnectionError"):
        geocoder.locate("Hendon")


def test_given_geocoder_unavailable_then_the_api_treats_it_as_search_unavailable() -> None:
    assert issubclass(GeocoderUnavailable, SearchUnavailable)
