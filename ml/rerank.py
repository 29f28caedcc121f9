"""Greedy maximal marginal relevance (Carbonell & Goldstein 1998) with an artist cap.

Picks ``k`` of a scored pool one at a time, trading relevance against closeness (cosine of unit
feature rows) to what is already picked, with at most ``max_per_artist`` tracks per artist and
one version of a song.
"""

from __future__ import annotations

import numpy as np


def mmr(
    pool: np.ndarray,
    scores: np.ndarray,
    k: int,
    *,
    diversity: float,
    unit: np.ndarray,
    artist: np.ndarray,
    song: np.ndarray,
    max_per_artist: int,
) -> list[int]:
    """Catalogue positions picked from ``pool`` (sorted best first; ``scores`` aligned).

    ``diversity`` is MMR's lambda: 0 keeps the score order (caps aside), 1 only spreads out.
    ``unit``, ``artist`` and ``song`` are per catalogue track.
    """
    spread = scores[0] - scores[-1] if len(scores) else 0.0
    relevance = (scores - scores[-1]) / spread if spread > 0 else np.ones(len(scores))
    vectors = unit[pool]
    closest = np.zeros(len(pool), dtype=np.float32)
    open_ = np.ones(len(pool), dtype=bool)
    artists = artist[pool]
    songs = song[pool]
    per_artist: dict[int, int] = {}
    chosen: list[int] = []
    while len(chosen) < k and open_.any():
        value = (1.0 - diversity) * relevance - diversity * closest
        value = np.where(open_, value, -np.inf)
        best = int(np.argmax(value))  # ties: the earlier, i.e. better-scored, track
        chosen.append(int(pool[best]))
        open_ &= songs != songs[best]
        picked_artist = int(artists[best])
        per_artist[picked_artist] = per_artist.get(picked_artist, 0) + 1
        if per_artist[picked_artist] >= max_per_artist:
            open_ &= artists != picked_artist
        closest = np.maximum(closest, vectors @ vectors[best])
    return chosen
