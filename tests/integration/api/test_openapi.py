"""The OpenAPI document and the URL map describe the same API, both ways."""

from __future__ import annotations

from dashapp.api.openapi import IGNORED_METHODS, api_rules, openapi_path, operation_of


def routes_in_url_map(server) -> set[tuple[str, str]]:
    return {
        (openapi_path(rule.rule), method.lower())
        for rule in api_rules(server)
        for method in (rule.methods or set()) - IGNORED_METHODS
    }


def routes_in_document(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_the_document_is_openapi_3_1_and_served_to_a_logged_in_user(ana, api_app):
    user_client, _ = ana
    response = user_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1.")
    assert api_app.test_client().get("/api/v1/openapi.json").status_code == 401  # anonymous


def test_every_api_route_is_documented_and_every_documented_route_exists(api_app, ana):
    user_client, _ = ana
    document = user_client.get("/api/v1/openapi.json").json
    unknown = [
        rule.rule for rule in api_rules(api_app) if operation_of(api_app, rule.endpoint) is None
    ]
    assert unknown == [], "add @documented to these views"
    assert routes_in_url_map(api_app) == routes_in_document(document)
    assert len(routes_in_document(document)) >= 13


def test_every_operation_promises_problem_details_for_errors(ana):
    user_client, _ = ana
    document = user_client.get("/api/v1/openapi.json").json
    problem = document["components"]["responses"]["Problem"]["content"]
    assert list(problem) == ["application/problem+json"]
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["responses"]["default"] == {"$ref": "#/components/responses/Problem"}


def test_request_schemas_carry_the_bounds(ana):
    user_client, _ = ana
    schemas = user_client.get("/api/v1/openapi.json").json["components"]["schemas"]
    create = schemas["PlaylistCreate"]
    assert create["additionalProperties"] is False
    assert create["properties"]["track_ids"]["maxItems"] >= 1_000
    k = next(
        p
        for p in user_client.get("/api/v1/openapi.json").json["paths"]["/api/v1/recommendations"][
            "get"
        ]["parameters"]
        if p["name"] == "k"
    )
    assert k["schema"]["maximum"] == 100
