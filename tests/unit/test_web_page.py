"""The demo page's routes (devstack.local_routes): the page and its assets on the local stage,
a JSON 404 elsewhere, even were they added to the app there."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from chalice.test import Client

from chalicelib import deps
from devstack.local_routes import local_app
from devstack.web import ASSETS, WEB_DIR


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
