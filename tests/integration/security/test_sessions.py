"""Issue #9 finding 3: logout really ends the session; login starts a new one; cookie flags;
password hashes at OWASP parameters, upgraded at login."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from db.models import User
from db.session import session_scope
from tests.integration.security.apps import PASSWORD, log_in, make_app, sign_up


@pytest.fixture
def app(sqlite_database_url, tmp_path):
    return make_app(sqlite_database_url, tmp_path)


def copy_cookies(source, target, names) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        target.set_cookie(name, cookie.value)


def test_a_session_cookie_copied_before_logout_is_refused_after_it(app):
    browser, thief = app.test_client(), app.test_client()
    sign_up(browser)
    copy_cookies(browser, thief, ["session"])
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    assert browser.post("/logout").status_code == 302
    assert thief.get("/").status_code == 302
    assert thief.get("/api/v1/bans").status_code == 401
    assert thief.post("/_dash-update-component", json={}).status_code == 401


def test_a_remember_me_cookie_is_refused_after_logout(app):
    browser, thief = app.test_client(), app.test_client()
    sign_up(browser)
    browser.post("/logout")
    assert log_in(browser, remember="y").status_code == 302
    copy_cookies(browser, thief, ["remember_token"])
    assert thief.get("/").status_code == 200  # remember-me alone logs in ...
    browser.post("/logout")
    fresh = app.test_client()
    copy_cookies(thief, fresh, ["remember_token"])
    assert fresh.get("/").status_code == 302  # ... until the account logs out


def test_login_starts_a_new_session(app):
    client = app.test_client()
    sign_up(client)
    client.post("/logout")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    assert log_in(client).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def _cookie_header(response, name: str) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def test_session_and_remember_cookies_are_httponly_lax_and_secure_in_production(
    sqlite_database_url, tmp_path
):
    production = make_app(
        sqlite_database_url,
        tmp_path,
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
    )
    client = production.test_client()
    sign_up(client)
    client.post("/logout")
    response = log_in(client, remember="y")
    for name in ("session", "remember_token"):
        header = _cookie_header(response, name)
        assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header, header
    csrf = _cookie_header(client.get("/login"), "_csrf_token")
    assert "SameSite=Lax" in csrf and "HttpOnly" not in csrf  # Dash's renderer must read it


def test_passwords_are_argon2id_and_older_hashes_are_upgraded_at_login(app):
    client = app.test_client()
    sign_up(client)
    with session_scope() as session:
        user = session.scalar(select(User).where(User.email == "ada@example.com"))
        assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        # As stored before: werkzeug's default scrypt (N = 2^15), below OWASP's minimum.
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    client.post("/logout")
    assert log_in(client).status_code == 302
    with session_scope() as session:
        user = session.scalar(select(User).where(User.email == "ada@example.com"))
        assert user.password_hash.startswith("$argon2id$")
    client.post("/logout")
    assert log_in(client).status_code == 302  # the new hash verifies
