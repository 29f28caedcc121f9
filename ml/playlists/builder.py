"""The pieces every generator builds with: the rows a playlist may use and a builder that keeps
the rules (no banned or filtered-out track, no song twice, an artist cap, the length target)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ml.filters import TrackFilter
from ml.ordering import song_key
from ml.playlists.spec import Length, PlaylistError
from music.schema import Exclusions


class Catalogue:
    """Row lookups over the bundle's tracks and the mask of tracks a playlist may contain."""

    def __init__(self, bundle: Any, track_filter: TrackFilter, exclusions: Exclusions) -> None:
        tracks = bundle.tracks
        self.tracks = tracks
        self.features = np.asarray(bundle.features, dtype=np.float64)
        self.ids = tracks["track_id"].astype(str).to_numpy()
        self.position = pd.Index(self.ids)
        self.artists = tracks["artist_id"].to_numpy(dtype=np.int64)
        self.durations = tracks["duration_ms"].to_numpy(dtype=np.int64)
        self.popularity = pd.to_numeric(tracks["popularity"], errors="coerce").fillna(0).to_numpy()
        self.songs = song_key(tracks).to_numpy()
        self.allowed = track_filter.mask(tracks)
        self.allowed &= ~np.isin(self.ids, list(exclusions.track_ids))
        self.allowed &= ~np.isin(self.artists, list(exclusions.artist_ids))

    def rows(self, track_ids: Sequence[str]) -> np.ndarray:
        """Row positions of the known ids, in order (unknown ids are dropped)."""
        rows = self.position.get_indexer(list(track_ids))
        return rows[rows >= 0]

    def require(self, track_ids: Sequence[str]) -> np.ndarray:
        rows = self.position.get_indexer(list(track_ids))
        missing = [t for t, r in zip(track_ids, rows, strict=True) if r < 0]
        if missing:
            raise PlaylistError(f"track {missing[0]!r} is not in the current model's catalogue")
        return rows


class Builder:
    """Collects rows for one playlist: no banned or filtered-out track, no song twice, at most
    ``max_per_artist`` tracks per artist, until the length target is met."""

    def __init__(self, catalogue: Catalogue, length: Length, max_per_artist: int | None) -> None:
        self.catalogue = catalogue
        self.length = length
        self.max_per_artist = max_per_artist
        self.rows: list[int] = []
        self.total_ms = 0
        self._songs: set[str] = set()
        self._per_artist: dict[int, int] = {}

    @property
    def done(self) -> bool:
        return self.length.is_met(len(self.rows), self.total_ms)

    def force(self, row: int) -> None:
        """Append ``row`` whatever the length says (a path's end track)."""
        self.rows.append(int(row))
        self.total_ms += int(self.catalogue.durations[row])
        self._songs.add(self.catalogue.songs[row])

    def offer(self, row: int, *, ignore_artist_cap: bool = False, closer: bool = False) -> bool:
        c = self.catalogue
        if self.done or not c.allowed[row] or c.songs[row] in self._songs:
            return False
        artist = int(c.artists[row])
        if (
            not ignore_artist_cap
            and self.max_per_artist is not None
            and self._per_artist.get(artist, 0) >= self.max_per_artist
        ):
            return False
        if not self.length.fits(self.total_ms, len(self.rows), int(c.durations[row]), closer):
            return False
        self.rows.append(int(row))
        self.total_ms += int(c.durations[row])
        self._songs.add(c.songs[row])
        self._per_artist[artist] = self._per_artist.get(artist, 0) + 1
        return True

    def offer_all(self, rows: Sequence[int] | np.ndarray, **kwargs: bool) -> None:
        for row in rows:
            if self.done:
                return
            self.offer(int(row), **kwargs)

    def offer_closest(self, rows: Sequence[int] | np.ndarray) -> None:
        """Last resort for a minutes target no remaining track fits within the tolerance: add the
        track landing nearest the target, while that is nearer than stopping (artist cap off).

        The first track that merely improves on stopping could overshoot by far more than a
        shorter one later in ``rows``."""
        if self.length.tracks is not None:
            return
        c = self.catalogue
        rows = np.asarray(rows, dtype=np.int64)
        while not self.done and len(rows):
            usable = rows[c.allowed[rows] & ~np.isin(c.songs[rows], list(self._songs))]
            if len(usable) == 0:
                return
            miss = np.abs(self.length.target_ms - self.total_ms - c.durations[usable])
            best = int(usable[int(np.argmin(miss))])  # first of equals: ``rows`` order decides
            if not self.offer(best, ignore_artist_cap=True, closer=True):
                return
            rows = usable


def estimated_tracks(length: Length, catalogue: Catalogue) -> int:
    if length.tracks is not None:
        return int(length.tracks)
    typical = float(np.median(catalogue.durations)) if len(catalogue.durations) else 210_000.0
    return max(1, math.ceil(length.target_ms / typical))


def default_artist_cap(n_tracks: int) -> int:
    # Two per artist in a short list, then one more per eight tracks: varied but not forced.
    return max(2, math.ceil(n_tracks / 8))
