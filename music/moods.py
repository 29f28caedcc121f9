"""The mood names tracks carry and how the app shows them.

``ml.moods`` derives them from audio features (the thresholds and their sources are there), the
Last.fm tag mapping in ``integrations.tags`` lands on the same names, ``db`` stores them and the
pages show their labels. The order of ``MOODS`` is the bit order of ``ml.moods.mood_bits``.
"""

from __future__ import annotations

QUADRANT_MOODS: tuple[str, ...] = ("happy", "tense", "sad", "calm")
TAG_MOODS: tuple[str, ...] = ("chill", "amped", "danceable", "acoustic", "instrumental")
MOODS: tuple[str, ...] = QUADRANT_MOODS + TAG_MOODS

MOOD_LABELS: dict[str, str] = {
    "happy": "Happy / energetic",
    "tense": "Angry / tense",
    "sad": "Sad",
    "calm": "Calm / peaceful",
    "chill": "Chill",
    "amped": "Amped",
    "danceable": "Danceable",
    "acoustic": "Acoustic",
    "instrumental": "Instrumental",
}
