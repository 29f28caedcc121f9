"""How the browser gets Mixmap's static bundles: compressed, and cached for a year when versioned.

- **Compression** (flask-compress): brotli or gzip for HTML, CSS, JS and JSON (callback answers
  included). Dash's own ``compress=True`` forces gzip only, so the extension is wired here.
  Fingerprinted bundles are compressed once per process: their content never changes under a URL.
- **Caching**: Dash names its component bundles with a fingerprint (``name.v<version>m<mtime>.js``)
  and gives them ``max-age`` only; we add ``public, immutable`` so a revisit does not even
  revalidate. Assets (``/assets/x.css?m=<mtime>``) are versioned by query string the same way.
- **plotly.js** (4.8 MB): Dash 4's renderer loads it from an unversioned URL, so browsers had to
  ask again on every visit. The page carries the fingerprinted URL in a meta tag and
  ``assets/plotly_bundle.js`` points the renderer at it.
- **Vary: Cookie**: Flask adds it to every response whose request read the session (the login
  guard reads it for every bundle), and the signed session cookie changes whenever it is saved
  again, so browsers threw the cached plotly.js away and downloaded its 1.4 MB (brotli) again on
  some revisits (`bench/browser_timing.py`). A versioned bundle is the same bytes for every
  cookie, so its responses vary by encoding only.
"""

from __future__ import annotations

import os
from typing import Any

import plotly
from dash.fingerprint import build_fingerprint, check_fingerprint
from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress

COMPONENT_SUITES = "/_dash-component-suites/"
PLOTLY_META = "mixmap-plotlyjs"
PLOTLY_BUNDLE = "package_data/plotly.min.js"
IMMUTABLE = "public, max-age=31536000, immutable"


def plotly_bundle_url(prefix: str = "/") -> str:
    """The fingerprinted URL of plotly.js; it changes whenever the installed file does."""
    path = os.path.join(os.path.dirname(plotly.__file__), PLOTLY_BUNDLE)
    fingerprint = build_fingerprint(PLOTLY_BUNDLE, plotly.__version__, int(os.stat(path).st_mtime))
    return f"{prefix}_dash-component-suites/plotly/{fingerprint}"


def plotly_meta_tag() -> dict[str, str]:
    return {"name": PLOTLY_META, "content": plotly_bundle_url()}


def init_asset_delivery(server: Flask) -> None:
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    server.config.setdefault("COMPRESS_CACHE_KEY", _bundle_cache_key)
    server.config.setdefault("COMPRESS_CACHE_BACKEND", _BundleCache)
    # Registered before Compress: Flask runs after_request hooks last-registered first, so the
    # header is set on the response Compress then encodes (the order does not matter for it).
    server.after_request(_long_lived_caching)
    server.session_interface = _BundleAwareSessionInterface()
    Compress(server)


def _versioned() -> bool:
    path = request.path
    if path.startswith(COMPONENT_SUITES):
        return check_fingerprint(path)[1]
    return path.startswith("/assets/") and "m" in request.args


def _long_lived_caching(response: Response) -> Response:
    if response.status_code == 200 and _versioned():
        response.headers["Cache-Control"] = IMMUTABLE
    return response


class _BundleAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie sessions, minus ``Vary: Cookie`` on immutable bundles (see the docstring).

    Flask saves the session after the ``after_request`` hooks, so this is the one place that sees
    the final ``Vary`` header."""

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        super().save_session(app, session, response)
        if response.cache_control.immutable:
            # Rewritten, not HeaderSet.discard: discard does not write back to the headers.
            response.headers["Vary"] = ", ".join(v for v in response.vary if v.lower() != "cookie")


_NOT_CACHED = ""


def _bundle_cache_key(req: Request) -> str:
    """Fingerprinted bundles by file (any fingerprint of one file is the same bytes: keying on
    the file keeps the cache as small as the set of bundles); everything else is not cached."""
    if req.path.startswith(COMPONENT_SUITES):
        path, fingerprinted = check_fingerprint(req.path)
        if fingerprinted:
            return path
    return _NOT_CACHED


class _BundleCache:
    """flask-compress's cache hook, holding only the compressed component bundles."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._data.get(key)

    def set(self, key: str, value: Any) -> None:
        # Keys are "<algorithm>;<cache key>"; an empty cache key means "do not keep this one".
        if key.split(";", 1)[1] != _NOT_CACHED:
            self._data[key] = value
