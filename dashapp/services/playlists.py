"""Playlists: list, create, generate, edit, smart re-runs and export, for one user at a time.

Every function takes the acting user's id (from ``current_user``, never from the client) and does
one unit of work in one transaction. A playlist another user owns is reported exactly like one
that does not exist (``PlaylistNotFound``), so ids cannot be probed. Curated playlists (no owner)
can be read and duplicated by anyone and edited by no one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from dashapp.services import model_store, playlist_export
from dashapp.services.model_messages import NO_MODEL_YET
from db.models import Playlist, PlaylistItem, utcnow
from db.queries import playlists as queries
from db.queries import track_artists
from db.session import insert_in_batches, session_scope
from ml.ordering import flow_series
from ml.playlists import (
    EDITS,
    GeneratorSpec,
    Length,
    PlaylistError,
    edit,
    generate,
)
from ml.recommender import Exclusions
from music.links import spotify_link

MAX_NAME_LENGTH = 200
# The longest playlist anyone may store (MIXMAP_MAX_PLAYLIST_TRACKS overrides it): long enough for
# a day of music, short enough that every request on a playlist stays a bounded amount of work.
DEFAULT_MAX_PLAYLIST_TRACKS = 1000
# The standard formats (see ``playlist_export``) and Mixmap's own JSON (the API's playlist body).
EXPORT_FORMATS: dict[str, str] = {
    **{name: form.mimetype for name, form in playlist_export.FORMATS.items()},
    "json": "application/json",
}
EXPORT_ALIASES: dict[str, str] = {"m3u": "m3u8"}  # older links asked for "m3u"
NO_MODEL_MESSAGE = (
    f"Generators need a trained model and none is serving yet. {NO_MODEL_YET} "
    "Building playlists by hand works meanwhile."
)


class PlaylistServiceError(ValueError):
    """Something the user can fix; the message says what."""


class PlaylistNotFound(LookupError):
    """No such playlist for this user (also when it belongs to someone else)."""

    def __init__(self, playlist_id: int) -> None:
        super().__init__(f"playlist {playlist_id} not found")


class PlaylistReadOnly(PlaylistServiceError):
    """A curated playlist: it can be read and duplicated, not changed."""


class PlaylistTooLong(PlaylistServiceError):
    """The playlist would hold more tracks than the configured maximum (the API answers 400)."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"a playlist holds at most {limit} tracks; this one would have {count}: "
            "split it into several playlists"
        )
        self.count = count
        self.limit = limit


def max_playlist_tracks() -> int:
    """The configured cap (``MAX_PLAYLIST_TRACKS``), or the default outside an app."""
    if has_app_context():
        return int(current_app.config.get("MAX_PLAYLIST_TRACKS", DEFAULT_MAX_PLAYLIST_TRACKS))
    return DEFAULT_MAX_PLAYLIST_TRACKS


def check_length(count: int) -> None:
    limit = max_playlist_tracks()
    if count > limit:
        raise PlaylistTooLong(count, limit)


@dataclass(frozen=True)
class PlaylistSummary:
    id: int
    name: str
    is_curated: bool
    is_smart: bool
    track_count: int
    duration_ms: int
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "updated_at": _iso(self.updated_at)}


@dataclass(frozen=True)
class PlaylistDetail:
    id: int
    name: str
    description: str | None
    is_curated: bool
    generator: dict[str, Any] | None
    items: pd.DataFrame  # queries.ITEM_COLUMNS, in play order
    created_at: datetime
    updated_at: datetime
    note: str | None = None  # what a generator wants the user to know ("only 7 tracks ...")

    @property
    def duration_ms(self) -> int:
        return int(self.items["duration_ms"].sum()) if len(self.items) else 0

    @property
    def track_ids(self) -> list[str]:
        return self.items["track_id"].astype(str).tolist()

    def item_records(self) -> list[dict[str, Any]]:
        """JSON-safe rows for the grid and the API."""
        frame = self.items.drop(columns=["item_id"]).astype(object)
        frame = frame.where(frame.notna(), None)
        return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "is_curated": self.is_curated,
            "is_smart": self.generator is not None,
            "generator": self.generator,
            "track_count": len(self.items),
            "duration_ms": self.duration_ms,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "note": self.note,
            "items": self.item_records(),
        }


def _iso(moment: datetime) -> str:
    """RFC 3339 with the offset: SQLite hands timestamps back naive, and they are stored as UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- reads --------------------------------------------------------------------------------------


def list_playlists(user_id: int, curated_limit: int = 50) -> tuple[list[PlaylistSummary], ...]:
    """(the user's playlists, curated playlists)."""
    with session_scope() as session:
        mine = queries.playlists_of(session, user_id)
        curated = queries.curated(session, limit=curated_limit)
    return [_summary(r) for r in mine], [_summary(r) for r in curated]


def playlist_page(
    user_id: int, *, curated: bool = False, limit: int, offset: int = 0
) -> tuple[list[PlaylistSummary], int]:
    """One page of the user's playlists, or of the curated ones, and how many there are."""
    with session_scope() as session:
        rows, total = queries.playlist_page(session, None if curated else user_id, limit, offset)
    return [_summary(r) for r in rows], total


def _summary(row: queries.PlaylistRow) -> PlaylistSummary:
    return PlaylistSummary(
        id=row.id,
        name=row.name,
        is_curated=row.owner_id is None,
        is_smart=row.is_smart,
        track_count=row.track_count,
        duration_ms=row.duration_ms,
        updated_at=row.updated_at,
    )


def get_playlist(user_id: int, playlist_id: int) -> PlaylistDetail:
    with session_scope() as session:
        playlist = queries.visible_playlist(session, playlist_id, user_id)
        if playlist is None:
            raise PlaylistNotFound(playlist_id)
        return _detail(session, playlist)


def _detail(session: Session, playlist: Playlist, note: str | None = None) -> PlaylistDetail:
    session.flush()
    return PlaylistDetail(
        id=playlist.id,
        name=playlist.name,
        description=playlist.description,
        is_curated=playlist.owner_id is None,
        generator=playlist.generator,
        items=queries.items_frame(session, playlist.id),
        created_at=playlist.created_at,
        updated_at=playlist.updated_at,
        note=note,
    )


def flow_of(detail: PlaylistDetail) -> pd.DataFrame:
    """Energy, tempo and valence by position: the data behind the sparkline."""
    return flow_series(detail.items)


# --- creating -----------------------------------------------------------------------------------


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise PlaylistServiceError("give the playlist a name")
    name = " ".join(name.split())
    if len(name) > MAX_NAME_LENGTH:
        raise PlaylistServiceError(f"a playlist name has at most {MAX_NAME_LENGTH} characters")
    return name


def create_playlist(
    user_id: int,
    name: str,
    track_ids: Sequence[str] = (),
    description: str | None = None,
    generator: Mapping[str, Any] | None = None,
    note: str | None = None,
) -> PlaylistDetail:
    """A new playlist of these tracks (unknown ids are an error, repeats are kept as asked)."""
    name = check_name(name)
    check_length(len(track_ids))
    with session_scope(write=True) as session:
        tracks = queries.tracks_frame(session, list(track_ids))
        unknown = sorted(set(map(str, track_ids)) - set(tracks["track_id"]))
        if unknown:
            raise PlaylistServiceError(f"track {unknown[0]!r} is not in the catalogue")
        playlist = Playlist(
            owner_id=user_id,
            name=name,
            description=(description or "").strip() or None,
            generator=dict(generator) if generator is not None else None,
        )
        session.add(playlist)
        session.flush()
        _insert_items(
            session,
            playlist.id,
            ((position, str(track_id), False) for position, track_id in enumerate(track_ids)),
        )
        return _detail(session, playlist, note)


def _insert_items(session: Session, playlist_id: int, items: Any) -> None:
    """Write (position, track_id, locked) rows in bounded batches (one unit of work still)."""
    insert_in_batches(
        session,
        PlaylistItem.__table__,
        (
            {"playlist_id": playlist_id, "position": p, "track_id": t, "locked": locked}
            for p, t, locked in items
        ),
    )


def _exclusions(session: Session, user_id: int) -> Exclusions:
    tracks, artists = queries.bans_of(session, user_id)
    return Exclusions(track_ids=tracks, artist_ids=artists)


def parse_spec(data: Mapping[str, Any] | GeneratorSpec) -> GeneratorSpec:
    if isinstance(data, GeneratorSpec):
        return data
    try:
        return GeneratorSpec.from_dict(data)
    except PlaylistError as error:
        raise PlaylistServiceError(str(error)) from None


def _run_generator(
    session: Session,
    user_id: int,
    spec: GeneratorSpec,
    model: Any,
    locked: Mapping[int, str] | None = None,
):
    model = model if model is not None else model_store.current()
    if model is None:
        raise PlaylistServiceError(NO_MODEL_MESSAGE)
    try:
        return generate(
            spec,
            model.bundle,
            getattr(model, "recommender", None),
            _exclusions(session, user_id),
            locked=locked,
        )
    except PlaylistError as error:
        raise PlaylistServiceError(str(error)) from None


def generate_playlist(
    user_id: int,
    spec: Mapping[str, Any] | GeneratorSpec,
    name: str | None = None,
    *,
    smart: bool = True,
    model: Any = None,
) -> PlaylistDetail:
    """Run a generator and save the result; a smart playlist keeps the spec to re-run later."""
    spec = parse_spec(spec)
    with session_scope() as session:
        result = _run_generator(session, user_id, spec, model)
    if not result.track_ids:
        raise PlaylistServiceError(
            result.note or "no tracks pass these settings: widen the filters"
        )
    return create_playlist(
        user_id,
        name or default_name(spec),
        result.track_ids,
        generator=spec.to_dict() if smart else None,
        note=result.note,
    )


def default_name(spec: GeneratorSpec) -> str:
    flt = spec.track_filter
    subject = {
        "genre": ", ".join(flt.genres_include).title(),
        "mood": ", ".join(flt.moods).title(),
        "activity": flt.activity.label if flt.activity is not None else "",
        "radio": "Radio",
        "path": "Path",
        "tracks": "Mix",
        "more": "More",
    }[spec.kind]
    return f"{subject} mix · {utcnow():%d %b %H:%M}"


# --- editing ------------------------------------------------------------------------------------


def _owned(session: Session, user_id: int, playlist_id: int) -> Playlist:
    playlist = queries.owned_playlist(session, playlist_id, user_id)
    if playlist is None:
        if queries.visible_playlist(session, playlist_id, user_id) is not None:
            raise PlaylistReadOnly(
                "curated playlists cannot be changed: duplicate it to make your own copy"
            )
        raise PlaylistNotFound(playlist_id)
    return playlist


def _sync_items(session: Session, playlist: Playlist, frame: pd.DataFrame) -> None:
    """Make the stored items match ``frame`` (rows with an ``item_id`` are existing items, rows
    without are new), keeping positions dense and unique at every flush."""
    items = {item.id: item for item in playlist.items}
    keep_ids = {int(i) for i in frame["item_id"].dropna()} if "item_id" in frame else set()
    for item_id, item in items.items():
        if item_id not in keep_ids:
            playlist.items.remove(item)
            session.delete(item)
    # Park kept items on negative positions first: (playlist_id, position) is unique and
    # neither backend defers that check to the end of the statement batch.
    for offset, item_id in enumerate(keep_ids):
        items[item_id].position = -1 - offset
    session.flush()
    for position, row in enumerate(frame.itertuples(index=False)):
        item_id = getattr(row, "item_id", None)
        if item_id is not None and not pd.isna(item_id):
            item = items[int(item_id)]
            item.position = position
            item.locked = bool(row.locked)
        else:
            item = PlaylistItem(
                position=position, track_id=str(row.track_id), locked=bool(row.locked)
            )
            playlist.items.append(item)
    playlist.updated_at = utcnow()
    session.flush()


def edit_playlist(user_id: int, playlist_id: int, operation: str, **params: Any) -> PlaylistDetail:
    """One editor operation (``ml.playlists.EDITS``): dedupe, sort, flow, separate, remove, lock,
    reorder; stored in one transaction."""
    if operation not in EDITS:
        raise PlaylistServiceError(f"unknown edit {operation!r}: choose from {', '.join(EDITS)}")
    with session_scope(write=True) as session:
        playlist = _owned(session, user_id, playlist_id)
        items = queries.items_frame(session, playlist.id)
        try:
            changed = edit(items, operation, **params)
        except PlaylistError as error:
            raise PlaylistServiceError(str(error)) from None
        except (KeyError, TypeError, ValueError) as error:
            raise PlaylistServiceError(f"invalid {operation} settings: {error}") from None
        _sync_items(session, playlist, changed)
        return _detail(session, playlist)


def reorder(user_id: int, playlist_id: int, track_order: Sequence[str]) -> PlaylistDetail:
    """Store the order the user dragged into, given as the track ids in their new order (a track
    that appears twice is matched copy by copy)."""
    check_length(len(track_order))
    with session_scope(write=True) as session:
        playlist = _owned(session, user_id, playlist_id)
        items = queries.items_frame(session, playlist.id)
        current = items["track_id"].astype(str).tolist()
        if sorted(current) != sorted(map(str, track_order)):
            raise PlaylistServiceError(
                "the playlist changed while you were editing it: reload and try again"
            )
        free: dict[str, list[int]] = {}
        for position, track_id in enumerate(current):
            free.setdefault(track_id, []).append(position)
        order = [free[str(t)].pop(0) for t in track_order]
        _sync_items(session, playlist, edit(items, "reorder", order=order))
        return _detail(session, playlist)


def add_tracks(user_id: int, playlist_id: int, track_ids: Sequence[str]) -> PlaylistDetail:
    with session_scope(write=True) as session:
        playlist = _owned(session, user_id, playlist_id)
        _append(session, playlist, track_ids)
        return _detail(session, playlist)


def _append(session: Session, playlist: Playlist, track_ids: Sequence[str]) -> None:
    check_length(len(track_ids))  # before any look-up: the list came from the client
    found = queries.tracks_frame(session, track_ids)
    unknown = sorted(set(map(str, track_ids)) - set(found["track_id"]))
    if unknown:
        raise PlaylistServiceError(f"track {unknown[0]!r} is not in the catalogue")
    items = queries.items_frame(session, playlist.id)
    check_length(len(items) + len(track_ids))
    new = pd.DataFrame({"track_id": list(map(str, track_ids)), "locked": False})
    _sync_items(session, playlist, pd.concat([items, new], ignore_index=True))


def suggest_more(
    user_id: int,
    playlist_id: int,
    length: Mapping[str, Any] | None = None,
    adventurousness: float = 0.5,
    *,
    model: Any = None,
) -> PlaylistDetail:
    """Append tracks that continue the playlist (never its own songs, never bans)."""
    with session_scope(write=True) as session:
        playlist = _owned(session, user_id, playlist_id)
        current = queries.items_frame(session, playlist.id)["track_id"].astype(str).tolist()
        try:
            spec = GeneratorSpec(
                "more",
                tuple(current),
                length=Length.from_dict(length or {"tracks": 10}),
                adventurousness=float(adventurousness),
            )
        except (PlaylistError, TypeError, ValueError) as error:
            raise PlaylistServiceError(str(error)) from None
        result = _run_generator(session, user_id, spec, model)
        _append(session, playlist, result.track_ids)
        return _detail(session, playlist, result.note)


def refresh(user_id: int, playlist_id: int, *, model: Any = None) -> PlaylistDetail:
    """Re-run a smart playlist's generator; locked tracks stay at their positions."""
    with session_scope(write=True) as session:
        playlist = _owned(session, user_id, playlist_id)
        if not playlist.generator:
            raise PlaylistServiceError("this playlist was not generated, so it cannot be re-run")
        spec = parse_spec(playlist.generator)
        items = queries.items_frame(session, playlist.id)
        pinned = items[items["locked"]]
        locked = dict(zip(pinned.index.tolist(), pinned["track_id"].astype(str), strict=True))
        result = _run_generator(session, user_id, spec, model, locked=locked)
        kept = {
            pos: int(item_id) for pos, item_id in zip(pinned.index, pinned["item_id"], strict=True)
        }
        rows = []
        for track_id in result.track_ids:
            match = next((p for p, t in locked.items() if t == track_id and p in kept), None)
            item_id = kept.pop(match) if match is not None else None
            rows.append({"item_id": item_id, "track_id": track_id, "locked": item_id is not None})
        _sync_items(
            session, playlist, pd.DataFrame(rows, columns=["item_id", "track_id", "locked"])
        )
        return _detail(session, playlist, result.note)


def rename(
    user_id: int, playlist_id: int, name: str, description: str | None = None
) -> PlaylistDetail:
    name = check_name(name)
    with session_scope(write=True) as session:
        playlist = _owned(session, user_id, playlist_id)
        playlist.name = name
        if description is not None:
            playlist.description = description.strip() or None
        playlist.updated_at = utcnow()
        return _detail(session, playlist)


def duplicate(user_id: int, playlist_id: int, name: str | None = None) -> PlaylistDetail:
    """A copy the user owns (of their own playlist or of a curated one), locks included."""
    with session_scope(write=True) as session:
        source = queries.visible_playlist(session, playlist_id, user_id)
        if source is None:
            raise PlaylistNotFound(playlist_id)
        copy = Playlist(
            owner_id=user_id,
            name=check_name(name or f"{source.name} (copy)"[:MAX_NAME_LENGTH]),
            description=source.description,
            generator=source.generator,
        )
        check_length(queries.item_count(session, source.id))
        session.add(copy)
        session.flush()
        _insert_items(
            session,
            copy.id,
            ((item.position, item.track_id, item.locked) for item in source.items),
        )
        return _detail(session, copy)


def delete(user_id: int, playlist_id: int) -> None:
    with session_scope(write=True) as session:
        session.delete(_owned(session, user_id, playlist_id))


# --- export -------------------------------------------------------------------------------------


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
        detail = _detail(session, playlist)
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
                    name: _plain(row[name])
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


# --- form options -------------------------------------------------------------------------------


def track_options(text: str | None, selected: Sequence[str] = ()) -> list[dict[str, str]]:
    """Dropdown options for a track search (the selected tracks always stay listed)."""
    with session_scope() as session:
        found = queries.tracks_by_id(session, [t for t in selected if t])
        if text and len(text.strip()) >= 2:
            found += queries.search_tracks(session, text)
    options = {i: f"{name} — {artists}" for i, name, artists in found}
    return [{"label": label, "value": i} for i, label in options.items()]


def artist_options(text: str | None) -> list[dict[str, Any]]:
    if not text or len(text.strip()) < 2:
        return []
    with session_scope() as session:
        return [{"label": n, "value": i} for i, n in queries.search_artists(session, text)]


def genre_options() -> list[dict[str, str]]:
    with session_scope() as session:
        return [{"label": n, "value": s} for s, n in queries.genre_slugs(session)]


def genre_slugs() -> list[str]:
    """Top-level genre slugs for the filter panel."""
    with session_scope() as session:
        return [slug for slug, _ in queries.genre_slugs(session)]
