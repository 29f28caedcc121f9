"""Builders for the API tests: an app on a given database with the playlist catalogue and
served-model stand-ins, and logged-in clients that send the CSRF header as the browser's JS does."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
from flask import Flask
from flask.testing import FlaskClient

from dashapp.services import accounts, model_store
from dashapp.services.model_store import LoadedModel
from ml.playlists import EmbeddingNeighbours
from tests.integration.dashapp.builders import add_user
from tests.integration.dashapp.fake_model import FakeRecommender, fake_loaded_model
from tests.integration.playlist_catalogue import seed_playlist_catalogue
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


class ApiRecommender(FakeRecommender):
    """Recommendations as ``FakeRecommender`` gives them; playlist candidates from the embedding,
    as the playlist service finds them when no recommender is loaded."""

    def __init__(self, bundle: SimpleNamespace) -> None:
        super().__init__(bundle.tracks)
        self._neighbours = EmbeddingNeighbours(bundle)

    def similar_tracks(self, track_id: str, **options):
        return self._neighbours.similar_tracks(track_id, **options)

    def continue_playlist(self, track_ids, **options):
        return self._neighbours.continue_playlist(track_ids, **options)


def served_model() -> LoadedModel:
    """The one served-model stand-in the API's recommendation and playlist endpoints share."""
    tiny = tiny_bundle()
    tracks = tiny.tracks
    tracks = tracks.assign(cluster=[i % 2 for i in range(len(tracks))], source="tidytuesday")
    tracks["moods"] = pd.Series([("calm",)] * len(tracks))
    bundle = SimpleNamespace(
        tracks=tracks, features=tiny.features, cluster_names=["Calm corner", "Loud corner"]
    )
    return fake_loaded_model(bundle, ApiRecommender(bundle), "api-test")


def build_app(database_url: str, model_dir: Path, monkeypatch) -> Flask:
    from app import create_app
    from dashapp.config import Config

    server = create_app(Config.for_testing(database_url, model_dir))
    server.test_client_class = CsrfClient
    seed_playlist_catalogue()
    model = served_model()
    monkeypatch.setattr(model_store, "current", lambda: model)
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
