"""Issue #9 finding 4: guessing passwords and mass sign-ups are throttled; the API per user."""

from __future__ import annotations

import pytest

from tests.integration.security.apps import PASSWORD, log_in, make_app, sign_up


@pytest.fixture
def app(sqlite_database_url, tmp_path):
    return make_app(sqlite_database_url, tmp_path)


def test_five_failed_logins_lock_the_account_with_429_and_retry_after(app):
    owner, attacker = app.test_client(), app.test_client()
    sign_up(owner)
    owner.post("/logout")
    for _ in range(5):
        assert log_in(attacker, password="wrong password!!").status_code == 401
    locked = log_in(attacker)  # the right password no longer helps
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert b"Too many failed logins" in locked.data
    # Another account from the same address is not locked by this one's failures.
    sign_up(app.test_client(), email="bob@example.com")
    assert log_in(attacker, email="bob@example.com").status_code == 302


def test_a_successful_login_does_not_count_against_the_account(app):
    client = app.test_client()
    sign_up(client)
    for _ in range(6):
        client.post("/logout")
        assert log_in(client).status_code == 302


def test_failed_logins_are_throttled_per_address_across_accounts(sqlite_database_url, tmp_path):
    app = make_app(sqlite_database_url, tmp_path, LOGIN_LIMIT_IP="4 per 15 minutes")
    client = app.test_client()
    for n in range(4):
        assert log_in(client, email=f"guess{n}@example.com").status_code == 401
    assert log_in(client, email="guess9@example.com").status_code == 429


def test_the_client_address_comes_from_the_configured_proxy_hop(sqlite_database_url, tmp_path):
    app = make_app(sqlite_database_url, tmp_path, LOGIN_LIMIT_IP="2 per 15 minutes", PROXY_HOPS=1)
    client = app.test_client()

    def attempt(address: str, email: str):
        return client.post(
            "/login",
            data={"email": email, "password": PASSWORD},
            headers={"X-Forwarded-For": address},
        )

    assert attempt("203.0.113.7", "a@example.com").status_code == 401
    assert attempt("203.0.113.7", "b@example.com").status_code == 401
    assert attempt("203.0.113.7", "c@example.com").status_code == 429
    assert attempt("198.51.100.2", "d@example.com").status_code == 401  # another client


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_limit(
    sqlite_database_url, tmp_path
):
    app = make_app(sqlite_database_url, tmp_path, LOGIN_LIMIT_IP="2 per 15 minutes")
    client = app.test_client()
    for n in range(2):
        response = client.post(
            "/login",
            data={"email": f"x{n}@example.com", "password": PASSWORD},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )
        assert response.status_code == 401
    forged = client.post(
        "/login",
        data={"email": "y@example.com", "password": PASSWORD},
        headers={"X-Forwarded-For": "10.0.0.99"},
    )
    assert forged.status_code == 429


def test_sign_ups_are_throttled_per_address(sqlite_database_url, tmp_path):
    app = make_app(sqlite_database_url, tmp_path, REGISTER_LIMIT_IP="3 per hour")
    client = app.test_client()
    for n in range(3):
        response = client.post(
            "/register",
            data={
                "email": f"bot{n}@example.com",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )
        assert response.status_code == 302
    refused = client.post(
        "/register",
        data={"email": "bot9@example.com", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_the_api_is_throttled_per_user(sqlite_database_url, tmp_path):
    app = make_app(sqlite_database_url, tmp_path, API_LIMIT_USER="3 per minute")
    ada, bob = app.test_client(), app.test_client()
    sign_up(ada)
    sign_up(bob, email="bob@example.com")
    assert [ada.get("/api/v1/bans").status_code for _ in range(3)] == [200, 200, 200]
    limited = ada.get("/api/v1/bans")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert bob.get("/api/v1/bans").status_code == 200  # Bob has his own budget


def test_limits_can_be_switched_off_for_benches(sqlite_database_url, tmp_path):
    app = make_app(sqlite_database_url, tmp_path, RATELIMIT_ENABLED=False)
    client = app.test_client()
    for _ in range(8):
        assert log_in(client, email="nobody@example.com").status_code == 401
