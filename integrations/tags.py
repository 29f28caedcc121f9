"""Last.fm tags → Mixmap moods and genres.

Last.fm tags are free text. The few that name a feeling map onto Mixmap's mood vocabulary
(``music.moods.MOODS``: Russell-quadrant moods plus descriptive tags); tags that describe the
listener rather than the music ("seen live", "favorites") are dropped; the rest, weighted by
Last.fm's 0..100 relative count, are kept as genre-like tags.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Tag (case-folded) → mood name from music.moods.MOODS.
TAG_MOODS: dict[str, str] = {
    "happy": "happy",
    "feel good": "happy",
    "upbeat": "happy",
    "fun": "happy",
    "uplifting": "happy",
    "sad": "sad",
    "melancholy": "sad",
    "melancholic": "sad",
    "depressing": "sad",
    "heartbreak": "sad",
    "calm": "calm",
    "relaxing": "calm",
    "mellow": "calm",
    "peaceful": "calm",
    "chill": "chill",
    "chillout": "chill",
    "chill out": "chill",
    "ambient": "chill",
    "angry": "tense",
    "aggressive": "tense",
    "dark": "tense",
    "energetic": "amped",
    "workout": "amped",
    "party": "danceable",
    "dance": "danceable",
    "danceable": "danceable",
    "acoustic": "acoustic",
    "instrumental": "instrumental",
}
# Tags about the listener, not the music.
NOT_GENRES: frozenset[str] = frozenset(
    {
        "seen live",
        "favorites",
        "favourites",
        "favorite",
        "favourite",
        "love",
        "loved",
        "awesome",
        "beautiful",
        "amazing",
        "best",
        "my music",
        "spotify",
    }
)
MIN_TAG_WEIGHT = 10  # Last.fm's count is relative to the top tag (100); below 10 is noise
MAX_GENRES = 5


@dataclass(frozen=True)
class TagReading:
    genres: tuple[str, ...]
    moods: tuple[str, ...]


def read_tags(tags: Iterable[tuple[str, int]]) -> TagReading:
    """Genres and moods from (tag, weight) pairs, strongest first, each listed once."""
    genres: list[str] = []
    moods: list[str] = []
    for name, weight in sorted(tags, key=lambda tag: -tag[1]):
        key = " ".join(name.casefold().replace("-", " ").split())
        if weight < MIN_TAG_WEIGHT or not key:
            continue
        mood = TAG_MOODS.get(key)
        if mood is not None:
            if mood not in moods:
                moods.append(mood)
        elif key not in NOT_GENRES and key not in genres and len(genres) < MAX_GENRES:
            genres.append(key)
    return TagReading(tuple(genres), tuple(moods))
