"""Fixtures for the dashapp tests: the synthetic catalogue, a stand-in model, users.

The builders they use live in ``builders.py`` and ``fake_model.py`` next to this file.
"""

from __future__ import annotations

import pytest

from dashapp.services import model_store
from dashapp.services.model_store import LoadedModel
from tests.integration.dashapp.builders import Catalogue, add_user, register, seed_catalogue
from tests.integration.dashapp.fake_model import FakeBundle, FakeRecommender, fake_loaded_model


@pytest.fixture
def catalogue(sqlite_db) -> Catalogue:
    return seed_catalogue()


@pytest.fixture
def fake_model(catalogue, monkeypatch) -> LoadedModel:
    model = fake_loaded_model(
        FakeBundle(catalogue.tracks, ["Bright pop", "Heavy guitars"]),
        FakeRecommender(catalogue.tracks),
    )
    monkeypatch.setattr(model_store, "current", lambda: model)
    return model


@pytest.fixture
def no_model(monkeypatch) -> None:
    monkeypatch.setattr(model_store, "current", lambda: None)


@pytest.fixture
def user_id(sqlite_db) -> int:
    return add_user()


@pytest.fixture
def logged_in(app, catalogue):
    """(client, user id) of a freshly registered user on the app's database with the catalogue."""
    client = app.test_client()
    return client, register(client)
