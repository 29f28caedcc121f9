"""An ended session: Dash's requests get 401 (never a login page as JSON), and the login page
the browser is then sent to says why."""

from __future__ import annotations

import re

import pytest

from tests.integration.dashapp.test_pages import recommendations_request

pytestmark = pytest.mark.usefixtures("fake_model")

EXPIRED = "Your session ended; log in again."


def test_a_callback_without_a_session_answers_401(client):
    response = recommendations_request(client)
    assert response.status_code == 401
    assert response.is_json


def test_a_callback_after_logout_answers_401(logged_in):
    client, _ = logged_in
    assert recommendations_request(client).status_code == 200
    assert client.post("/logout").status_code == 302
    response = recommendations_request(client)
    assert response.status_code == 401


def test_the_login_page_says_the_session_ended(client):
    page = client.get("/login?next=/playlists&expired=1").get_data(as_text=True)
    assert EXPIRED in page
    # The form brings the user back where they were.
    assert re.search(r'action="/login\?next=(/playlists|%2Fplaylists)"', page)
    assert EXPIRED not in client.get("/login").get_data(as_text=True)


def test_every_dash_page_carries_the_expiry_script(logged_in):
    client, _ = logged_in
    assert re.search(r'src="/assets/session_expiry\.js\?m=', client.get("/").get_data(as_text=True))
    script = client.get("/assets/session_expiry.js").get_data(as_text=True)
    assert "response.status !== 401" in script and "&expired=1" in script
