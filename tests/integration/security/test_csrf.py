"""CSRF for Dash callbacks and the JSON API (issue #9 point 5): token from the _csrf_token cookie
in an X-CSRFToken header, plus a refusal of writes another site started."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.integration.security.apps import make_app, sign_up

FEEDBACK = {"track_id": "nope", "kind": "like"}


@pytest.fixture
def app(sqlite_database_url, tmp_path):
    return make_app(sqlite_database_url, tmp_path)


@pytest.fixture
def ada(app):
    client = app.test_client()
    sign_up(client)
    return client


def without_token(app, logged_in) -> FlaskClient:
    """A plain client carrying the logged-in session cookie but never echoing the token."""
    plain = FlaskClient(app, app.response_class, use_cookies=True)
    plain.set_cookie("session", logged_in.get_cookie("session").value)
    return plain


def test_dash_callbacks_and_api_writes_without_the_token_are_refused(app, ada):
    attacker = without_token(app, ada)
    assert attacker.get("/api/v1/bans").status_code == 200  # reads need no token
    assert attacker.post("/api/v1/feedback", json=FEEDBACK).status_code == 403
    assert attacker.delete("/api/v1/bans/1").status_code == 403
    assert attacker.post("/_dash-update-component", json={}).status_code == 403
    assert attacker.post("/logout").status_code == 403


def test_the_token_from_the_cookie_in_the_header_is_accepted(ada):
    response = ada.post("/api/v1/feedback", json=FEEDBACK)
    assert response.status_code == 400  # past CSRF: the service says the track does not exist
    assert b"no track" in response.data


def test_a_write_from_another_site_is_refused_even_with_a_token(ada):
    token = ada.get_cookie("_csrf_token").value
    for headers in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        refused = ada.post(
            "/api/v1/feedback", json=FEEDBACK, headers={"X-CSRFToken": token, **headers}
        )
        assert refused.status_code == 403, headers
    same = ada.post(
        "/api/v1/feedback",
        json=FEEDBACK,
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    )
    assert same.status_code == 400  # reached the API


def test_a_cross_site_form_or_text_plain_post_is_refused(app, ada):
    attacker = without_token(app, ada)
    form = attacker.post(
        "/api/v1/feedback",
        data={"track_id": "x", "kind": "like"},
        headers={"Origin": "https://evil.example"},
    )
    assert form.status_code == 403
    text_plain = attacker.post(
        "/api/v1/feedback",
        data='{"track_id": "x", "kind": "like"}',
        content_type="text/plain",
    )
    assert text_plain.status_code in (403, 415)
