"""Playlists, over the same service as the Playlists page.

    GET    /playlists?scope=mine|curated&limit=&offset=
    POST   /playlists                         {"name", "track_ids"?, "description"?}
    POST   /playlists/generate                {"name"?, "smart"?, "kind", "length"?, ...spec}
    GET    /playlists/<id>                    one playlist with its tracks
    PATCH  /playlists/<id>                    {"name"?, "description"?, "order"?, "edit"?,
                                               "append"?, "refresh"?}
    DELETE /playlists/<id>
    GET    /playlists/<id>/export?format=csv|m3u|json

A playlist another user owns is answered exactly like one that does not exist (the service raises
``PlaylistNotFound`` for both), so ids cannot be probed.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from dashapp.api import resources
from dashapp.api.inputs import json_body, page, query, user_id
from dashapp.api.openapi import Response as Documented
from dashapp.api.openapi import documented
from dashapp.api.schemas import (
    ExportQuery,
    PlaylistCreate,
    PlaylistGenerate,
    PlaylistPatch,
    PlaylistsQuery,
)
from dashapp.services import playlists

bp = Blueprint("playlists", __name__)
TAG = "playlists"


def _export_schema(mimetype: str) -> dict:
    if mimetype == "application/json":
        return {"$ref": "#/components/schemas/PlaylistDetail"}
    return {"type": "object"} if mimetype.endswith("+json") else {"type": "string"}


@bp.get("/playlists")
@documented(
    "Your playlists or the curated ones, most recently changed first, a page at a time",
    tag=TAG,
    query=PlaylistsQuery,
    responses={200: Documented("a page of playlists", resources.PlaylistPage)},
)
def list_playlists():
    asked = query(PlaylistsQuery)
    items, total = playlists.playlist_page(
        user_id(), curated=asked.scope == "curated", limit=asked.limit, offset=asked.offset
    )
    return jsonify(page([p.as_json() for p in items], total, asked))


@bp.post("/playlists")
@documented(
    "Create a playlist from track ids (repeats are kept as given)",
    tag=TAG,
    body=PlaylistCreate,
    responses={201: Documented("created", resources.PlaylistDetail)},
)
def create_playlist():
    body = json_body(PlaylistCreate)
    detail = playlists.create_playlist(user_id(), body.name, body.track_ids, body.description)
    return jsonify(detail.as_json()), 201


@bp.post("/playlists/generate")
@documented(
    "Generate and save a playlist (smart ones keep their settings to re-run)",
    tag=TAG,
    body=PlaylistGenerate,
    responses={201: Documented("generated", resources.PlaylistDetail)},
)
def generate_playlist():
    body = json_body(PlaylistGenerate)
    detail = playlists.generate_playlist(user_id(), body.spec(), body.name, smart=body.smart)
    return jsonify(detail.as_json()), 201


@bp.get("/playlists/<id:playlist_id>")
@documented(
    "One playlist with its tracks",
    tag=TAG,
    responses={200: Documented("the playlist", resources.PlaylistDetail)},
)
def get_playlist(playlist_id: int):
    return jsonify(playlists.get_playlist(user_id(), playlist_id).as_json())


@bp.patch("/playlists/<id:playlist_id>")
@documented(
    "Rename, reorder, edit, append to or re-run one of your playlists",
    tag=TAG,
    body=PlaylistPatch,
    responses={200: Documented("the playlist after the changes", resources.PlaylistDetail)},
)
def update_playlist(playlist_id: int):
    """Each key present is applied in ``PlaylistPatch``'s order, each in its own transaction."""
    body = json_body(PlaylistPatch)
    user = user_id()
    detail = None
    if body.name is not None or body.description is not None:
        name = body.name or playlists.get_playlist(user, playlist_id).name
        detail = playlists.rename(user, playlist_id, name, body.description)
    if body.order is not None:
        detail = playlists.reorder(user, playlist_id, body.order)
    if body.edit is not None:
        params = body.edit.model_dump(exclude={"operation"})
        detail = playlists.edit_playlist(user, playlist_id, body.edit.operation, **params)
    if body.append is not None:
        detail = playlists.add_tracks(user, playlist_id, body.append)
    if body.refresh:
        detail = playlists.refresh(user, playlist_id)
    if detail is None:
        detail = playlists.get_playlist(user, playlist_id)
    return jsonify(detail.as_json())


@bp.delete("/playlists/<id:playlist_id>")
@documented("Delete one of your playlists", tag=TAG, responses={204: Documented("deleted")})
def delete_playlist(playlist_id: int):
    playlists.delete(user_id(), playlist_id)
    return Response(status=204)


@bp.get("/playlists/<id:playlist_id>/export")
@documented(
    "Download a playlist as a file",
    tag=TAG,
    query=ExportQuery,
    responses={
        200: Documented(
            "the file (as an attachment)",
            content={
                mimetype: _export_schema(mimetype) for mimetype in playlists.EXPORT_FORMATS.values()
            },
        )
    },
)
def export_playlist(playlist_id: int):
    asked = query(ExportQuery)
    exported = playlists.export(user_id(), playlist_id, asked.format)
    return Response(
        exported.content,
        mimetype=exported.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
