"""The API's one error contract: RFC 9457 problem details (``application/problem+json``).

Every 4xx and 5xx under ``/api/v1`` is a problem object ``{type, title, status, detail}``, plus
``errors`` (one entry per field: ``{"field", "message"}``) when a request fails validation. This
holds whoever produced the error: our views (``Problem``), the services (their ``ValueError`` /
``LookupError`` subclasses), Werkzeug (404, 405, 413, ...), extensions added later (throttling,
CSRF) and the auth guard, because ``normalise_error_response`` rewrites any other error body on its
way out. Nothing a client sends is echoed back as a stack trace: unexpected errors are logged here
and answered with a bare 500 problem.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from dashapp.services import playlists
from dashapp.services.availability import RETRY_AFTER_SECONDS, is_database_unavailable

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
PROBLEM_MEDIA_TYPE = "application/problem+json"
# RFC 9457 §4.2.1: "about:blank" means the title is just the HTTP status phrase.
ABOUT_BLANK = "about:blank"
# Our own problem types, for clients that branch on more than the status code.
VALIDATION_TYPE = "/api/v1/problems/validation"
SERVICES_PACKAGE = "dashapp.services"
# The API's catch-all view (``dashapp.api.unknown_path``), which is not a resource.
CATCH_ALL_ENDPOINT = "api.unknown_path"
PROBED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class Problem(Exception):
    """An error the API answers with; raise it from a view."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[dict[str, str]] | None = None,
        type_: str = ABOUT_BLANK,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.extensions = extensions or {}
        self.status = status
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.type = type_
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: str,
    *,
    errors: Sequence[dict[str, str]] | None = None,
    type_: str = ABOUT_BLANK,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    """RFC 9457 §3.2 lets a problem type carry extension members; ours never reuse the five
    standard names."""
    body: dict[str, Any] = {
        **(extensions or {}),
        "type": type_,
        "title": _title(status),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def methods_with_a_resource() -> list[str]:
    """The methods for which an API view (not the catch-all) serves this request's path.

    Werkzeug's answer alone is not enough: an id that fails its converter (2^63, say) can come
    back as a 405 when other methods' rules share the path's shape, yet no method serves it."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    methods = []
    for method in PROBED_METHODS:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:  # 404, 405, or a redirect: no view for this method
            continue
        if endpoint.startswith("api.") and endpoint != CATCH_ALL_ENDPOINT:
            methods.append(method)
    return methods


def service_error_status(error: Exception) -> int | None:
    """The status for an error a service raised on purpose, None for anything else.

    Services signal "you asked for something wrong" with ``ValueError`` subclasses and "no such
    thing (for you)" with ``LookupError`` subclasses, defined in ``dashapp.services``. Matching on
    that (anywhere in the class's ancestry) rather than on a list of classes means a new service
    error, say "playlist too long", maps to a 400 without touching the API, while a ``ValueError``
    from a bug deeper down (numpy, SQLAlchemy) still surfaces as a logged 500.
    """
    if isinstance(error, playlists.PlaylistReadOnly):
        return 403
    if not any((cls.__module__ or "").startswith(SERVICES_PACKAGE) for cls in type(error).__mro__):
        return None
    if isinstance(error, LookupError):
        return 404
    if isinstance(error, ValueError):
        return 400
    return None


def _handle_problem(error: Problem) -> Response:
    return problem_response(
        error.status,
        error.detail,
        errors=error.errors,
        type_=error.type,
        headers=error.headers,
        extensions=error.extensions,
    )


def _handle_http_exception(error: HTTPException) -> Response | HTTPException:
    if not is_api_request():
        return error  # the rest of the site keeps Flask's own pages
    # Keep what the exception says in its headers (Retry-After on a 429, say).
    headers = {
        name: value
        for name, value in error.get_headers()
        if name.lower() not in {"content-type", "content-length", "allow"}
    }
    status = error.code or 500
    if status == 405:
        allowed = methods_with_a_resource()
        if not allowed:
            return problem_response(404, _not_found_detail())
        headers["Allow"] = ", ".join(allowed)
    return problem_response(status, _http_detail(error), headers=headers)


def _not_found_detail() -> str:
    return f"There is no API resource at {request.path}; see {API_PREFIX}/openapi.json."


def _http_detail(error: HTTPException) -> str:
    if error.code == 404:
        return _not_found_detail()
    if error.code == 405:
        return f"{request.method} is not allowed on {request.path}."
    if error.code == 413:
        return "The request body is too large."
    return error.description or _title(error.code or 500)


def _handle_unexpected(error: Exception) -> Response:
    """Anything a view raised that is not a ``Problem``."""
    if isinstance(error, HTTPException):  # the blueprint's handler is looked up before the app's
        return _handle_http_exception(error)  # type: ignore[return-value]
    status = service_error_status(error)
    if status is not None:
        return problem_response(status, str(error))
    if is_database_unavailable(error):
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
        return problem_response(
            503,
            "The database cannot be reached right now; retry shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    log.exception("unexpected error on %s %s", request.method, request.path)
    return problem_response(500, "Something went wrong on our side; it has been logged.")


def normalise_error_response(response: Response) -> Response:
    """Any error answer under /api/v1 that is not yet a problem becomes one (same status,
    same headers such as Retry-After), keeping the original message as the detail."""
    if response.status_code < 400 or not is_api_request():
        return response
    if response.mimetype == PROBLEM_MEDIA_TYPE:
        return response
    detail = _title(response.status_code)
    if response.is_json:
        body = response.get_json(silent=True)
        if isinstance(body, dict):
            detail = str(body.get("error") or body.get("message") or body.get("detail") or detail)
    problem = problem_response(response.status_code, detail)
    for name, value in response.headers.items():
        if name.lower() not in {"content-type", "content-length"}:
            problem.headers.add(name, value)
    return problem


def install_view_handlers(blueprint: Blueprint) -> None:
    """Exceptions the views raise (once per blueprint: it is shared by every app built)."""
    blueprint.register_error_handler(Problem, _handle_problem)
    blueprint.register_error_handler(Exception, _handle_unexpected)


def install_app_handlers(server: Flask) -> None:
    """Routing errors (an unknown path, a wrong method) and errors raised before any view runs
    (auth guard, throttling, CSRF, body too large) happen outside the blueprint, so HTTP errors are
    handled app-wide, deferring to Flask's own pages outside /api/v1."""
    server.register_error_handler(Problem, _handle_problem)
    server.register_error_handler(HTTPException, _handle_http_exception)
    server.after_request(normalise_error_response)
