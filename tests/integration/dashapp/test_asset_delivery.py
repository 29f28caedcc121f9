"""Bundles travel compressed, and the fingerprinted ones (plotly.js included) are cached a year."""

from __future__ import annotations

import re

import pytest

from dashapp.asset_delivery import IMMUTABLE, PLOTLY_META

pytestmark = pytest.mark.usefixtures("fake_model")


def page_html(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def plotly_url(html: str) -> str:
    match = re.search(rf'<meta name="{PLOTLY_META}" content="([^"]+)"', html)
    assert match, "the page does not name the plotly.js bundle"
    return match.group(1)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_plotly_bundle_is_compressed_and_immutable(logged_in, encoding):
    client, _ = logged_in
    html = page_html(client)
    url = plotly_url(html)
    assert re.search(r"/plotly/package_data/plotly\.v[\w-]+m\d+\.min\.js$", url)
    # The script that hands that URL to Dash's renderer is on the page.
    assert re.search(r'src="/assets/plotly_bundle\.js\?m=', html)

    response = client.get(url, headers={"Accept-Encoding": f"{encoding}, deflate"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in response.headers["Vary"]
    # The signed session cookie changes when it is saved again: a cache entry that varied by
    # cookie was thrown away on revisits and the 1.4 MB downloaded again.
    assert "Cookie" not in response.headers["Vary"]
    # 4.8 MB of JavaScript: compressed, it is well under a third.
    assert int(response.headers["Content-Length"]) < 4_800_000 / 3

    # A second visit gets the same bytes (cached compression keyed by file, not by fingerprint).
    again = client.get(url, headers={"Accept-Encoding": encoding})
    assert again.get_data() == response.get_data()


def test_every_fingerprinted_bundle_on_the_page_is_immutable(logged_in):
    client, _ = logged_in
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page_html(client))
    assert len(scripts) >= 5
    for url in scripts:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert "Cookie" not in response.headers.get("Vary", ""), url


def test_unversioned_urls_still_revalidate(logged_in):
    client, _ = logged_in
    response = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")
    assert response.headers.get("ETag")


def test_pages_and_callbacks_are_compressed_and_keep_their_csp(logged_in):
    client, _ = logged_in
    page = client.get("/", headers={"Accept-Encoding": "br"})
    assert page.headers["Content-Encoding"] == "br"
    assert "immutable" not in page.headers.get("Cache-Control", "")
    csp = page.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    layout = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert layout.status_code == 200
    assert layout.headers["Content-Encoding"] == "gzip"


def test_pages_still_vary_by_cookie(logged_in):
    client, _ = logged_in
    assert "Cookie" in client.get("/").headers["Vary"]
