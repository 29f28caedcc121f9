"""The OpenAPI 3.1 document, built from the code: the URL map gives the paths and methods, each
view's ``@documented`` metadata its summary, and the pydantic models in ``schemas`` and
``resources`` the request and response schemas. Nothing is written twice, so the document cannot
drift from the routes; ``tests/integration/api/test_openapi.py`` checks every API route is in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from dashapp.api.problems import API_PREFIX, CATCH_ALL_ENDPOINT, PROBLEM_MEDIA_TYPE
from dashapp.api.resources import ProblemDetails
from dashapp.api.schemas import MAX_ID

IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
_RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Response:
    description: str
    model: type[BaseModel] | None = None
    # Media type → schema for answers that are not JSON models (exports).
    content: Mapping[str, Mapping[str, Any]] | None = None


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: Mapping[int, Response] = field(default_factory=dict)


def documented(
    summary: str,
    *,
    tag: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: Mapping[int, Response],
) -> Callable[[Callable], Callable]:
    """Attach what the OpenAPI document says about a view."""

    def attach(view: Callable) -> Callable:
        view.openapi = Operation(summary, tag, body, query, responses)  # type: ignore[attr-defined]
        return view

    return attach


def operation_of(server: Flask, endpoint: str) -> Operation | None:
    return getattr(server.view_functions.get(endpoint), "openapi", None)


def api_rules(server: Flask) -> list:
    """Every rule under /api/v1 except the catch-all that answers unknown paths with a 404."""
    return [
        rule
        for rule in server.url_map.iter_rules()
        if (rule.rule == API_PREFIX or rule.rule.startswith(API_PREFIX + "/"))
        and rule.endpoint != CATCH_ALL_ENDPOINT
    ]


def openapi_path(rule: str) -> str:
    return _RULE_ARGUMENT.sub(lambda m: "{" + m.group("name") + "}", rule)


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    parameters = []
    for match in _RULE_ARGUMENT.finditer(rule):
        converter = match.group("converter") or "string"
        schema: dict[str, Any] = {"type": "string"}
        if converter == "id":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif converter == "int":
            schema = {"type": "integer", "minimum": 0}
        parameters.append(
            {"name": match.group("name"), "in": "path", "required": True, "schema": schema}
        )
    return parameters


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    parameters = []
    for name, info in model.model_fields.items():
        schema = dict(schemas[model.__name__]["properties"][name])
        schema.pop("title", None)
        parameter = {"name": name, "in": "query", "required": info.is_required(), "schema": schema}
        if info.description:
            parameter["description"] = info.description
        parameters.append(parameter)
    return parameters


def _json(model: type[BaseModel], media_type: str = "application/json") -> dict[str, Any]:
    return {media_type: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}


def _response(response: Response) -> dict[str, Any]:
    out: dict[str, Any] = {"description": response.description}
    if response.model is not None:
        out["content"] = _json(response.model)
    elif response.content is not None:
        out["content"] = {
            media: {"schema": dict(schema)} for media, schema in response.content.items()
        }
    return out


def _models(operations: list[Operation]) -> list[type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {ProblemDetails.__name__: ProblemDetails}
    for op in operations:
        for model in (op.body, op.query, *(r.model for r in op.responses.values())):
            if model is not None:
                models[model.__name__] = model
    return list(models.values())


def build_document(server: Flask) -> dict[str, Any]:
    documented_rules = [
        (rule, op) for rule in api_rules(server) if (op := operation_of(server, rule.endpoint))
    ]
    models = _models([op for _, op in documented_rules])
    # Request bodies are described as the validator reads them, answers as the views write them.
    modes = {
        m: "serialization" if m.__module__.endswith("resources") else "validation" for m in models
    }
    _, definitions = models_json_schema(
        [(m, modes[m]) for m in models], ref_template="#/components/schemas/{model}"
    )
    schemas = definitions.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for rule, op in sorted(documented_rules, key=lambda pair: pair[0].rule):
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            operation: dict[str, Any] = {
                "operationId": rule.endpoint.rsplit(".", 1)[-1],
                "summary": op.summary,
                "tags": [op.tag],
                "parameters": _path_parameters(rule.rule)
                + (_query_parameters(op.query, schemas) if op.query else []),
                "responses": {
                    **{str(code): _response(r) for code, r in op.responses.items()},
                    "default": {"$ref": "#/components/responses/Problem"},
                },
            }
            if op.body is not None:
                operation["requestBody"] = {"required": True, "content": _json(op.body)}
            paths.setdefault(openapi_path(rule.rule), {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mixmap API",
            "version": "1",
            "description": (
                "Recommendations, feedback, bans and playlists for the logged-in user. Every error "
                "is application/problem+json (RFC 9457). See docs/API.md."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": server.config.get("SESSION_COOKIE_NAME", "session"),
                    "description": "the cookie /login sets; writes also send X-CSRFToken "
                    "(the _csrf_token cookie's value) when CSRF protection is on",
                }
            },
            "responses": {
                "Problem": {
                    "description": "any error: RFC 9457 problem details",
                    "content": _json(ProblemDetails, PROBLEM_MEDIA_TYPE),
                }
            },
        },
    }
