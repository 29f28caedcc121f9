"""Recommendations, feedback and bans: the same services as Home and Profile.

GET    /recommendations?k=20&adventurousness=0.5
POST   /feedback          {"track_id": "...", "kind": "like"} (also favourite, skip, play,
                          ban_track, ban_artist)
GET    /bans?limit=&offset=
POST   /bans              {"track_id": "..."} or {"artist_id": 12}
DELETE /bans/<id>
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from dashapp.api import resources
from dashapp.api.inputs import json_body, page, query, user_id
from dashapp.api.openapi import Response as Documented
from dashapp.api.openapi import documented
from dashapp.api.problems import Problem
from dashapp.api.schemas import BanBody, FeedbackBody, PageQuery, RecommendationsQuery
from dashapp.services import feedback, recommendations

bp = Blueprint("listening", __name__)


@bp.get("/recommendations")
@documented(
    "Your recommendations now (they react to every feedback event)",
    tag="listening",
    query=RecommendationsQuery,
    responses={
        200: Documented("the list", resources.Recommendations),
        503: Documented("no model is trained yet, or the recommender failed (a problem)"),
    },
)
def get_recommendations():
    asked = query(RecommendationsQuery)
    result = recommendations.for_user(user_id(), k=asked.k, adventurousness=asked.adventurousness)
    if result.status != "ok":
        raise Problem(
            503,
            result.message,
            extensions={"reason": result.status, "model_version": result.model_version},
            headers={"Retry-After": "60"},
        )
    return jsonify(
        status=result.status,
        message=result.message or None,
        model_version=result.model_version,
        adventurousness=result.adventurousness,
        items=[track.as_json() for track in result.tracks],
    )


@bp.post("/feedback")
@documented(
    "Record a like, favourite, skip, play or ban",
    tag="listening",
    body=FeedbackBody,
    responses={201: Documented("recorded", resources.FeedbackRecorded)},
)
def post_feedback():
    body = json_body(FeedbackBody)
    outcome = feedback.record_feedback(
        user_id(),
        body.track_id,
        body.kind,
        context=body.context or "api",
        event_id=body.event_id,
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


def _ban_page(paging: PageQuery) -> dict[str, Any]:
    rows, total = feedback.ban_page(user_id(), limit=paging.limit, offset=paging.offset)
    return page([_ban_json(ban) for ban in rows], total, paging)


@bp.get("/bans")
@documented(
    "Your bans, newest first, a page at a time",
    tag="listening",
    query=PageQuery,
    responses={200: Documented("a page of bans", resources.BanPage)},
)
def list_bans():
    return jsonify(_ban_page(query(PageQuery)))


@bp.post("/bans")
@documented(
    "Ban a track or an artist (banning twice is harmless)",
    tag="listening",
    body=BanBody,
    responses={201: Documented("the first page of your bans", resources.BanPage)},
)
def add_ban():
    body = json_body(BanBody)
    if body.track_id is not None:
        feedback.ban_track(user_id(), body.track_id)
    else:
        feedback.ban_artist(user_id(), body.artist_id)
    return jsonify(_ban_page(PageQuery())), 201


@bp.delete("/bans/<id:ban_id>")
@documented(
    "Lift one of your bans",
    tag="listening",
    responses={204: Documented("lifted")},
)
def delete_ban(ban_id: int):
    if not feedback.unban(user_id(), ban_id):
        raise Problem(404, f"You have no ban with id {ban_id}.")
    return Response(status=204)
