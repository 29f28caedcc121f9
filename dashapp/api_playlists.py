"""JSON API for playlists (``/api/v1/playlists``), over the same service as the Playlists page.

The auth guard answers 401 before any of this runs without a session. Writes accept only
``application/json`` bodies: a cross-site HTML form cannot send that type, so the session
cookie alone cannot be used to change someone's playlists from another site.

    GET    /playlists                         mine + curated
    POST   /playlists                         {"name", "track_ids"?, "description"?}
    POST   /playlists/generate                {"name"?, "smart"?, "kind", "length", ...spec}
    GET    /playlists/<id>                    one playlist with its tracks
    PATCH  /playlists/<id>                    {"name"?, "description"?, "order"?, "edit"?,
                                               "append"?, "refresh"?}
    DELETE /playlists/<id>
    GET    /playlists/<id>/export?format=m3u8|xspf|jspf|csv|json
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from dashapp.services import playlists

bp = Blueprint("api_playlists", __name__)


@bp.errorhandler(playlists.PlaylistNotFound)
def not_found(error: playlists.PlaylistNotFound):
    return jsonify(error=str(error)), 404


@bp.errorhandler(playlists.PlaylistReadOnly)
def read_only(error: playlists.PlaylistReadOnly):
    return jsonify(error=str(error)), 403


@bp.errorhandler(playlists.PlaylistServiceError)
def bad_request(error: playlists.PlaylistServiceError):
    return jsonify(error=str(error)), 400


def _body() -> dict[str, Any]:
    if not request.is_json:
        raise playlists.PlaylistServiceError("send a JSON body (Content-Type: application/json)")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise playlists.PlaylistServiceError("the body must be a JSON object")
    return body


def _user() -> int:
    return int(current_user.id)


@bp.get("/playlists")
def list_playlists():
    mine, curated = playlists.list_playlists(_user())
    return jsonify(playlists=[p.as_json() for p in mine], curated=[p.as_json() for p in curated])


@bp.post("/playlists")
def create_playlist():
    body = _body()
    track_ids = body.get("track_ids") or []
    if not isinstance(track_ids, list):
        raise playlists.PlaylistServiceError("track_ids must be a list of track ids")
    detail = playlists.create_playlist(
        _user(), body.get("name"), [str(t) for t in track_ids], body.get("description")
    )
    return jsonify(detail.as_json()), 201


@bp.post("/playlists/generate")
def generate_playlist():
    body = _body()
    name = body.pop("name", None)
    smart = bool(body.pop("smart", True))
    detail = playlists.generate_playlist(_user(), body, name, smart=smart)
    return jsonify(detail.as_json()), 201


@bp.get("/playlists/<int:playlist_id>")
def get_playlist(playlist_id: int):
    return jsonify(playlists.get_playlist(_user(), playlist_id).as_json())


@bp.patch("/playlists/<int:playlist_id>")
def update_playlist(playlist_id: int):
    """Each key present is applied in this order; every one is its own transaction."""
    body = _body()
    user = _user()
    known = {"name", "description", "order", "edit", "append", "refresh"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise playlists.PlaylistServiceError(
            f"unknown field {unknown[0]!r}: use {', '.join(sorted(known))}"
        )
    detail = None
    if "name" in body or "description" in body:
        current = body.get("name") or playlists.get_playlist(user, playlist_id).name
        detail = playlists.rename(user, playlist_id, current, body.get("description"))
    if "order" in body:
        detail = playlists.reorder(user, playlist_id, [str(t) for t in body["order"] or []])
    if "edit" in body:
        edit = body["edit"]
        if not isinstance(edit, dict) or "operation" not in edit:
            raise playlists.PlaylistServiceError('edit is {"operation": ..., settings...}')
        params = {k: v for k, v in edit.items() if k != "operation"}
        detail = playlists.edit_playlist(user, playlist_id, str(edit["operation"]), **params)
    if "append" in body:
        detail = playlists.add_tracks(user, playlist_id, [str(t) for t in body["append"] or []])
    if body.get("refresh"):
        detail = playlists.refresh(user, playlist_id)
    if detail is None:
        detail = playlists.get_playlist(user, playlist_id)
    return jsonify(detail.as_json())


@bp.delete("/playlists/<int:playlist_id>")
def delete_playlist(playlist_id: int):
    playlists.delete(_user(), playlist_id)
    return Response(status=204)


@bp.get("/playlists/<int:playlist_id>/export")
def export_playlist(playlist_id: int):
    exported = playlists.export(_user(), playlist_id, request.args.get("format", "csv"))
    return Response(
        exported.content,
        mimetype=exported.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
