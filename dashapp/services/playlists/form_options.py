"""Options for the generator form's dropdowns: tracks, artists and genres from the catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db.queries import playlists as queries
from db.session import session_scope


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
