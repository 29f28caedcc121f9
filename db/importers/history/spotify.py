"""Spotify's two download formats: Extended streaming history and Account data.

Extended (``Streaming_History_Audio_*.json``): one object per stream with ``ts`` (UTC, when the
stream ended), ``ms_played``, ``master_metadata_track_name``,
``master_metadata_album_artist_name``, ``master_metadata_album_album_name``,
``spotify_track_uri``, ``reason_end`` and ``skipped``. Podcast episodes and audiobooks have no
track name; they are counted as ignored.

Account data (``StreamingHistory_music_*.json``, older ``StreamingHistory0.json``): ``endTime``
("YYYY-MM-DD HH:MM", UTC), ``artistName``, ``trackName``, ``msPlayed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db.importers.history.listen import (
    SPOTIFY_ACCOUNT,
    SPOTIFY_EXTENDED,
    HistoryFileError,
    Listen,
    clean_text,
    spotify_id_from,
)
from db.importers.history.parsed import ParsedRows
from db.importers.history.timestamps import from_text

EXTENDED_SIGNATURE = frozenset({"ts", "ms_played"})
ACCOUNT_SIGNATURE = frozenset({"endTime", "msPlayed"})


def _ms(value: Any, where: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise HistoryFileError(f"{where}: {field} must be a non-negative number, not {value!r}.")
    return int(value)


def _entry(name: str, index: int, entry: Any) -> tuple[str, dict[str, Any]]:
    where = f"{name}, entry {index + 1}"
    if not isinstance(entry, dict):
        raise HistoryFileError(f"{where}: expected an object, found {type(entry).__name__}.")
    return where, entry


def parse_extended(name: str, entries: Sequence[Any]) -> ParsedRows:
    """Every entry is checked (types, dates) before any listen is returned."""
    rows = ParsedRows()
    for index, raw in enumerate(entries):
        where, entry = _entry(name, index, raw)
        played_at = from_text(entry.get("ts"))
        if played_at is None:
            raise HistoryFileError(f"{where}: ts {entry.get('ts')!r} is not a date and time.")
        ms_played = _ms(entry.get("ms_played"), where, "ms_played")
        track = clean_text(entry.get("master_metadata_track_name"))
        artist = clean_text(entry.get("master_metadata_album_artist_name"))
        if track is None or artist is None:
            rows.ignored += 1  # a podcast episode, an audiobook chapter or a stream with no track
            continue
        skipped = entry.get("skipped")
        rows.listens.append(
            Listen(
                played_at=played_at,
                artist=artist,
                track=track,
                source=SPOTIFY_EXTENDED,
                album=clean_text(entry.get("master_metadata_album_album_name")),
                ms_played=ms_played,
                spotify_track_id=spotify_id_from(entry.get("spotify_track_uri")),
                skipped=bool(skipped) if skipped is not None else None,
            )
        )
    return rows


def parse_account(name: str, entries: Sequence[Any]) -> ParsedRows:
    rows = ParsedRows()
    for index, raw in enumerate(entries):
        where, entry = _entry(name, index, raw)
        played_at = from_text(entry.get("endTime"))
        if played_at is None:
            raise HistoryFileError(
                f"{where}: endTime {entry.get('endTime')!r} is not a date and time."
            )
        ms_played = _ms(entry.get("msPlayed"), where, "msPlayed")
        track = clean_text(entry.get("trackName"))
        artist = clean_text(entry.get("artistName"))
        if track is None or artist is None:
            rows.ignored += 1
            continue
        rows.listens.append(
            Listen(
                played_at=played_at,
                artist=artist,
                track=track,
                source=SPOTIFY_ACCOUNT,
                ms_played=ms_played,
            )
        )
    return rows
