"""Unknown pages answer HTTP 404 (with the app's not-found page); registered pages answer 200."""

from __future__ import annotations

import dash
import pytest

pytestmark = pytest.mark.usefixtures("fake_model")


def test_every_registered_page_answers_200(logged_in):
    client, _ = logged_in
    paths = [page["path"] for page in dash.page_registry.values()]
    assert {"/", "/explore", "/playlists", "/profile"} <= set(paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path


@pytest.mark.parametrize("path", ["/nope", "/explore/extra", "/playlistz", "/a/b/c"])
def test_an_unknown_page_answers_404_with_the_app(logged_in, path):
    client, _ = logged_in
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    # The app itself (its renderer shows the not-found layout), not a bare Flask error page.
    assert "_dash-renderer" in html or "dash_renderer" in html
    assert response.headers["Content-Security-Policy"]


def test_server_routes_are_not_mistaken_for_unknown_pages(logged_in):
    client, _ = logged_in
    assert client.get("/healthz").status_code == 200
    assert client.get("/account/password").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/assets/mixmap.css").status_code == 200


def test_an_unknown_page_without_a_session_still_goes_to_login(client):
    response = client.get("/nope")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
