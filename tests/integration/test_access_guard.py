"""Every Dash route and API route needs a logged-in user."""

import pytest


@pytest.mark.parametrize("path", ["/", "/explore", "/playlists"])
def test_pages_redirect_anonymous_visitors_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize(
    "path", ["/_dash-layout", "/_dash-dependencies", "/_dash-update-component"]
)
def test_dash_internals_answer_401_without_a_session(client, path):
    response = client.post(path, json={}) if "update" in path else client.get(path)
    assert response.status_code == 401
    assert response.json == {"error": "authentication required"}


@pytest.mark.parametrize("path", ["/api/v1/recommendations", "/api/v1/no-such-thing"])
def test_the_api_answers_401_problem_details_without_a_session(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401 and response.json["detail"] == "authentication required"


def test_health_check_is_public_and_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "model": None}


def test_health_check_fails_when_the_database_is_gone(app, client, monkeypatch):
    from db.session import database

    def unreachable(*_args, **_kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(database, "session", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
