"""A stored playlist as a file: the standard formats of ``playlist_export`` and Mixmap's JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashapp.services import playlist_export
from dashapp.services.playlists.records import (
    PlaylistDetail,
    PlaylistNotFound,
    PlaylistServiceError,
    detail_of,
    plain,
)
from db.queries import playlists as queries
from db.queries import track_artists
from db.session import session_scope
from music.links import spotify_link

# The standard formats (see ``playlist_export``) and Mixmap's own JSON (the API's playlist body).
EXPORT_FORMATS: dict[str, str] = {
    **{name: form.mimetype for name, form in playlist_export.FORMATS.items()},
    "json": "application/json",
}
EXPORT_ALIASES: dict[str, str] = {"m3u": "m3u8"}  # older links asked for "m3u"


@dataclass(frozen=True)
class Export:
    filename: str
    mimetype: str
    content: str


def _track_url(track_id: str, source: Any) -> str | None:
    return spotify_link(track_id, source)


def export(user_id: int, playlist_id: int, fmt: str) -> Export:
    """The playlist as a file in ``fmt`` (see ``EXPORT_FORMATS``); 404 rules as ``get_playlist``."""
    fmt = EXPORT_ALIASES.get((fmt or "").lower(), (fmt or "").lower())
    if fmt not in EXPORT_FORMATS:
        raise PlaylistServiceError(
            f"unknown export format {fmt!r}: choose from {', '.join(EXPORT_FORMATS)}"
        )
    with session_scope() as session:
        playlist = queries.visible_playlist(session, playlist_id, user_id)
        if playlist is None:
            raise PlaylistNotFound(playlist_id)
        detail = detail_of(session, playlist)
        credits = track_artists.credited_names(session, detail.track_ids)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", detail.name).strip("-") or f"playlist-{detail.id}"
    if fmt == "json":
        content = json.dumps(detail.as_json(), indent=2, ensure_ascii=False)
        return Export(f"{stem}.json", EXPORT_FORMATS[fmt], content)
    form = playlist_export.FORMATS[fmt]
    content = form.render(_export_playlist(detail, credits))
    return Export(f"{stem}.{form.extension}", form.mimetype, content)


def _export_playlist(
    detail: PlaylistDetail, credits: Mapping[str, list[str]]
) -> playlist_export.ExportPlaylist:
    frame = detail.items.astype(object).where(detail.items.notna(), None)
    tracks = []
    for row in frame.to_dict(orient="records"):
        track_id = str(row["track_id"])
        artists = credits.get(track_id) or [str(row["artist_names"])]
        tracks.append(
            playlist_export.ExportTrack(
                track_id=track_id,
                title=str(row["name"]),
                artists=tuple(artists),
                album=row["album_name"],
                duration_ms=int(row["duration_ms"]),
                url=_track_url(track_id, row["source"]),
                explicit=None if row["explicit"] is None else bool(row["explicit"]),
                popularity=None if row["popularity"] is None else int(row["popularity"]),
                features={
                    name: plain(row[name])
                    for name in playlist_export.FEATURE_ATTRIBUTES
                    if name in row
                },
            )
        )
    return playlist_export.ExportPlaylist(
        title=detail.name,
        description=detail.description,
        updated_at=detail.updated_at,
        tracks=tracks,
    )
