"""IDOR matrices generated from the app itself: another user's id must be answered exactly like an
id that does not exist, and must leave that user's data as it was.

The API matrix walks the URL map (every /api/v1 rule with an id x every method); the Dash matrix
walks Dash's callback map (every callback reading the current playlist id x every input that
fires it). A new route or callback joins the matrix by itself; a new kind of id fails here until
the test knows how to make one for the other user.
"""

from __future__ import annotations

import json
import re

import pytest

from dashapp.api.openapi import api_rules, operation_of
from dashapp.services import feedback, playlists

TRACKS = ["t0000", "t0001", "t0002"]
# A valid body for each request model, so the request fails only on the id.
VALID_BODIES = {"PlaylistPatch": {"name": "Mine now", "append": ["t0003"]}}
PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _theirs_and_missing(argument: str, other: int) -> tuple[int, int]:
    """(an id of this kind owned by ``other``, an id of this kind that names nothing)."""
    if argument == "playlist_id":
        theirs = playlists.create_playlist(other, "Theirs", TRACKS).id
    elif argument == "ban_id":
        feedback.ban_track(other, "t0004")
        theirs = feedback.list_bans(other)[0].id
    else:
        pytest.fail(f"the IDOR matrix cannot make a {argument!r} for another user yet")
    return theirs, theirs + 10_000


def _state_of(other: int) -> tuple:
    mine, _ = playlists.list_playlists(other)
    details = [playlists.get_playlist(other, p.id).as_json() for p in mine]
    for detail in details:
        detail.pop("updated_at")
    return details, [ban.id for ban in feedback.list_bans(other)]


def _normalise(body: bytes, *ids: int) -> str:
    text = body.decode()
    for value in ids:
        text = re.sub(rf"\b{value}\b", "<id>", text)
    return text


def _api_cases(server):
    cases = []
    for rule in api_rules(server):
        for argument in rule.arguments:
            for method in sorted(set(PROBED) & (rule.methods or set())):
                cases.append((rule.rule, argument, method, rule.endpoint))
    return cases


def test_the_api_matrix_covers_every_id_route(api_app):
    covered = {(rule, method) for rule, _, method, _ in _api_cases(api_app)}
    assert ("/api/v1/playlists/<id:playlist_id>", "PATCH") in covered
    assert ("/api/v1/bans/<id:ban_id>", "DELETE") in covered
    assert len(covered) >= 5


def test_another_users_id_is_a_404_like_a_missing_one_on_every_api_route(ana, ben, api_app):
    client, _ = ana
    other = ben[1]
    for rule, argument, method, endpoint in _api_cases(api_app):
        theirs, missing = _theirs_and_missing(argument, other)
        before = _state_of(other)
        operation = operation_of(api_app, endpoint)
        body = None
        if operation.body is not None:
            body = VALID_BODIES.get(operation.body.__name__)
            assert body is not None, f"add a valid {operation.body.__name__} to VALID_BODIES"
        answers = []
        for value in (theirs, missing):
            url = re.sub(r"<[^>]+>", str(value), rule)
            response = client.open(url, method=method, json=body)
            answers.append(
                (response.status_code, response.mimetype, _normalise(response.data, value))
            )
        label = f"{method} {rule}"
        assert answers[0] == answers[1], label
        assert answers[0][:2] == (404, "application/problem+json"), label
        assert _state_of(other) == before, label


# --- Dash callbacks -------------------------------------------------------------------------------

CURRENT_PLAYLIST = ("pl-current", "data")
# What each input or state carries when the user acts (the values a browser would send).
VALUES = {
    ("playlist-grid", "cellValueChanged"): [{"colId": "locked", "rowIndex": 0, "value": True}],
    ("playlist-grid", "virtualRowData"): [{"track_id": "t0001"}, {"track_id": "t0000"}],
    ("playlist-grid", "rowData"): [{"track_id": "t0000"}, {"track_id": "t0001"}],
    ("playlist-grid", "selectedRows"): [{"number": 1}],
    ("pl-sort-column", "value"): "energy",
    ("pl-sort-direction", "value"): "desc",
    ("pl-name", "value"): "Mine now",
}


def _dash_cases(server):
    dash_app = server.extensions["dash"]
    cases = []
    for output, spec in dash_app.callback_map.items():
        reads = [(i["id"], i["property"]) for i in spec["inputs"] + spec["state"]]
        if CURRENT_PLAYLIST in reads:
            cases.extend((output, spec, trigger) for trigger in spec["inputs"])
    return cases


def _dash_request(output: str, spec: dict, trigger: dict, playlist_id: int) -> dict:
    outputs = [part for part in output.strip(".").split("...")]
    out_specs = []
    for part in outputs:
        component, prop = part.rsplit(".", 1)
        out_specs.append({"id": component, "property": prop})

    def value(item: dict):
        key = (item["id"], item["property"])
        if key == CURRENT_PLAYLIST:
            return {"id": playlist_id}
        if item is trigger and item["property"] == "n_clicks":
            return 1
        return VALUES.get(key) if item is trigger or key in VALUES else None

    return {
        "output": output,
        "outputs": out_specs if len(out_specs) > 1 else out_specs[0],
        "inputs": [{**i, "value": value(i)} for i in spec["inputs"]],
        "state": [{**s, "value": value(s)} for s in spec["state"]],
        "changedPropIds": [f"{trigger['id']}.{trigger['property']}"],
    }


def test_the_dash_matrix_covers_the_playlist_callbacks(api_app):
    triggers = {t["id"] for _, _, t in _dash_cases(api_app)}
    assert {"pl-duplicate", "pl-export-csv", "pl-delete", "pl-rename", "pl-remove"} <= triggers


def test_another_users_playlist_id_in_any_callback_is_like_a_missing_one(ana, ben, api_app):
    """Finding 6 included duplicate and export of another user's playlist: both were 500s."""
    client, user = ana
    other = ben[1]
    theirs, missing = _theirs_and_missing("playlist_id", other)
    for output, spec, trigger in _dash_cases(api_app):
        before, mine_before = _state_of(other), playlists.list_playlists(user)[0]
        answers = []
        for value in (theirs, missing):
            response = client.post(
                "/_dash-update-component", json=_dash_request(output, spec, trigger, value)
            )
            answers.append((response.status_code, _normalise(response.data, value)))
        label = f"{trigger['id']}.{trigger['property']} -> {output}"
        assert answers[0] == answers[1], label
        assert answers[0][0] < 500, label
        assert _state_of(other) == before, label
        assert playlists.list_playlists(user)[0] == mine_before, label
        assert json.dumps(before) not in answers[0][1]
