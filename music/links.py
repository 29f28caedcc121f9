"""Where a catalogue track lives on Spotify, spelled once.

Catalogue track ids are Spotify's own (TidyTuesday and Kaggle both carry them); the demo
generator's tracks are made up, so they get no link.
"""

from __future__ import annotations

DEMO_SOURCE = "demo"


def spotify_track_url(track_id: str) -> str:
    """The track's page on open.spotify.com."""
    return f"https://open.spotify.com/track/{track_id}"


def spotify_embed_url(track_id: str) -> str:
    """Spotify's embeddable player for the track."""
    return f"https://open.spotify.com/embed/track/{track_id}"


def spotify_link(track_id: str, source: object) -> str | None:
    """The track's Spotify page, or None for a generated demo track (not on Spotify)."""
    return None if source == DEMO_SOURCE else spotify_track_url(track_id)
