"""ListenBrainz listens: the export's JSON array, its JSONL files, or an API ``payload``.

Each listen has ``listened_at`` (epoch seconds) and ``track_metadata`` with ``artist_name``,
``track_name``, ``release_name`` and ``additional_info`` whose ``spotify_id`` (an
open.spotify.com URL) is present when the listen came from Spotify.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from db.importers.history.listen import (
    LISTENBRAINZ,
    HistoryFileError,
    Listen,
    clean_text,
    spotify_id_from,
)
from db.importers.history.parsed import ParsedRows
from db.importers.history.timestamps import from_any

SIGNATURE = frozenset({"listened_at", "track_metadata"})


def unwrap(document: Any) -> Any:
    """The list of listens in an API response (``{"payload": {"listens": [...]}}``)."""
    if isinstance(document, dict):
        payload = document.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get("listens"), list):
            return payload["listens"]
    return document


def parse_listens(name: str, entries: Sequence[Any]) -> ParsedRows:
    rows = ParsedRows()
    for index, entry in enumerate(entries):
        where = f"{name}, listen {index + 1}"
        if not isinstance(entry, dict):
            raise HistoryFileError(f"{where}: expected an object, found {type(entry).__name__}.")
        played_at = from_any(entry.get("listened_at"))
        if played_at is None:
            raise HistoryFileError(
                f"{where}: listened_at {entry.get('listened_at')!r} is not a time."
            )
        metadata = entry.get("track_metadata")
        if not isinstance(metadata, dict):
            raise HistoryFileError(f"{where}: track_metadata is missing.")
        artist = clean_text(metadata.get("artist_name"))
        track = clean_text(metadata.get("track_name"))
        if artist is None or track is None:
            rows.ignored += 1
            continue
        extra = metadata.get("additional_info")
        extra = extra if isinstance(extra, dict) else {}
        rows.listens.append(
            Listen(
                played_at=played_at,
                artist=artist,
                track=track,
                source=LISTENBRAINZ,
                album=clean_text(metadata.get("release_name")),
                spotify_track_id=spotify_id_from(extra.get("spotify_id")),
            )
        )
    return rows


def parse_jsonl(name: str, text: str) -> ParsedRows:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise HistoryFileError(f"{name}, line {number}: not JSON ({error.msg}).") from None
    return parse_listens(name, entries)
