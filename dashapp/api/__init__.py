"""The JSON API under ``/api/v1``: one blueprint of blueprints sharing one error contract.

``register_api`` mounts it on the server: the ``id`` URL converter (a positive 64-bit integer, so a
larger id is simply not a route and gets the same 404 as a missing one), the problem-details error
handlers, the OpenAPI document and a catch-all that answers unknown API paths with a JSON 404
rather than letting Dash serve its page there.

The auth guard (``dashapp.auth``) answers 401 before any of this runs without a session; the user
is always ``current_user``. Writes accept only ``application/json`` bodies.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter

from dashapp.api import listening, playlists
from dashapp.api.openapi import Response, build_document, documented
from dashapp.api.problems import (
    API_PREFIX,
    CATCH_ALL_ENDPOINT,
    install_app_handlers,
    install_view_handlers,
    methods_with_a_resource,
)
from dashapp.api.schemas import MAX_ID

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

bp = Blueprint("api", __name__)
bp.register_blueprint(listening.bp)
bp.register_blueprint(playlists.bp)
install_view_handlers(bp)


class IdConverter(IntegerConverter):
    """A database id: 1 to 2^63 - 1."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


@bp.get("/openapi.json")
@documented(
    "This document (OpenAPI 3.1)",
    tag="meta",
    responses={200: Response("the OpenAPI document", content={"application/json": {}})},
)
def openapi_document():
    document = current_app.extensions.get("mixmap_openapi")
    if document is None:
        document = current_app.extensions["mixmap_openapi"] = build_document(current_app)
    return jsonify(document)


def unknown_path(path: str = ""):
    """No API view serves this path with this method: 405 when one does with another, else 404."""
    allowed = methods_with_a_resource()
    if allowed and request.method not in ("HEAD", "OPTIONS"):
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()


for rule in ("", "/", "/<path:path>"):
    bp.add_url_rule(
        rule,
        endpoint=CATCH_ALL_ENDPOINT.removeprefix("api."),
        view_func=unknown_path,
        methods=ALL_METHODS,
    )


def register_api(server: Flask) -> None:
    server.url_map.converters["id"] = IdConverter
    install_app_handlers(server)
    server.register_blueprint(bp, url_prefix=API_PREFIX)
