"""Schemathesis fuzzes every operation of /api/v1/openapi.json against the app, in process (WSGI),
as a logged-in user: valid and invalid requests generated from the document itself. Whatever it
sends, the app must never answer 5xx, and every answer must be one the document promises (status
code, content type, body schema).

Bounded so ``make test`` stays short: ``MAX_EXAMPLES`` per operation and per generation phase.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from dashapp.api import register_api
from dashapp.api.openapi import build_document
from db.session import database
from tests.integration.api.clients import CSRF_COOKIE, build_app, logged_in_client

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def credentials(client) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers) of a logged-in browser: the session cookie, and the CSRF cookie copied
    into X-CSRFToken when the server sets one."""
    cookies = {}
    for name in ("session", CSRF_COOKIE):
        cookie = client.get_cookie(name)
        if cookie is not None:
            cookies[name] = cookie.value
    headers = {"X-CSRFToken": cookies[CSRF_COOKIE]} if CSRF_COOKIE in cookies else {}
    # The in-process WSGI call does not decode brotli/gzip: ask for the bytes as they are (the
    # compression itself is tested in tests/integration/dashapp/test_asset_delivery.py).
    headers["Accept-Encoding"] = "identity"
    return cookies, headers


def api_document() -> dict:
    """The document as the app serves it, built from a bare Flask app carrying only the API (no
    database, no Dash), so it can be read when pytest collects this module."""
    server = Flask(__name__)
    register_api(server)
    with server.app_context():
        return build_document(server)


# Schemathesis's pytest fixture loader does not run on pytest 9, so the schema is loaded at
# collection and the app under test comes from a fixture, per operation.
schema = schemathesis.openapi.from_dict(api_document())
# The logged-in user's cookies and headers, set by the fixture for the operation under test.
current_credentials: dict[str, dict[str, str]] = {"cookies": {}, "headers": {}}


@schema.auth(refresh_interval=None)
class LoggedInBrowser:
    """Applied to every generated case, so Schemathesis knows the session is part of the request
    (a case it generates without one is then its own, deliberate, 401 test)."""

    def get(self, case, ctx):
        return current_credentials

    def set(self, case, data, ctx):
        case.cookies = {**(case.cookies or {}), **data["cookies"]}
        case.headers = {**(case.headers or {}), **data["headers"]}


@pytest.fixture
def fuzzed_app(sqlite_database_url, tmp_path, monkeypatch):
    server = build_app(sqlite_database_url, tmp_path / "models", monkeypatch)
    client, _ = logged_in_client(server, "fuzz@example.com")
    # Something to find: a playlist and a ban of the user's, at ids the fuzzer tries early.
    client.post("/api/v1/playlists", json={"name": "Seed", "track_ids": ["t0000", "t0001"]})
    client.post("/api/v1/bans", json={"track_id": "t0002"})
    assert client.get("/api/v1/openapi.json").json == api_document()
    cookies, headers = credentials(client)
    current_credentials.update(cookies=cookies, headers=headers)
    yield server
    database.engine.dispose()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_keeps_its_documented_contract(case, fuzzed_app):
    case.call_and_validate(app=fuzzed_app, checks=CHECKS)
