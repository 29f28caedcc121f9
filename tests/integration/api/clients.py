"""Builders for the API tests: an app on a given database with the playlist catalogue and
served-model stand-ins, and logged-in clients that send the CSRF header as the browser's JS does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from flask import Flask
from flask.testing import FlaskClient

from dashapp.services import accounts, playlists, recommendations
from tests.integration.dashapp.conftest import (
    FakeBundle,
    FakeLoadedModel,
    FakeRecommender,
    add_user,
)
from tests.integration.playlist_catalogue import playlist_model, seed_playlist_catalogue
from tests.unit.ml.playlist_bundle import tiny_bundle

CSRF_COOKIE = "_csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfClient(FlaskClient):
    """Copies the ``_csrf_token`` cookie into ``X-CSRFToken`` on every write, when the server set
    one (the contract the CSRF protection asks of every client)."""

    def open(self, *args, **kwargs):
        method = str(kwargs.get("method", "GET")).upper()
        cookie = self.get_cookie(CSRF_COOKIE)
        if method in UNSAFE_METHODS and cookie is not None:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", cookie.value)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


def recommendation_model() -> FakeLoadedModel:
    tracks = tiny_bundle().tracks
    tracks = tracks.assign(cluster=[i % 2 for i in range(len(tracks))], source="tidytuesday")
    tracks["moods"] = pd.Series([("calm",)] * len(tracks))
    return FakeLoadedModel(
        FakeBundle(tracks, ["Calm corner", "Loud corner"]), FakeRecommender(tracks), "api-test"
    )


def build_app(database_url: str, model_dir: Path, monkeypatch) -> Flask:
    from app import create_app
    from dashapp.config import Config

    server = create_app(Config.for_testing(database_url, model_dir))
    server.test_client_class = CsrfClient
    seed_playlist_catalogue()
    model = recommendation_model()
    monkeypatch.setattr(playlists.generation, "loaded_model", playlist_model)
    monkeypatch.setattr(recommendations, "loaded_model", lambda: model)
    return server


def logged_in_client(server: Flask, email: str) -> tuple[FlaskClient, int]:
    """A client logged in as a new account, and that account's id.

    The session is written the way flask-login's ``login_user`` writes it, from the same
    ``SessionUser.get_id()``; going through /login would spend a deliberately slow password hash
    on every test."""
    from dashapp.auth import SessionUser

    user_id = add_user(email)
    client = server.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = SessionUser(accounts.get_account(user_id)).get_id()
        session["_fresh"] = True
    client.get("/")  # a browser's first page load, where the server sets its other cookies (CSRF)
    return client, user_id
