"""A user's whole data as one zip: profile, preferences, feedback, bans, playlists, and any other
table that holds their rows.

The zip is a list of sections, each writing one file from streamed rows. A feature that adds a
user-owned table (imported listening history, say) appends its own section to ``SECTIONS``;
until it does, the table is still exported whole as ``tables/<name>.csv``, because the owned
tables are found from the schema's foreign keys (``db.queries.user_data``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import LargeBinary, select
from sqlalchemy.orm import Session

from db.models import Artist, Ban, Base, Interaction, Playlist, PlaylistItem, Track, User
from db.queries import user_data as owned
from db.session import session_scope

# The zip is built in memory up to this size, then in a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024
STREAM_ROWS = owned.STREAM_ROWS
# Columns never exported from a table no section knows: credentials are not "your data" to
# carry around, even encrypted ones.
_SECRET_COLUMN = re.compile(r"password|secret|token|_hash$|encrypted|cipher", re.IGNORECASE)


@dataclass(frozen=True)
class DataSection:
    path: str  # the file inside the zip
    covers: tuple[str, ...]  # tables it exports; the generic dump skips them
    write: Callable[[Session, int, IO[str]], None]
    describes: str  # one line for README.txt


@dataclass(frozen=True)
class UserDataExport:
    filename: str
    content: bytes


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _write_json(handle: IO[str], data: Any) -> None:
    json.dump(data, handle, ensure_ascii=False, indent=2, default=_plain)
    handle.write("\n")


def _write_csv(handle: IO[str], header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow(["" if v is None else _plain(v) for v in row])


def _stream(session: Session, query: Any) -> Iterable[tuple[Any, ...]]:
    for row in session.execute(query.execution_options(yield_per=STREAM_ROWS)):
        yield tuple(row)


# --- sections ---------------------------------------------------------------------------------


def _profile(session: Session, user_id: int, handle: IO[str]) -> None:
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} not found")
    _write_json(
        handle,
        {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "is_admin": user.is_admin,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
        },
    )


def _preferences(session: Session, user_id: int, handle: IO[str]) -> None:
    user = session.get(User, user_id)
    prefs = user.preferences if user is not None else None
    if prefs is None:
        _write_json(handle, None)
        return
    artist_ids = [int(a) for a in prefs.favourite_artists or ()]
    query = select(Artist.id, Artist.name).where(Artist.id.in_(artist_ids))
    names = {int(artist_id): name for artist_id, name in session.execute(query)}
    _write_json(
        handle,
        {
            "favourite_genres": list(prefs.favourite_genres or ()),
            "favourite_artists": [{"id": a, "name": names.get(a)} for a in artist_ids],
            "moods": list(prefs.moods or ()),
            "adventurousness": prefs.adventurousness,
            "onboarded_at": prefs.onboarded_at,
            "updated_at": prefs.updated_at,
        },
    )


def _feedback(session: Session, user_id: int, handle: IO[str]) -> None:
    query = (
        select(
            Interaction.at,
            Interaction.kind,
            Interaction.track_id,
            Track.name,
            Track.artist_names,
            Interaction.context,
        )
        .join(Track, Track.id == Interaction.track_id)
        .where(Interaction.user_id == user_id)
        .order_by(Interaction.id)
    )
    header = ("at", "kind", "track_id", "title", "artists", "context")
    _write_csv(handle, header, _stream(session, query))


def _bans(session: Session, user_id: int, handle: IO[str]) -> None:
    query = (
        select(Ban.created_at, Ban.track_id, Track.name, Ban.artist_id, Artist.name.label("artist"))
        .outerjoin(Track, Track.id == Ban.track_id)
        .outerjoin(Artist, Artist.id == Ban.artist_id)
        .where(Ban.user_id == user_id)
        .order_by(Ban.id)
    )
    header = ("created_at", "track_id", "title", "artist_id", "artist")
    _write_csv(handle, header, _stream(session, query))


def _playlists(session: Session, user_id: int, handle: IO[str]) -> None:
    query = (
        select(
            Playlist.id,
            Playlist.name,
            Playlist.description,
            Playlist.generator,
            Playlist.created_at,
            Playlist.updated_at,
        )
        .where(Playlist.owner_id == user_id)
        .order_by(Playlist.id)
    )
    rows = (
        (*row[:3], None if row[3] is None else json.dumps(row[3]), *row[4:])
        for row in _stream(session, query)
    )
    header = ("playlist_id", "name", "description", "generator", "created_at", "updated_at")
    _write_csv(handle, header, rows)


def _playlist_items(session: Session, user_id: int, handle: IO[str]) -> None:
    query = (
        select(
            PlaylistItem.playlist_id,
            PlaylistItem.position,
            PlaylistItem.track_id,
            Track.name,
            Track.artist_names,
            PlaylistItem.locked,
            PlaylistItem.added_at,
        )
        .join(Playlist, Playlist.id == PlaylistItem.playlist_id)
        .join(Track, Track.id == PlaylistItem.track_id)
        .where(Playlist.owner_id == user_id)
        .order_by(PlaylistItem.playlist_id, PlaylistItem.position)
    )
    header = ("playlist_id", "position", "track_id", "title", "artists", "locked", "added_at")
    _write_csv(handle, header, _stream(session, query))


SECTIONS: list[DataSection] = [
    DataSection("profile.json", ("users",), _profile, "your account (no password)"),
    DataSection("preferences.json", ("user_preferences",), _preferences, "your taste settings"),
    DataSection("feedback.csv", ("interactions",), _feedback, "every like, skip, play, ..."),
    DataSection("bans.csv", ("bans",), _bans, "tracks and artists you banned"),
    DataSection("playlists.csv", ("playlists",), _playlists, "your playlists"),
    DataSection(
        "playlist_items.csv", ("playlist_items",), _playlist_items, "their tracks, in order"
    ),
]


def _table_section(table: owned.OwnedTable) -> DataSection:
    """Any other owned table, every column but credentials, in key order."""
    columns = tuple(
        c.name
        for c in table.table.columns
        # Binary columns (a queued upload) are working storage, not readable data.
        if not _SECRET_COLUMN.search(c.name) and not isinstance(c.type, LargeBinary)
    )

    def write(session: Session, user_id: int, handle: IO[str]) -> None:
        _write_csv(handle, columns, owned.stream_rows(session, table, user_id, columns))

    return DataSection(f"tables/{table.name}.csv", (table.name,), write, f"your {table.name}")


def sections() -> list[DataSection]:
    """``SECTIONS``, then one generic section per owned table no section covers."""
    covered = {name for section in SECTIONS for name in section.covers}
    extra = [
        _table_section(table)
        for table in owned.owned_tables(Base.metadata)
        if table.name not in covered
    ]
    return [*SECTIONS, *extra]


def _readme(parts: list[DataSection]) -> str:
    lines = ["Your Mixmap data, one file per kind (UTF-8; CSV files open in any spreadsheet).", ""]
    lines += [f"{part.path}: {part.describes}" for part in parts]
    return "\n".join(lines) + "\n"


def export_user_data(user_id: int) -> UserDataExport:
    """Every section written into one zip in one read transaction; rows are streamed."""
    parts = sections()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", _readme(parts))
            with session_scope() as session:
                for part in parts:
                    with (
                        archive.open(part.path, "w") as raw,
                        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
                    ):
                        part.write(session, user_id, text)
        spool.seek(0)
        content = spool.read()
    stamp = datetime.now().strftime("%Y%m%d")
    return UserDataExport(f"mixmap-data-{stamp}.zip", content)
