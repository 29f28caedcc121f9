"""Builders for the security tests: a Mixmap server with chosen settings, and a signed-up user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from tests.web_client import CsrfClient

PASSWORD = "correct horse battery"


def make_app(database_url: str, folder: Path, **settings: Any) -> Flask:
    """A server like the ``app`` fixture's, with CSRF on and any Config field overridden."""
    from app import create_app
    from dashapp.config import Config

    config = Config.for_testing(database_url, folder / "models")
    config.WTF_CSRF_ENABLED = True
    for name, value in settings.items():
        if not hasattr(config, name):
            raise AttributeError(f"Config has no {name}")
        setattr(config, name, value)
    server = create_app(config)
    server.test_client_class = CsrfClient
    return server


def sign_up(client, email: str = "ada@example.com", password: str = PASSWORD) -> None:
    response = client.post(
        "/register",
        data={"display_name": "Ada", "email": email, "password": password, "confirm": password},
    )
    assert response.status_code == 302, response.data
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data


def log_in(client, email: str = "ada@example.com", password: str = PASSWORD, **data: Any):
    return client.post("/login", data={"email": email, "password": password, **data})
