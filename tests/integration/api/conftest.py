"""Fixtures for the API tests: on SQLite and on PostgreSQL, two logged-in users."""

from __future__ import annotations

import pytest

from db.session import database
from tests.integration.api.clients import build_app, logged_in_client


@pytest.fixture
def api_app(any_database_url, tmp_path, monkeypatch):
    server = build_app(any_database_url, tmp_path / "models", monkeypatch)
    yield server
    database.engine.dispose()


@pytest.fixture
def ana(api_app):
    """(client, user id) of a logged-in user."""
    return logged_in_client(api_app, "ana@example.com")


@pytest.fixture
def ben(api_app):
    """(client, user id) of a second logged-in user."""
    return logged_in_client(api_app, "ben@example.com")
