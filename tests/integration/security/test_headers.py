"""Issue #9 finding 8 and point 6: no framing, a CSP Dash works with, HSTS and trusted hosts in
production. (tests/browser checks in Chromium that the pages still work under the CSP.)"""

from __future__ import annotations

import pytest

from tests.integration.security.apps import make_app, sign_up


@pytest.fixture
def app(sqlite_database_url, tmp_path):
    return make_app(sqlite_database_url, tmp_path)


def test_pages_cannot_be_framed_and_carry_the_security_headers(app):
    client = app.test_client()
    sign_up(client)
    for path in ("/", "/login", "/_dash-layout", "/api/v1/bans"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "SAMEORIGIN", path
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert "Strict-Transport-Security" not in headers, path  # plain http locally


def test_the_csp_allows_exactly_dashs_inline_scripts(app):
    client = app.test_client()
    sign_up(client)
    policy = client.get("/").headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    for digest in app.extensions["dash"].csp_hashes():
        assert digest in script_src
    assert "'unsafe-inline'" not in script_src
    assert "object-src 'none'" in policy
    # Home's player may embed Spotify's and nothing else (default-src 'self' would block it).
    frame_src = next(d for d in policy.split("; ") if d.startswith("frame-src"))
    assert frame_src == "frame-src 'self' https://open.spotify.com"


def test_production_sends_hsts_and_answers_only_its_own_hosts(sqlite_database_url, tmp_path):
    app = make_app(sqlite_database_url, tmp_path, HSTS=True, TRUSTED_HOSTS=["mixmap.example.com"])
    client = app.test_client()
    good = client.get("/login", headers={"Host": "mixmap.example.com"})
    assert good.status_code == 200
    assert good.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


def test_production_settings_come_from_the_environment(tmp_path):
    from dashapp.config import Config

    config = Config.from_env(
        tmp_path,
        environ={
            "DYNO": "web.1",
            "SECRET_KEY": "s" * 40,
            "MIXMAP_TRUSTED_HOSTS": "mixmap.example.com, www.mixmap.example.com",
            "MIXMAP_PROXY_HOPS": "1",
            "REDIS_URL": "redis://cache:6379/0",
            "MIXMAP_LOGIN_LIMIT_ACCOUNT": "3 per 10 minutes",
        },
    )
    assert config.TRUSTED_HOSTS == ["mixmap.example.com", "www.mixmap.example.com"]
    assert config.HSTS and config.PROXY_HOPS == 1
    assert config.RATELIMIT_STORAGE_URI == "redis://cache:6379/0"
    assert config.LOGIN_LIMIT_ACCOUNT == "3 per 10 minutes"
    local = Config.from_env(tmp_path, environ={})
    assert not local.HSTS and local.TRUSTED_HOSTS is None
    assert local.RATELIMIT_STORAGE_URI == "memory://" and local.PROXY_HOPS == 0
