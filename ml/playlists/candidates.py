"""Where generators get their candidates: anything that continues a list of tracks.

The served recommender (``ml.recommender.Recommender``) fits ``CandidateSource``; when none is
loaded, ``EmbeddingNeighbours`` ranks by cosine similarity in the bundle's embedding alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ml.filters import TrackFilter


class Suggestion(Protocol):
    track_id: str


class CandidateSource(Protocol):
    """What generators need from the recommender (``ml.recommender.Recommender`` fits)."""

    def similar_tracks(
        self, track_id: str, *, k: int = 20, exclusions: Any = None
    ) -> Sequence[Suggestion]: ...

    def continue_playlist(
        self,
        track_ids: Sequence[str],
        *,
        k: int = 20,
        exclusions: Any = None,
        track_filter: TrackFilter | None = None,
        adventurousness: float = 0.5,
    ) -> Sequence[Suggestion]: ...


@dataclass(frozen=True, slots=True)
class Neighbour:
    track_id: str
    score: float


class EmbeddingNeighbours:
    """A candidate source from the bundle's embedding alone (cosine similarity); used when no
    recommender is loaded, and as the reference the generator tests run against."""

    def __init__(self, bundle: Any) -> None:
        features = np.asarray(bundle.features, dtype=np.float64)
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        self._unit = features / np.where(norms > 0, norms, 1.0)
        self._tracks = bundle.tracks
        self._ids = bundle.tracks["track_id"].astype(str).to_numpy()
        self._position = pd.Index(self._ids)

    def _rank(self, seeds: Sequence[str], k: int, exclusions: Any, keep: np.ndarray | None):
        rows = self._position.get_indexer(list(seeds))
        rows = rows[rows >= 0]
        if len(rows) == 0:
            return []
        scores = self._unit @ self._unit[rows].mean(axis=0)
        allowed = ~np.isin(self._ids, list(seeds))
        if exclusions is not None:
            allowed &= ~np.isin(self._ids, list(exclusions.track_ids))
            allowed &= ~np.isin(self._tracks["artist_id"].to_numpy(), list(exclusions.artist_ids))
        if keep is not None:
            allowed &= keep
        candidates = np.flatnonzero(allowed)
        # lexsort: best score first, ties by track id so results never depend on row order.
        best = candidates[np.lexsort((self._ids[candidates], -scores[candidates]))][:k]
        return [Neighbour(str(self._ids[i]), float(scores[i])) for i in best]

    def similar_tracks(self, track_id: str, *, k: int = 20, exclusions: Any = None):
        return self._rank([track_id], k, exclusions, None)

    def continue_playlist(
        self,
        track_ids: Sequence[str],
        *,
        k: int = 20,
        exclusions: Any = None,
        track_filter: TrackFilter | None = None,
        adventurousness: float = 0.5,
    ):
        keep = None if track_filter is None else track_filter.mask(self._tracks)
        return self._rank(track_ids, k, exclusions, keep)
