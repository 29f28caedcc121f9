"""Finding 6 of issue #9: malformed but authenticated input answered 500. Each case here did on the
code before the API package; now each is a 4xx problem and nothing is written.

``{mine}`` is a playlist of the caller's, ``{theirs}`` one of another user's.
"""

from __future__ import annotations

import pytest

from dashapp.services import playlists

HUGE = 2**63  # one past the largest database key
TRACKS = ["t0000", "t0001", "t0002"]

CASES = [
    # non-string description
    ("post", "/api/v1/playlists", {"name": "x", "description": 5}, 400),
    ("post", "/api/v1/playlists", {"name": "x", "description": ["a"]}, 400),
    ("patch", "/api/v1/playlists/{mine}", {"description": 5}, 400),
    ("patch", "/api/v1/playlists/{mine}", {"name": "x", "description": {"a": 1}}, 400),
    # non-list order / append
    ("patch", "/api/v1/playlists/{mine}", {"order": 5}, 400),
    ("patch", "/api/v1/playlists/{mine}", {"order": True}, 400),
    ("patch", "/api/v1/playlists/{mine}", {"append": 5}, 400),
    ("patch", "/api/v1/playlists/{mine}", {"append": True}, 400),
    # ids >= 2^63
    ("get", f"/api/v1/playlists/{HUGE}", None, 404),
    ("patch", f"/api/v1/playlists/{HUGE}", {"name": "x"}, 404),
    ("delete", f"/api/v1/playlists/{HUGE}", None, 404),
    ("get", f"/api/v1/playlists/{HUGE}/export?format=csv", None, 404),
    ("delete", f"/api/v1/bans/{HUGE}", None, 404),
    ("post", "/api/v1/bans", {"artist_id": HUGE}, 400),
    # huge numbers inside a body (JSON 1e400 parses as infinity)
    (
        "patch",
        "/api/v1/playlists/{mine}",
        '{"edit": {"operation": "lock", "position": 1e400, "locked": true}}',
        400,
    ),
    ("post", "/api/v1/playlists/generate", '{"kind": "mood", "length": {"tracks": 1e400}}', 400),
]


def _send(client, method: str, url: str, body):
    if body is None:
        return getattr(client, method)(url)
    if isinstance(body, str):
        return getattr(client, method)(url, data=body, content_type="application/json")
    return getattr(client, method)(url, json=body)


def _snapshot(user_id: int) -> list:
    summaries, _ = playlists.list_playlists(user_id)
    return [(p.id, p.name, p.track_count) for p in summaries]


@pytest.mark.parametrize(("method", "url", "body", "status"), CASES)
def test_malformed_input_is_a_4xx_problem_and_writes_nothing(ana, ben, method, url, body, status):
    client, user = ana
    mine = playlists.create_playlist(user, "Mine", TRACKS).id
    theirs = playlists.create_playlist(ben[1], "Theirs", TRACKS).id
    before = _snapshot(user), _snapshot(ben[1])
    response = _send(client, method, url.format(mine=mine, theirs=theirs), body)
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    assert (_snapshot(user), _snapshot(ben[1])) == before
    assert playlists.get_playlist(user, mine).description is None


NUL = "a\x00b"
NUL_CASES = [
    ("/api/v1/playlists", {"name": NUL}),
    ("/api/v1/playlists", {"name": "x", "description": NUL}),
    ("/api/v1/playlists", {"name": "x", "track_ids": [NUL]}),
    ("/api/v1/feedback", {"track_id": NUL, "kind": "like"}),
    ("/api/v1/feedback", {"track_id": "t0000", "kind": "like", "context": NUL}),
    ("/api/v1/bans", {"track_id": NUL}),
    ("/api/v1/playlists/generate", {"kind": "radio", "track_ids": [NUL]}),
]


@pytest.mark.parametrize(("url", "body"), NUL_CASES)
def test_a_nul_byte_in_any_text_field_is_a_400(ana, url, body):
    """PostgreSQL refuses NUL in text; the API refuses it first, on every backend alike."""
    client, _ = ana
    response = client.post(url, json=body)
    assert response.status_code == 400, response.data
    assert "NUL" in response.json["detail"]
