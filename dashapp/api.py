"""The JSON API (``/api/v1``): recommendations, feedback and bans, over the same services as Home.

The auth guard answers 401 before any of this runs without a session; the user is always
``current_user``. Writes accept only ``application/json`` bodies: a cross-site HTML form cannot
send that type, so the session cookie alone cannot be used to act for someone from another site.

    GET    /recommendations?k=20&adventurousness=0.5
    POST   /feedback          {"track_id": "...", "kind": "like", "event_id"?: "..."} (also
                              favourite, skip, play, ban_track, ban_artist)
    GET    /bans
    POST   /bans              {"track_id": "..."} or {"artist_id": 12}
    DELETE /bans/<id>
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_login import current_user

from dashapp.services import feedback, recommendations

bp = Blueprint("api", __name__)


class BadRequest(ValueError):
    """The request is malformed; the message says how to fix it."""


@bp.errorhandler(BadRequest)
@bp.errorhandler(feedback.FeedbackError)
@bp.errorhandler(recommendations.RecommendationError)
def bad_request(error: ValueError):
    return jsonify(error=str(error)), 400


def _body() -> dict[str, Any]:
    if not request.is_json:
        raise BadRequest("Send a JSON body (Content-Type: application/json).")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body


def _user() -> int:
    return int(current_user.id)


@bp.get("/recommendations")
def get_recommendations():
    adventurousness = request.args.get("adventurousness")
    result = recommendations.for_user(
        _user(), k=request.args.get("k", 20), adventurousness=adventurousness
    )
    status = 503 if result.status != "ok" else 200
    return jsonify(
        status=result.status,
        message=result.message or None,
        model_version=result.model_version,
        adventurousness=result.adventurousness,
        items=[track.as_json() for track in result.tracks],
    ), status


@bp.post("/feedback")
def post_feedback():
    body = _body()
    track_id, kind = body.get("track_id"), body.get("kind")
    if not isinstance(track_id, str) or not isinstance(kind, str):
        raise BadRequest('Give "track_id" and "kind" as strings.')
    context = body.get("context", "api")
    outcome = feedback.record_feedback(
        _user(),
        track_id,
        kind,
        context=str(context) if context else "api",
        event_id=body.get("event_id"),  # optional: a retry with the same id stores nothing twice
    )
    return jsonify(recorded=outcome.kind, track_id=outcome.track_id, message=outcome.message), 201


def _ban_json(ban) -> dict[str, Any]:
    return {
        "id": ban.id,
        "track_id": ban.track_id,
        "artist_id": ban.artist_id,
        "label": ban.label,
        "created_at": ban.created_at.isoformat(),
    }


@bp.get("/bans")
def list_bans():
    return jsonify(bans=[_ban_json(ban) for ban in feedback.list_bans(_user())])


@bp.post("/bans")
def add_ban():
    body = _body()
    track_id, artist_id = body.get("track_id"), body.get("artist_id")
    if (track_id is None) == (artist_id is None):
        raise BadRequest('Give exactly one of "track_id" or "artist_id".')
    if track_id is not None:
        if not isinstance(track_id, str):
            raise BadRequest('"track_id" must be a string.')
        feedback.ban_track(_user(), track_id)
    else:
        if not isinstance(artist_id, int) or isinstance(artist_id, bool):
            raise BadRequest('"artist_id" must be a whole number.')
        feedback.ban_artist(_user(), artist_id)
    return jsonify(bans=[_ban_json(ban) for ban in feedback.list_bans(_user())]), 201


@bp.delete("/bans/<int:ban_id>")
def delete_ban(ban_id: int):
    if not feedback.unban(_user(), ban_id):
        return jsonify(error=f"You have no ban with id {ban_id}."), 404
    return "", 204
