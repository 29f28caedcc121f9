"""Track search for the Explore search box: every word of the query, ranked."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashapp.services.explore.base import MapBase


@dataclass(frozen=True)
class SearchHit:
    track_id: str
    label: str  # "title · artist"


def search_tracks(base: MapBase, query: str, limit: int = 20) -> list[SearchHit]:
    """Tracks whose title or artist contains every word of ``query``.

    Ranked: the whole query as typed first, then titles starting with its first word, then by
    popularity (so "song 12" puts "Song 12" above "Song 120").
    """
    words = query.casefold().split()
    if not words or limit <= 0:
        return []
    hit = np.ones(len(base), dtype=bool)
    for word in words:
        hit &= base.search_keys.str.contains(word, regex=False).to_numpy(dtype=bool)
    rows = np.flatnonzero(hit)
    if not len(rows):
        return []
    keys = base.search_keys.iloc[rows]
    phrase = keys.str.contains(" ".join(words), regex=False).to_numpy(dtype=bool)
    exact = (keys == " ".join(words)).to_numpy(dtype=bool) | keys.str.startswith(
        " ".join(words) + " "
    ).to_numpy(dtype=bool)
    starts = keys.str.startswith(words[0]).to_numpy(dtype=bool)
    popularity = np.nan_to_num(base.filter_index.numeric("popularity")[rows])
    order = np.lexsort((rows, -popularity, ~starts, ~phrase, ~exact))[:limit]
    ids = base.tracks["track_id"]
    return [SearchHit(str(ids.iat[r]), str(base.labels[r])) for r in rows[order]]
