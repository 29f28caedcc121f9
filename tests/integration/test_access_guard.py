"""Every route needs a logged-in user, except the few that must be public.

The routes come from the app's Flask URL map and Dash's page registry, so a route or page added
later is covered without touching this file; only the public exceptions are written down.
"""

import re

import dash

from dashapp import auth

# The only routes an anonymous visitor may reach: the account forms, the health check and static
# files. Everything else the URL map holds, now or later, must refuse them.
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.register",
        "auth.healthz",
        "static",
        "_dash_assets.static",
        "/_favicon.ico",
    }
)
ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


def concrete_path(rule: str) -> str:
    """The rule with every variable filled in: "1" fits string, path and id converters alike."""
    return re.sub(r"<[^>]+>", "1", rule)


def every_route(server) -> list[tuple[str, str, str]]:
    """(path, method, endpoint) for each rule of the URL map and each method it serves."""
    return [
        (concrete_path(rule.rule), method, rule.endpoint)
        for rule in server.url_map.iter_rules()
        for method in ANY_METHOD
        if method in rule.methods
    ]


def assert_refused(response, path: str) -> None:
    if path.startswith(auth.MACHINE_PREFIXES):
        # Machines get a status, not a login page (the API as problem details, Dash as JSON).
        assert response.status_code == 401, path
        body = response.json
        assert body.get("detail", body.get("error")) == "authentication required", path
    else:
        assert response.status_code == 302, path
        assert response.location.startswith("/login?next="), path


def test_only_the_account_forms_health_check_and_static_files_are_public(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules() if auth.is_public(rule.rule)}
    assert public == PUBLIC_ENDPOINTS


def test_every_route_in_the_url_map_refuses_anonymous_visitors(app, client):
    routes = [route for route in every_route(app) if route[2] not in PUBLIC_ENDPOINTS]
    assert len(routes) > 20  # the URL map really was read (API, Dash internals, account views)
    for path, method, _endpoint in routes:
        assert_refused(client.open(path, method=method, json={}), path)


def test_every_dash_page_redirects_anonymous_visitors_to_login(app, client):
    paths = [page["path"] for page in dash.page_registry.values()]
    assert {"/", "/explore", "/playlists", "/profile", "/admin"} <= set(paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location.startswith("/login?next="), path


def test_a_logged_in_user_gets_the_pages_and_loses_them_on_logout(client, auth):
    assert auth.register().status_code == 302
    assert auth.login().status_code == 302
    assert client.get("/profile").status_code == 200
    assert auth.logout().status_code == 302
    assert_refused(client.get("/profile"), "/profile")


def test_unknown_api_paths_are_refused_like_known_ones(client):
    assert_refused(client.get("/api/v1/no-such-thing"), "/api/v1/no-such-thing")


def test_health_check_is_public_and_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "model": None}


def test_health_check_fails_when_the_database_is_gone(app, client, monkeypatch):
    from db.session import database

    def unreachable(*_args, **_kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(database, "session", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
