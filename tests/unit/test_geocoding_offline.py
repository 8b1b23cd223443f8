"""The offline geocoder: the shipped places table and how typed places are matched to it."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from chalicelib.catalog import Hospital
from chalicelib.geo import GeoPoint, distance_miles
from chalicelib.geocoding import offline
from chalicelib.geocoding.offline import OfflineGeocoder, read_places
from indexer.demo_data import HOSPITALS

# The town each demo hospital is in (or the nearest one a patient would type).
HOSPITAL_TOWNS = {
    "london-independent": "Stepney",
    "hendon": "Hendon",
    "blackheath": "Blackheath",
    "clementine-churchill": "Harrow",
    "cavell": "Enfield",
    "bishops-wood": "Northwood",
    "sloane": "Beckenham",
    "chelsfield-park": "Orpington",
    "princess-margaret": "Windsor",
    "runnymede": "Chertsey",
    "mount-alvernia": "Guildford",
    "chiltern": "Great Missenden",
    "shelburne": "High Wycombe",
    "somerfield": "Maidstone",
    "chaucer": "Canterbury",
    "esperance": "Eastbourne",
    "goring-hall": "Worthing",
    "southend": "Southend-on-Sea",
    "st-edmunds": "Bury St Edmunds",
    "sandringham": "King's Lynn",
    "manor": "Bedford",
    "three-shires": "Northampton",
    "priory": "Birmingham",
    "edgbaston": "Edgbaston",
    "meriden": "Coventry",
    "droitwich-spa": "Droitwich Spa",
    "park": "Nottingham",
    "lincoln": "Lincoln",
    "ridgeway": "Swindon",
    "bath-clinic": "Bath",
    "harbour": "Poole",
    "sarum-road": "Winchester",
    "duchy": "Truro",
    "werndale": "Carmarthen",
    "beaumont": "Bolton",
    "highfield": "Rochdale",
    "alexandra": "Cheadle",
    "beardwood": "Blackburn",
    "huddersfield": "Huddersfield",
    "thornbury": "Sheffield",
    "woodlands": "Darlington",
    "ross-hall": "Glasgow",
    "albyn": "Aberdeen",
    "kings-park": "Stirling",
    "fernbrae": "Dundee",
}
NEARBY_MILES = 10
CHARING_CROSS = GeoPoint(51.5080, -0.1247)
UK_LAT, UK_LON = (49.8, 60.9), (-8.7, 1.8)
LONDON_DISTRICTS = [
    *(f"N{n}" for n in range(1, 23)),
    *(f"NW{n}" for n in range(1, 12)),
    *(f"E{n}" for n in [*range(1, 19), 20]),
    *(f"SE{n}" for n in range(1, 29)),
    *(f"SW{n}" for n in range(1, 21)),
    *(f"W{n}" for n in range(1, 15)),
    *(
        f"EC{n}{sector}"
        for n, sectors in [(1, "AMNRVY"), (2, "AMNRVY"), (3, "AMNRV"), (4, "AMNRVY")]
        for sector in sectors
    ),
    *(f"WC1{sector}" for sector in "ABEHNRVX"),
    *(f"WC2{sector}" for sector in "ABEHNR"),
    *(f"W1{sector}" for sector in "ABCDFGHJKSTUW"),
    *(f"SW1{sector}" for sector in "AEHPVWXY"),
    "E1W",
    "N1C",
]
HOSTILE_INPUTS = [
    "'; DROP TABLE places; --",
    "Bolton' OR '1'='1",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "../../etc/passwd",
    "Bolton " * 1700,
    "🏥🩺",
    "بولتون",
    "\u202e\u05d1\u05d5\u05dc\u05d8\u05d5\u05df",
    "\u200b\u200c\u200d\ufeff",
    "\x00",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder()


def _near(point: GeoPoint | None, hospital: Hospital) -> bool:
    return point is not None and distance_miles(point, GeoPoint(hospital.lat, hospital.lon)) <= NEARBY_MILES


def test_given_the_demo_hospitals_then_each_has_a_town_to_test() -> None:
    assert set(HOSPITAL_TOWNS) == {hospital.id for hospital in HOSPITALS}


@pytest.mark.parametrize("hospital", HOSPITALS, ids=lambda hospital: hospital.id)
def test_given_a_demo_hospitals_postcode_then_it_is_placed_near_the_hospital(
    geocoder: OfflineGeocoder, hospital: Hospital
) -> None:
    outward = hospital.postcode.split()[0]

    assert _near(geocoder.locate(hospital.postcode), hospital)
    assert _near(geocoder.locate(hospital.postcode.replace(" ", "").lower()), hospital)
    assert _near(geocoder.locate(outward), hospital)


@pytest.mark.parametrize("hospital", HOSPITALS, ids=lambda hospital: hospital.id)
def test_given_a_demo_hospitals_town_then_it_is_placed_near_the_hospital(
    geocoder: OfflineGeocoder, hospital: Hospital
) -> None:
    assert _near(geocoder.locate(HOSPITAL_TOWNS[hospital.id]), hospital)


@pytest.mark.parametrize("district", LONDON_DISTRICTS)
def test_given_a_london_postcode_district_then_it_is_placed_in_london(geocoder: OfflineGeocoder, district: str) -> None:
    point = geocoder.locate(district)

    assert point is not None
    assert distance_miles(point, CHARING_CROSS) < 15


@pytest.mark.parametrize(
    ("postcode", "landmark"),
    [
        ("SW1A 2AA", GeoPoint(51.5034, -0.1276)),  # Downing Street
        ("EC1A 7BE", GeoPoint(51.5177, -0.1000)),  # St Bartholomew's Hospital
        ("W1G 6BW", GeoPoint(51.5205, -0.1475)),  # Harley Street
        ("SE1 7EH", GeoPoint(51.4989, -0.1187)),  # St Thomas' Hospital
        ("NW1 2BU", GeoPoint(51.5246, -0.1340)),  # University College Hospital
        ("E14 5AB", GeoPoint(51.5054, -0.0235)),  # Canary Wharf
        ("SW3 6JJ", GeoPoint(51.4893, -0.1697)),  # The Royal Marsden
    ],
)
def test_given_a_central_london_postcode_then_it_is_within_a_mile_and_a_half(
    geocoder: OfflineGeocoder, postcode: str, landmark: GeoPoint
) -> None:
    point = geocoder.locate(postcode)

    assert point is not None
    assert distance_miles(point, landmark) < 1.5


@pytest.mark.parametrize(
    ("variants", "canonical"),
    [
        (["nw41rp", "NW41RP", "  nw4   1rp ", "NW4-1RP", "NW4 1RP, UK", "NW4 1RP London"], "NW4 1RP"),
        (["m1", " M1 ", "m 1"], "M1"),
        (["ec1a", "EC1A 1BB"], "EC1A"),
        (["hendon", "HENDON", " Hendon ", "Hendon, London", "Hendon, London, UK", "Hen\u200bdon"], "Hendon"),
        (["bolton", "Bolton, UK", "Bolton, England", "Bolton United Kingdom", "Bólton", "Bolton."], "Bolton"),
        (["Saint Albans", "St. Albans", "st albans", "ST ALBANS", "St Albans, UK"], "St Albans"),
        (["Bury Saint Edmunds", "bury st. edmunds", "BURY ST EDMUNDS, England"], "Bury St Edmunds"),
        (["Newcastle-upon-Tyne", "newcastle upon tyne", "Newcastle"], "Newcastle upon Tyne"),
        (["Kings Lynn", "king's lynn", "King\u2019s Lynn", "KINGS-LYNN"], "King's Lynn"),
        (["Stoke on Trent", "stoke-on-trent"], "Stoke-on-Trent"),
        (["Brighton & Hove", "brighton and hove"], "Brighton and Hove"),
        (["Cardiff, Wales", "Cardiff Wales UK"], "Cardiff"),
        (["Belfast, Northern Ireland"], "Belfast"),
        (["Ayr, Scotland", "AYR"], "Ayr"),
    ],
)
def test_given_spellings_of_one_place_then_they_locate_alike(
    geocoder: OfflineGeocoder, variants: list[str], canonical: str
) -> None:
    expected = geocoder.locate(canonical)

    assert expected is not None
    assert [geocoder.locate(variant) for variant in variants] == [expected] * len(variants)


def test_given_a_name_ending_in_a_region_word_then_it_matches_whole(geocoder: OfflineGeocoder) -> None:
    city, london = geocoder.locate("City of London"), geocoder.locate("London")

    assert city is not None
    assert london is not None
    assert city != london


@pytest.mark.parametrize(
    "place",
    [
        "Atlantis",
        "Paris",
        "Wales",
        "London, Paris",
        "ZZ9 9ZZ",  # a postcode's shape, an outward code that does not exist
        "NW99 1AA",
        "NW4 1CI",  # C and I never appear in an inward code
        "NW4 1R",
        "NW4 1RPX",
        "12345",
        "hendon-hospital",  # hospital ids are the search service's to resolve
    ],
)
def test_given_an_unknown_place_then_none(geocoder: OfflineGeocoder, place: str) -> None:
    assert geocoder.locate(place) is None


@pytest.mark.parametrize("place", HOSTILE_INPUTS, ids=range(len(HOSTILE_INPUTS)))
def test_given_hostile_input_then_none_without_error(geocoder: OfflineGeocoder, place: str) -> None:
    started = time.perf_counter()

    assert geocoder.locate(place) is None
    assert time.perf_counter() - started < 0.05


def test_given_the_shipped_table_then_no_name_is_listed_twice_per_kind() -> None:
    keys = Counter((place.kind, place.key) for place in read_places())

    assert [key for key, count in keys.items() if count > 1] == []


def test_given_the_shipped_table_then_every_point_is_in_the_uk() -> None:
    outside = [
        place.name
        for place in read_places()
        if not (UK_LAT[0] <= place.point.lat <= UK_LAT[1] and UK_LON[0] <= place.point.lon <= UK_LON[1])
    ]

    assert outside == []


def test_given_the_shipped_table_then_names_are_well_formed() -> None:
    places = read_places()
    outward = [place.name for place in places if place.kind == "outward"]
    towns = [place.name for place in places if place.kind == "town"]

    assert [name for name in outward if not re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?", name)] == []
    assert [name for name in towns if not re.fullmatch(r"[A-Za-z][A-Za-z' -]*[a-z]", name)] == []
    assert len(outward) >= 250
    assert len(towns) >= 150


def test_given_a_new_geocoder_then_the_table_is_read_on_first_use_only(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []

    def counting_read(path: Path) -> list[offline.Place]:
        reads.append(path)
        return read_places(path)

    monkeypatch.setattr(offline, "read_places", counting_read)
    geocoder = OfflineGeocoder()

    assert reads == []
    geocoder.locate("Bolton")
    geocoder.locate("NW4 1RP")
    assert reads == [offline.PLACES_CSV]


def test_given_a_table_then_comments_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    table = tmp_path / "places.csv"
    table.write_text(
        "# a comment\n\nkind,name,lat,lon\n# another\noutward,AB1,57.1,-2.1\ntown,Saint Ives,50.21,-5.48\n"
    )

    geocoder = OfflineGeocoder(table)

    assert geocoder.locate("AB1 2DE") == GeoPoint(57.1, -2.1)
    assert geocoder.locate("St Ives") == GeoPoint(50.21, -5.48)


def test_given_a_row_of_an_unknown_kind_then_reading_the_table_fails(tmp_path: Path) -> None:
    table = tmp_path / "places.csv"
    table.write_text("kind,name,lat,lon\ncounty,Kent,51.2,0.7\n")

    with pytest.raises(ValueError, match="unknown kind 'county'"):
        read_places(table)
