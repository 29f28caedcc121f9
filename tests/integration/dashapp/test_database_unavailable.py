"""While the database is away (a PostgreSQL restart), requests answer 503 + Retry-After, not 500.

The restart is simulated where it bites: the listener-state query raises the ``OperationalError``
psycopg raises for "the database system is shutting down". Dash callbacks and the API answer
alike; an error in a statement (a bug) still answers 500.
"""

from __future__ import annotations

from sqlalchemy import exc

from db.queries import listeners
from tests.integration.dashapp.test_pages import recommendations_request


def shutting_down(*_args, **_kwargs):
    raise exc.OperationalError(
        "SELECT ...", {}, Exception("FATAL: the database system is shutting down")
    )


def test_a_dash_callback_answers_503_with_retry_after(logged_in, fake_model, monkeypatch):
    client, _ = logged_in
    monkeypatch.setattr(listeners, "history", shutting_down)
    response = recommendations_request(client)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "try again in a moment" in response.json["message"]


def test_the_api_answers_503_problem(logged_in, fake_model, monkeypatch):
    client, _ = logged_in
    monkeypatch.setattr(listeners, "history", shutting_down)
    response = client.get("/api/v1/recommendations?k=5")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"].isdigit()


def test_a_statement_error_is_still_a_500(logged_in, fake_model, monkeypatch, app):
    client, _ = logged_in

    def broken(*_args, **_kwargs):
        raise exc.ProgrammingError("SELECT nope", {}, Exception("column does not exist"))

    monkeypatch.setattr(listeners, "history", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = recommendations_request(client)
    assert response.status_code == 500
