"""Reading a request: the JSON body, the query string, the user, a page of results.

Every view goes through these, so every view refuses the same things the same way: a body that is
not ``application/json`` is a 415, a body that is not a JSON object or does not match its schema a
400 listing each field's problem; the user always comes from the session, never from the request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from flask import request, url_for
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from dashapp.api.problems import VALIDATION_TYPE, Problem
from dashapp.api.schemas import PageQuery

M = TypeVar("M", bound=BaseModel)


def user_id() -> int:
    """The logged-in user (the auth guard has already refused anonymous requests)."""
    return int(current_user.id)


def json_body(model: type[M]) -> M:
    if not request.is_json:
        raise Problem(415, "Send the body as JSON with the header Content-Type: application/json.")
    try:
        data = json.loads(request.get_data(cache=True) or b"null")
    except ValueError as error:  # JSONDecodeError, or bytes that are not UTF-8/16/32
        raise Problem(400, f"The body is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise Problem(400, "The body must be a JSON object.")
    return _validated(model, data, "body")


def query(model: type[M]) -> M:
    return _validated(model, request.args.to_dict(), "query")


def _validated(model: type[M], data: dict[str, Any], where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = [_field_error(e) for e in error.errors(include_url=False, include_input=False)]
        count = "1 problem" if len(errors) == 1 else f"{len(errors)} problems"
        raise Problem(
            400,
            f"The request {where} has {count}: {errors[0]['field']}: {errors[0]['message']}.",
            errors=errors,
            type_=VALIDATION_TYPE,
        ) from None


def _field_error(error: Any) -> dict[str, str]:
    field = ".".join(str(part) for part in error["loc"]) or "(body)"
    message = error["msg"]
    if error["type"] == "string_pattern_mismatch":
        message = "must not contain NUL (0x00) characters"
    return {"field": field, "message": message}


def page(items: Sequence[Any], total: int, paging: PageQuery) -> dict[str, Any]:
    """The envelope of every list endpoint: the items, the total, and where the next page is."""
    following = paging.offset + len(items)
    next_url = None
    if following < total and items:
        args = {**request.args.to_dict(), "offset": following, "limit": paging.limit}
        next_url = url_for(request.endpoint, **(request.view_args or {}), **args)
    return {
        "items": list(items),
        "total": total,
        "limit": paging.limit,
        "offset": paging.offset,
        "next": next_url,
    }
