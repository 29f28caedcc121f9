"""Catalogue rows whose audio features do not matter to the test: one middle-of-the-road sound."""

from __future__ import annotations

from db.models import Track

# Mid-range audio features: tests built on these are about ids, names and artists, not sound.
PLAIN_FEATURES = {
    "duration_ms": 200_000,
    "danceability": 0.5,
    "energy": 0.5,
    "key": 1,
    "loudness": -6.0,
    "mode": 1,
    "speechiness": 0.05,
    "acousticness": 0.2,
    "instrumentalness": 0.0,
    "liveness": 0.1,
    "valence": 0.5,
    "tempo": 120.0,
}


def plain_track(
    track_id: str, title: str, artist_id: int, artist_name: str, popularity: int, source: str
) -> Track:
    """A ``Track`` row with ``PLAIN_FEATURES``."""
    return Track(
        id=track_id,
        name=title,
        artist_id=artist_id,
        artist_names=artist_name,
        popularity=popularity,
        source=source,
        **PLAIN_FEATURES,
    )
