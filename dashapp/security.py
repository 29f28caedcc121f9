"""Security wiring for the whole server: CSRF, throttling, headers, body limits, proxies, NUL bytes.

``init_security(server)`` runs in the app factory after Dash is built (the CSP needs Dash's inline
script hashes). Each piece is a library where one does the job:

- **CSRF** (Flask-WTF ``CSRFProtect``, no exemptions): every POST/PUT/PATCH/DELETE, Dash
  callbacks and ``/api/v1`` included, needs a valid token in the form or in an ``X-CSRFToken``
  header. The token also travels in the ``_csrf_token`` cookie (readable by scripts,
  SameSite=Lax), which Dash's renderer copies into that header by itself. On top, a request whose
  ``Sec-Fetch-Site`` says another site sent it, or whose ``Origin`` is another host, is refused.
- **Throttling** (Flask-Limiter): failed logins per account and per IP, registrations per IP, the
  API per user. Counts live in Redis when ``REDIS_URL`` is set, shared by every worker and dyno;
  the in-memory fallback counts per process and is only right for a single process.
- **Headers**: a CSP built from Dash's own ``csp_hashes()``, frame-ancestors / X-Frame-Options,
  nosniff, a referrer policy, and HSTS in production (a few lines, so no extension for them).
- **Limits and proxies**: ``MAX_CONTENT_LENGTH`` (Dash callbacks, which carry uploads, get
  ``MAX_UPLOAD_BYTES``), ``TRUSTED_HOSTS`` (Flask checks it), ProxyFix with ``PROXY_HOPS``.
- **NUL bytes**: PostgreSQL cannot store them, so a form, query string or Dash callback carrying
  one is answered 400 before any code reads it (``contains_nul`` is shared with the API).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import dash
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from dashapp.auth import MACHINE_PREFIXES
from dashapp.text_input import NUL_MESSAGE, contains_nul

log = logging.getLogger(__name__)

CSRF_COOKIE = "_csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DASH_CALLBACK_PATH = "/_dash-update-component"
# Responses that need no CSRF cookie (static files, health checks): no session for them.
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/static/", "/_favicon", "/healthz")

csrf = CSRFProtect()


def init_security(server: Flask) -> Limiter:
    config = server.config
    if config.get("PROXY_HOPS"):
        hops = int(config["PROXY_HOPS"])
        # Trust exactly as many X-Forwarded-* entries as there are proxies we run behind, so a
        # client cannot choose the IP the throttles see (Heroku's router is one hop).
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if config.get("ENV") == "production" and not config.get("TRUSTED_HOSTS"):
        log.warning("MIXMAP_TRUSTED_HOSTS is not set: any Host header is accepted")
    # Order matters: the body limit is set before anything reads the body (the CSRF check reads
    # the form), and a cross-site write is refused before its token is even looked at.
    server.before_request(_bound_request_body)
    server.before_request(_refuse_cross_site_writes)
    csrf.init_app(server)
    server.before_request(_refuse_nul_bytes)
    server.register_error_handler(CSRFError, _csrf_refused)
    server.register_error_handler(413, _too_large)
    server.after_request(_set_csrf_cookie)
    server.after_request(_security_headers)
    limiter = _limiter(server)
    server.extensions["mixmap_limiter"] = limiter
    return limiter


# --- CSRF ----------------------------------------------------------------------------------------


def _refuse_cross_site_writes() -> tuple[Response, int] | None:
    """Browsers say who sent a request; a write another site triggered is refused outright."""
    if request.method not in UNSAFE_METHODS:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site in ("cross-site", "same-site"):
        return _refusal("This request came from another site and was refused.")
    if origin is not None and urlsplit(origin).netloc != request.host:
        return _refusal("This request came from another site and was refused.")
    return None


def _csrf_refused(error: CSRFError) -> tuple[Response | str, int]:
    return _refusal(
        "The security token of this request is missing or wrong: reload the page and try again."
    )


def _refusal(message: str, status: int = 403) -> tuple[Response | str, int]:
    """Machines (the API, Dash's callbacks) get JSON; a person gets the refused page."""
    if request.path.startswith(MACHINE_PREFIXES):
        return jsonify(error=message), status
    return render_template("refused.html", message=message), status


def _set_csrf_cookie(response: Response) -> Response:
    if request.path.startswith(STATIC_PREFIXES) or not current_app.config.get(
        "WTF_CSRF_ENABLED", True
    ):
        return response
    response.set_cookie(
        CSRF_COOKIE,
        generate_csrf(),
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=False,  # Dash's renderer reads it to fill the X-CSRFToken header
        samesite="Lax",
    )
    return response


# --- request limits ------------------------------------------------------------------------------


def _bound_request_body() -> None:
    if request.path == DASH_CALLBACK_PATH:
        request.max_content_length = current_app.config["MAX_UPLOAD_BYTES"]


def _too_large(_error: Exception) -> tuple[Response | str, int]:
    message = "The request is too large."
    if request.path.startswith(MACHINE_PREFIXES):
        return jsonify(error=message), 413
    return message, 413


def _refuse_nul_bytes() -> tuple[Response | str, int] | None:
    """400 for a NUL byte in the query string, a form or a Dash callback (PostgreSQL would 500).

    The JSON API checks its own bodies (same ``contains_nul``) to answer in its error format.
    """
    suspects: list[Any] = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        suspects.append(request.form)
    elif request.path == DASH_CALLBACK_PATH and request.is_json:
        suspects.append(request.get_json(silent=True))
    if not any(contains_nul(_values(s)) for s in suspects):
        return None
    return _refusal(NUL_MESSAGE, 400)


def _values(data: Any) -> Any:
    if hasattr(data, "lists"):  # werkzeug MultiDict: keys and every value
        return [[key, *values] for key, values in data.lists()]
    return data


# --- headers -------------------------------------------------------------------------------------


def content_security_policy(app: dash.Dash | None) -> str:
    script_hashes = " ".join(app.csp_hashes()) if app is not None else ""
    directives = {
        "default-src": "'self'",
        # Dash's inline scripts by hash. 'unsafe-eval': plotly's WebGL traces (the scattergl
        # Explore map, charts) compile their shaders' glue with new Function (regl); inline
        # scripts, the usual XSS vector, stay blocked.
        "script-src": f"'self' {script_hashes} 'unsafe-eval'",
        # React and plotly set style attributes and inject <style> elements.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        # Home's player: Spotify's embed for tracks that are on Spotify.
        "frame-src": "'self' https://open.spotify.com",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


def _current_policy() -> str:
    """The CSP for this app, rebuilt when Dash's set of inline scripts changes (pages add their
    clientside callbacks while Dash sets itself up, after the app factory has run)."""
    app = current_app.extensions.get("dash")
    scripts = tuple(app._inline_scripts) if app is not None else ()
    cached = current_app.extensions.get("mixmap_csp")
    if cached is None or cached[0] != scripts:
        cached = (scripts, content_security_policy(app))
        current_app.extensions["mixmap_csp"] = cached
    return cached[1]


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _current_policy())
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


# --- throttling ----------------------------------------------------------------------------------


def client_key() -> str:
    """The user for the API limit (every worker sees the same id), else the client's IP."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{get_remote_address()}"


def login_account_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return f"login-account:{email}"


def login_ip_key() -> str:
    return f"login-ip:{get_remote_address()}"


def register_ip_key() -> str:
    return f"register-ip:{get_remote_address()}"


def _failed(response: Response) -> bool:
    # Only a refused login counts against an account: a user who logs in is never locked out by
    # their own successful logins, and 429s do not extend their own lock.
    return response.status_code in (400, 401)


def _limiter(server: Flask) -> Limiter:
    """One Limiter per app (tests build many apps: each gets fresh counts in memory)."""
    config = server.config
    limiter = Limiter(
        client_key,
        app=server,
        storage_uri=config["RATELIMIT_STORAGE_URI"],
        key_prefix=config["RATELIMIT_KEY_PREFIX"],
        headers_enabled=True,
        strategy="moving-window",
        application_limits=[config["API_LIMIT_USER"]],
        application_limits_exempt_when=lambda: not request.path.startswith("/api/"),
        enabled=config.get("RATELIMIT_ENABLED", True),
        # A Redis outage must not take the site down: count per process until it is back.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    views = server.view_functions
    login = views["auth.login"]
    login = limiter.limit(
        config["LOGIN_LIMIT_ACCOUNT"],
        key_func=login_account_key,
        methods=["POST"],
        deduct_when=_failed,
        error_message="Too many failed logins for this account; wait a few minutes.",
    )(login)
    login = limiter.limit(
        config["LOGIN_LIMIT_IP"],
        key_func=login_ip_key,
        methods=["POST"],
        deduct_when=_failed,
        error_message="Too many failed logins from your network; wait a few minutes.",
    )(login)
    views["auth.login"] = login
    views["auth.register"] = limiter.limit(
        config["REGISTER_LIMIT_IP"],
        key_func=register_ip_key,
        methods=["POST"],
        error_message="Too many sign-ups from your network; try again later.",
    )(views["auth.register"])
    server.register_error_handler(429, _too_many)
    return limiter


def _too_many(error: Any) -> tuple[Response | str, int]:
    message = str(getattr(error, "description", "")) or "Too many requests; slow down."
    return _refusal(message, 429)
