"""The Dash application mounted on Mixmap's Flask server."""

from __future__ import annotations

import logging
from pathlib import Path

import dash
from dash._pages import _path_to_page
from flask import Flask, Response, request

from dashapp.asset_delivery import init_asset_delivery, plotly_meta_tag
from dashapp.unavailable import init_unavailable

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).parent
ASSETS_DIR = PACKAGE_DIR.parent / "assets"


VENDORED_STYLESHEETS = [
    "/assets/vendor/bootstrap-5.3.6.min.css",
    "/assets/vendor/bootstrap-icons/bootstrap-icons.min.css",
]


def ignore_ids_not_found(error: Exception) -> None:
    """Dash's ``on_error``: a callback given an id that is not the user's changes nothing.

    Services raise a ``LookupError`` both for a row that does not exist and for one another user
    owns, so a forged id (a playlist id in a ``dcc.Store``, say) is answered exactly like a stale
    one: no update, rather than a 500. Any other error is a bug and still propagates.
    """
    if isinstance(error, LookupError) and type(error).__module__.startswith("dashapp.services"):
        log.info("callback ignored a missing or foreign id: %s", error)
        return None
    raise error


def build_dash(server: Flask) -> dash.Dash:
    from dashapp.shell import app_shell, register_callbacks

    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PACKAGE_DIR / "pages"),
        assets_folder=str(ASSETS_DIR),
        # Bootstrap and its icon font are vendored in assets/vendor so the app works offline and
        # behind strict networks. They are linked explicitly (not auto-included) so they load before
        # assets/mixmap.css, whose rules must win over Bootstrap's.
        external_stylesheets=VENDORED_STYLESHEETS,
        assets_path_ignore=["^vendor$"],
        suppress_callback_exceptions=True,
        on_error=ignore_ids_not_found,
        title="Mixmap",
        update_title=None,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            plotly_meta_tag(),
        ],
    )
    init_asset_delivery(server)
    init_unavailable(server)
    server.before_request(_unknown_page_answers_404(app))
    app.layout = app_shell
    register_callbacks(app)
    # Dash hands the module-level @callback registry to the first app that serves a request and then
    # empties it. Settling it now gives every app built in this process its own callbacks (the test
    # suite builds one per test) instead of the first app taking them all.
    with server.app_context():
        app._setup_server()
    server.extensions["dash"] = app
    return app


def _unknown_page_answers_404(app: dash.Dash):
    """Dash's catch-all route answers every path 200 and shows "not found" in the browser; crawlers,
    monitors and link checkers need the status too. A path no page registers (path or template)
    gets the same page with 404; the renderer then shows the not-found layout as before."""
    catch_all = f"{app.config.routes_pathname_prefix}<path:path>"

    def check() -> Response | None:
        rule = request.url_rule
        if rule is None or rule.rule != catch_all:
            return None  # a server route (login, API, assets, ...) or Flask's own 404
        page, _ = _path_to_page(app.strip_relative_path(request.path))
        if page:
            return None
        return Response(app.index(), status=404, mimetype="text/html")

    return check
