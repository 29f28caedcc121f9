"""Answer 503 (retry soon) instead of 500 while the database is away.

During a PostgreSQL restart every request that touches the database fails. The API's problem
handler and this app-wide handler (Dash callbacks, pages) turn those failures into 503 with
``Retry-After``: a Dash callback gets a JSON message that ``assets/session_expiry.js`` shows as an
alert ("try again in a moment"), a page gets a short HTML notice. Other errors are untouched.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from sqlalchemy import exc

from dashapp.services.availability import RETRY_AFTER_SECONDS, is_database_unavailable

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    "Mixmap cannot reach its database right now (it may be restarting). Nothing was saved; "
    "please try again in a moment."
)


def unavailable_response() -> Response:
    if request.path.startswith("/_dash-"):
        response = jsonify(message=UNAVAILABLE_MESSAGE)
    else:
        response = Response(f"<p>{UNAVAILABLE_MESSAGE}</p>", mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _handle(error: exc.SQLAlchemyError) -> Response:
    if not is_database_unavailable(error):
        raise error
    log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
    return unavailable_response()


def init_unavailable(server: Flask) -> None:
    server.register_error_handler(exc.SQLAlchemyError, _handle)
