"""A Flask test client that sends the CSRF token the way a browser running Mixmap does.

The server keeps a Flask-WTF token in the ``_csrf_token`` cookie (see ``dashapp.security``); Dash's
renderer copies it into an ``X-CSRFToken`` header on every callback, and API clients are asked to
do the same. This client does it for every POST/PUT/PATCH/DELETE, so tests (and benches) can run
with CSRF protection on. Form posts also get the token as the ``csrf_token`` field the Jinja
forms expect, unless the test set one itself.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any):
        method = str(kwargs.get("method", "GET")).upper()
        if method in UNSAFE_METHODS:
            if self.get_cookie(CSRF_COOKIE) is None and not getattr(self, "_primed", False):
                # A browser has loaded a page before it posts anything: that sets the cookie
                # (unless the app runs with CSRF off, which sets none: ask once only).
                self._primed = True
                super().open("/login", method="GET")
            cookie = self.get_cookie(CSRF_COOKIE)
            if cookie is not None:
                headers = dict(kwargs.pop("headers", None) or {})
                headers.setdefault(CSRF_HEADER, cookie.value)
                kwargs["headers"] = headers
                data = kwargs.get("data")
                if isinstance(data, dict) and "csrf_token" not in data:
                    kwargs["data"] = {**data, "csrf_token": cookie.value}
        return super().open(*args, **kwargs)


class AuthActions:
    """Register, log in and log out through the real account forms (Flask tutorial's ``auth``)."""

    password = "correct horse battery"

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def register(self, email: str = "ada@example.com", name: str = "Ada", password: str = ""):
        password = password or self.password
        return self._client.post(
            "/register",
            data={"display_name": name, "email": email, "password": password, "confirm": password},
        )

    def login(self, email: str = "ada@example.com", password: str = ""):
        return self._client.post(
            "/login", data={"email": email, "password": password or self.password}
        )

    def logout(self):
        return self._client.post("/logout")
