"""Last.fm scrobbles as the common export sites write them: CSV with or without a header.

Without a header the columns are ``artist, album, track, date`` ("31 Jan 2021 18:20", UTC). With
one, columns are found by name: ``artist``, ``album``, ``track``/``title``/``name`` and a date in
``uts`` (epoch seconds), ``utc_time``, ``date`` or ``timestamp``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from db.importers.history.listen import LASTFM, HistoryFileError, Listen, clean_text
from db.importers.history.parsed import ParsedRows
from db.importers.history.timestamps import from_any, from_epoch

_ARTIST = ("artist", "artist_name", "artist name")
_ALBUM = ("album", "album_name", "album name")
_TRACK = ("track", "track_name", "track name", "title", "name")
_DATE = ("uts", "utc_time", "date", "timestamp", "time", "played_at")
HEADERLESS_COLUMNS = 4


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


@dataclass(frozen=True)
class _Columns:
    artist: int
    album: int | None
    track: int
    date: int
    date_is_epoch: bool = False
    has_header: bool = False


def _columns(first_row: list[str]) -> _Columns:
    """Column positions, and whether the first row is a header (then it is not a scrobble)."""
    header = [cell.strip().lower() for cell in first_row]
    artist, track = _find(header, _ARTIST), _find(header, _TRACK)
    if artist is None or track is None:
        return _Columns(artist=0, album=1, track=2, date=3)
    date = _find(header, _DATE)
    if date is None:
        raise HistoryFileError(
            "The CSV header has artist and track columns but no date column "
            f"(one of: {', '.join(_DATE)})."
        )
    return _Columns(
        artist=artist,
        album=_find(header, _ALBUM),
        track=track,
        date=date,
        date_is_epoch=header[date] == "uts",
        has_header=True,
    )


def parse_csv(name: str, text: str) -> ParsedRows:
    """Every row is checked before any listen is returned; a bad date or row refuses the file."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise HistoryFileError(f"{name} is not a readable CSV file ({error}).") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise HistoryFileError(f"{name} has no rows.")
    columns = _columns(rows[0])
    has_header = columns.has_header
    width = HEADERLESS_COLUMNS if not has_header else len(rows[0])
    if not has_header and len(rows[0]) != HEADERLESS_COLUMNS:
        raise HistoryFileError(
            f"{name}: expected Last.fm scrobbles with 4 columns (artist, album, track, date) or "
            f"a header naming them; the first row has {len(rows[0])} columns."
        )
    parsed = ParsedRows()
    for number, row in enumerate(rows[1:] if has_header else rows, start=2 if has_header else 1):
        if len(row) != width:
            raise HistoryFileError(
                f"{name}, row {number}: {len(row)} columns where the file has {width}."
            )
        raw_date = row[columns.date].strip()
        if not raw_date:
            parsed.ignored += 1  # "now playing" rows carry no date
            continue
        played_at = from_epoch(raw_date) if columns.date_is_epoch else from_any(raw_date)
        if played_at is None:
            raise HistoryFileError(f"{name}, row {number}: {raw_date!r} is not a date and time.")
        artist = clean_text(row[columns.artist])
        track = clean_text(row[columns.track])
        if artist is None or track is None:
            parsed.ignored += 1
            continue
        album_at = columns.album
        parsed.listens.append(
            Listen(
                played_at=played_at,
                artist=artist,
                track=track,
                source=LASTFM,
                album=clean_text(row[album_at]) if album_at is not None else None,
            )
        )
    return parsed
