"""Editing a stored playlist: the editor's operations (dedupe, sort, flow, separate, remove, lock),
drag-reordering and appending tracks, each stored in one transaction.

An operation that would change nothing says so (``PlaylistDetail.note``) and writes nothing, so
"Separate artists" on a playlist with no artist twice in a row answers instead of looking broken.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from dashapp.services.playlists.records import (
    PlaylistDetail,
    PlaylistServiceError,
    check_length,
    detail_of,
    owned,
)
from db.models import Playlist, PlaylistItem, utcnow
from db.queries import playlists as queries
from db.session import session_scope
from ml.playlists import EDITS, PlaylistError, edit

# What an operation that changed nothing tells the user.
NOTHING_TO_CHANGE: dict[str, str] = {
    "dedupe": "No duplicates: every track is in the playlist once already.",
    "separate": "Nothing to change: no artist plays twice in a row.",
    "flow": "Nothing to change: the playlist already flows in this order.",
    "sort": "Nothing to change: the playlist is already in that order.",
}


def sync_items(session: Session, playlist: Playlist, frame: pd.DataFrame) -> None:
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
        playlist = owned(session, user_id, playlist_id)
        items = queries.items_frame(session, playlist.id)
        try:
            changed = edit(items, operation, **params)
        except PlaylistError as error:
            raise PlaylistServiceError(str(error)) from None
        except (KeyError, TypeError, ValueError) as error:
            raise PlaylistServiceError(f"invalid {operation} settings: {error}") from None
        if operation in NOTHING_TO_CHANGE and _same_items(items, changed):
            return detail_of(session, playlist, NOTHING_TO_CHANGE[operation])
        sync_items(session, playlist, changed)
        return detail_of(session, playlist)


def _same_items(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    """The same items in the same order with the same locks: storing it would change nothing."""
    columns = ["item_id", "locked"]
    return len(before) == len(after) and (
        before[columns].reset_index(drop=True).equals(after[columns].reset_index(drop=True))
    )


def reorder(user_id: int, playlist_id: int, track_order: Sequence[str]) -> PlaylistDetail:
    """Store the order the user dragged into, given as the track ids in their new order (a track
    that appears twice is matched copy by copy)."""
    check_length(len(track_order))
    with session_scope(write=True) as session:
        playlist = owned(session, user_id, playlist_id)
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
        sync_items(session, playlist, edit(items, "reorder", order=order))
        return detail_of(session, playlist)


def add_tracks(user_id: int, playlist_id: int, track_ids: Sequence[str]) -> PlaylistDetail:
    with session_scope(write=True) as session:
        playlist = owned(session, user_id, playlist_id)
        append_tracks(session, playlist, track_ids)
        return detail_of(session, playlist)


def append_tracks(session: Session, playlist: Playlist, track_ids: Sequence[str]) -> None:
    check_length(len(track_ids))  # before any look-up: the list came from the client
    found = queries.tracks_frame(session, track_ids)
    unknown = sorted(set(map(str, track_ids)) - set(found["track_id"]))
    if unknown:
        raise PlaylistServiceError(f"track {unknown[0]!r} is not in the catalogue")
    items = queries.items_frame(session, playlist.id)
    check_length(len(items) + len(track_ids))
    new = pd.DataFrame({"track_id": list(map(str, track_ids)), "locked": False})
    sync_items(session, playlist, pd.concat([items, new], ignore_index=True))
