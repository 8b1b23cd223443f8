"""The demo page's routes (devstack.local_routes): the page and its assets on the local stage,
a JSON 404 elsewhere, even were they added to the app there."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import deps
from chalicelib.search.request import SEARCH_QUERY, SORT
from devstack.local_routes import local_app
from devstack.web import ASSETS, PAGE, WEB_DIR


@pytest.fixture
def local(app_env: dict[str, str]) -> Iterator[Client]:
    with Client(local_app(), stage_name="local") as client:
        yield client


def test_given_the_local_stage_then_the_page_is_html_that_loads_only_its_own_assets(local: Client) -> None:
    page = local.http.get("/")

    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    referenced = set(re.findall(rb'(?:src|href)="/assets/([^"]+)"', page.body))
    assert referenced == {b"app.css", b"app.js"}


def test_every_asset_is_served_with_its_type_and_every_script_import_is_on_the_list(local: Client) -> None:
    for name, content_type in ASSETS.items():
        response = local.http.get(f"/assets/{name}")

        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == content_type
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        for imported in re.findall(rb'from "\./([^"]+)"', response.body):
            assert imported.decode() in ASSETS, f"{name} imports {imported!r}, which is not served"
    on_disk = {path.name for path in WEB_DIR.iterdir() if path.suffix in (".js", ".css")}
    assert on_disk == set(ASSETS)


@pytest.mark.parametrize("name", ["index.html", "__init__.py", "..%2F__init__.py", "app.JS", "nothing.js"])
def test_given_a_name_off_the_list_then_a_json_404(local: Client, name: str) -> None:
    response = local.http.get(f"/assets/{name}")

    assert response.status_code == 404
    assert json.loads(response.body)["error"]["code"] == "not_found"


def test_no_asset_loads_anything_from_another_site(local: Client) -> None:
    for name in ["/", *(f"/assets/{asset}" for asset in ASSETS)]:
        body = local.http.get(name).body

        assert b"http://" not in body, name
        assert not re.search(rb"https://(?!www\.w3\.org)", body), name


def test_given_the_prod_stage_then_neither_page_nor_assets_are_served(
    app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", "https://search.example:443")
    # As if the local routes were added there: the deployed app has none (test_app_guards.py).
    with Client(local_app(), stage_name="prod") as client:
        deps.reset()
        page = client.http.get("/")
        script = client.http.get("/assets/app.js")

    assert page.status_code == script.status_code == 404
    assert json.loads(page.body)["error"]["code"] == "not_found"


# ---- The page's words for fees, dates and the GMC register (format.js, run in Node) --------------


def run_format(*calls: list[Any], zone: str = "UTC") -> list[Any]:
    """Each call [function, *arguments] of format.js, in Node (a prerequisite of `make test`),
    with the machine's time zone set to `zone`."""
    source = (WEB_DIR / "format.js").read_bytes()
    module = "data:text/javascript;base64," + base64.b64encode(source).decode()
    script = (
        f"const m = await import({json.dumps(module)});"
        "const calls = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(calls.map(([name, ...args]) => m[name](...args))));"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(calls)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "TZ": zone},
        check=True,
    )
    answers: list[Any] = json.loads(result.stdout)
    return answers


def test_given_pence_then_pounds_show_pence_only_when_there_are_some() -> None:
    calls = [["pounds", pence] for pence in (25000, 25050, 25005, 100000, 0)]

    assert run_format(*calls) == ["£250", "£250.50", "£250.05", "£1,000", "£0"]


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Auckland"])
def test_given_a_slot_then_its_day_and_time_are_london_time_whatever_the_machine_zone(zone: str) -> None:
    winter, summer_night = "2026-12-08T09:30:00Z", "2026-06-08T23:30:00Z"

    shown = run_format(
        ["slotDay", winter],
        ["slotDay", summer_night],
        ["slotDayTime", winter],
        ["slotDayTime", summer_night],
        ["longDate", "2026-03-03T10:00:00Z"],
        zone=zone,
    )

    assert shown == ["Tue 8 Dec", "Tue 9 Jun", "Tue 8 Dec, 09:30", "Tue 9 Jun, 00:30", "3 Mar 2026"]


def test_given_a_maximum_fee_from_the_url_then_its_label_is_in_pounds_and_anything_else_is_shown_as_given() -> None:
    assert run_format(["maxFeeLabel", "20000"], ["maxFeeLabel", "17550"], ["maxFeeLabel", "lots"]) == [
        "Up to £200",
        "Up to £175.50",
        "lots",
    ]


def test_given_fees_updated_over_a_year_ago_then_they_may_be_stale() -> None:
    now = "2026-12-05T00:00:00Z"

    stale = run_format(
        ["feesMayBeStale", "2026-03-03T10:00:00Z", now],
        ["feesMayBeStale", "2025-12-06T00:00:00Z", now],
        ["feesMayBeStale", "2025-12-04T00:00:00Z", now],
    )

    assert stale == [False, False, True]


def test_given_a_gmc_number_then_the_registration_line_says_what_was_checked_and_when() -> None:
    registered = {
        "status": "registered",
        "specialist_register": ["Psychiatry"],
        "verified_at": "2026-12-01T08:00:00Z",
    }
    on_no_register = {**registered, "specialist_register": []}

    lines = run_format(
        ["registrationText", "1234567", registered],
        ["registrationText", "1234567", on_no_register],
        ["registrationText", "1234567", None],
        ["registrationText", None, None],
    )

    assert lines == [
        "GMC 1234567 · Registered · on the specialist register for Psychiatry · checked 1 Dec 2026",
        "GMC 1234567 · Registered · checked 1 Dec 2026",
        "GMC 1234567 · registration not checked",
        None,
    ]


# ---- The page and the API agree ---------------------------------------------------------------


def test_every_sort_the_page_offers_is_one_the_api_takes_and_it_offers_them_all() -> None:
    page = (WEB_DIR / PAGE).read_text(encoding="utf-8")
    sort_select = re.search(r'<select id="sort".*?</select>', page, re.DOTALL)
    assert sort_select

    offered = re.findall(r'<option value="([^"]+)"', sort_select.group(0))

    assert offered == list(SORT.choices)


def test_every_filter_the_page_offers_is_a_parameter_of_the_search() -> None:
    filters = (WEB_DIR / "filters.js").read_text(encoding="utf-8")
    declared = re.search(r"export const FACETS = \[(.*?)\];", filters, re.DOTALL)
    assert declared

    names = re.findall(r'\{ name: "([a-z_]+)"', declared.group(1))

    assert {"consultation_type", "available_within_days", "max_fee"} <= set(names)
    assert set(names) <= {parameter.name for parameter in SEARCH_QUERY}


def test_no_script_parses_text_as_markup_but_the_sanitiser_of_the_treatment_pages_html() -> None:
    """API text reaches the page through textContent (dom.js's el); only richtext.js parses HTML,
    in an inert template whose nodes it copies through an allow-list."""
    markup = re.compile(
        r"\.(inner|outer)HTML\s*=|insertAdjacentHTML\(|document\.write|DOMParser|createContextualFragment"
    )

    parsing = {name for name in ASSETS if markup.search((WEB_DIR / name).read_text(encoding="utf-8"))}

    assert parsing == {"richtext.js"}
