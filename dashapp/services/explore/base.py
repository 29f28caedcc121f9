"""The per-model arrays every Explore request reads (``MapBase``), built once per model version.

Scale is the design constraint (a 114k-track catalogue must stay usable): float32 coordinates,
category codes for colouring, marker sizes, a search key per track and the ``FilterIndex`` the
filters test against are computed once when a model version is first drawn. A request then only
masks and gathers arrays; it never queries the database per track and never runs UMAP
(coordinates come from the trained bundle).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashapp.services.model_store import LoadedModel
from ml.filters import FilterIndex
from music.moods import MOOD_LABELS, QUADRANT_MOODS


class ExploreError(ValueError):
    """A request the user can correct (an unknown track, an unknown colouring)."""


@dataclass(frozen=True, eq=False)
class MapBase:
    """Per-model arrays the map is drawn from; built once per model version (see ``map_base``)."""

    version: str
    tracks: pd.DataFrame
    filter_index: FilterIndex
    coords2: np.ndarray  # float32 (n, 2)
    coords3: np.ndarray  # float32 (n, 3)
    categories: dict[str, tuple[np.ndarray, tuple[str, ...]]]  # colouring -> (codes, names)
    size: np.ndarray  # uint8 marker size from popularity
    priority: np.ndarray  # float32 random rank; decimation keeps the lowest
    search_keys: pd.Series  # case-folded "title artist" per track
    labels: np.ndarray  # object "title · artist" per track, for hover and lists
    row_of: dict[str, int]
    genre_slugs: tuple[str, ...]  # every genre and subgenre slug, for the filter options
    year_bounds: tuple[int, int]
    atlas: Any = None  # ml.cluster_cards.ClusterAtlas of the model, None for older bundles
    # Family of each cluster code (the "Unclustered" code, if any, gets -1); empty without atlas.
    cluster_family: tuple[int, ...] = ()
    family_names: tuple[str, ...] = ()
    family_labels: tuple[tuple[str, float, float], ...] = ()  # (name, x, y) on the 2D map

    def __len__(self) -> int:
        return len(self.tracks)

    def rows_of(self, track_ids: Iterable[str]) -> np.ndarray:
        """Catalogue rows of the known ids among ``track_ids`` (unknown ids are skipped)."""
        rows = [self.row_of[t] for t in track_ids if t in self.row_of]
        return np.asarray(rows, dtype=np.int64)


def map_base(loaded: LoadedModel) -> MapBase:
    """The base arrays for the loaded model, built on first use and kept with that model."""
    return loaded.derived(_map_base_of)


def _map_base_of(loaded: LoadedModel) -> MapBase:
    return build_map_base(
        loaded.bundle.tracks,
        loaded.bundle.cluster_names,
        loaded.version,
        atlas=getattr(loaded.bundle, "atlas", None),
    )


def build_map_base(
    tracks: pd.DataFrame, cluster_names: Sequence[str], version: str, *, atlas: Any = None
) -> MapBase:
    """Everything per track the map, search and filters need, as compact arrays."""
    tracks = tracks.reset_index(drop=True)
    n = len(tracks)
    coords2 = _float32_columns(tracks, ("x2", "y2"))
    coords3 = _float32_columns(tracks, ("x3", "y3", "z3"))
    cluster = pd.to_numeric(tracks["cluster"], errors="coerce").fillna(-1).to_numpy(np.int64)
    names = tuple(cluster_names)
    unknown = (cluster < 0) | (cluster >= len(names))
    cluster_codes = np.where(unknown, len(names), cluster).astype(np.int32)
    cluster_labels = (*names, "Unclustered") if unknown.any() else names
    genre_codes, genre_names = pd.factorize(tracks["genre"].fillna("unknown"), sort=True)
    popularity = pd.to_numeric(tracks["popularity"], errors="coerce").fillna(0).to_numpy()
    # 3 px for obscure tracks up to 8 px for the biggest hits: visible at a glance, never a blob.
    size = (3 + np.clip(popularity, 0, 100) / 20).astype(np.uint8)
    title = tracks["name"].fillna("").astype(str)
    artist = tracks["artist_name"].fillna("").astype(str)
    labels = (title + " · " + artist).to_numpy(dtype=object)
    years = pd.to_numeric(tracks["release_year"], errors="coerce").dropna()
    year_bounds = (int(years.min()), int(years.max())) if len(years) else (1950, 2025)
    filter_index = FilterIndex(tracks)
    # Warm the per-catalogue filter codes now, so the first filtered view pays no extra second.
    filter_index.genre_codes  # noqa: B018
    filter_index.mood_bits  # noqa: B018
    families = _families(atlas, cluster_codes, len(cluster_labels), coords2)
    return MapBase(
        version=version,
        tracks=tracks,
        filter_index=filter_index,
        coords2=coords2,
        coords3=coords3,
        categories={
            "cluster": (cluster_codes, cluster_labels),
            "family": families["codes"],
            "genre": (genre_codes.astype(np.int32), tuple(str(g) for g in genre_names)),
            "mood": _primary_mood_codes(tracks),
        },
        size=size,
        priority=np.random.default_rng(0).random(n, dtype=np.float32),
        search_keys=(title + " " + artist).str.casefold(),
        labels=labels,
        row_of=dict(zip(tracks["track_id"].tolist(), range(n), strict=True)),
        genre_slugs=tuple(sorted({str(slug) for s in filter_index.genre_codes[1] for slug in s})),
        year_bounds=year_bounds,
        atlas=atlas,
        cluster_family=families["of_code"],
        family_names=families["names"],
        family_labels=families["labels"],
    )


def _families(
    atlas: Any, cluster_codes: np.ndarray, n_codes: int, coords2: np.ndarray
) -> dict[str, Any]:
    """Family codes per track, family of each cluster code, names, and a label position per
    family (the median 2D position of its tracks: inside the island, not between islands)."""
    if atlas is None or not len(atlas.families):
        codes = (np.zeros(len(cluster_codes), dtype=np.int32), ("All tracks",))
        return {"codes": codes, "of_code": (), "names": (), "labels": ()}
    of_code = np.full(n_codes, -1, dtype=np.int64)
    of_code[: len(atlas.family_of)] = atlas.family_of
    names = tuple(family.name for family in atlas.families)
    per_track = of_code[cluster_codes]
    unclustered = per_track < 0
    family_codes = np.where(unclustered, len(names), per_track).astype(np.int32)
    family_labels = (*names, "Unclustered") if unclustered.any() else names
    labels = []
    for family, name in enumerate(names):
        rows = family_codes == family
        if rows.any():
            x, y = np.median(coords2[rows], axis=0)
            labels.append((name, float(x), float(y)))
    return {
        "codes": (family_codes, family_labels),
        "of_code": tuple(int(f) for f in of_code),
        "names": names,
        "labels": tuple(labels),
    }


def _float32_columns(tracks: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    values = tracks[list(columns)].to_numpy(dtype=np.float32, na_value=np.nan)
    # A track without coordinates sits at the origin rather than breaking the whole figure.
    return np.nan_to_num(values, nan=0.0)


def _primary_mood_codes(tracks: pd.DataFrame) -> tuple[np.ndarray, tuple[str, ...]]:
    """The quadrant mood (happy/tense/sad/calm) each track's mood tuple carries."""
    names = (*(MOOD_LABELS[m] for m in QUADRANT_MOODS), "No mood")
    if "moods" not in tracks.columns:
        return np.full(len(tracks), len(QUADRANT_MOODS), dtype=np.int32), names
    try:  # tuples factorize as they are; mapping 114k values first costs a second
        codes, distinct = pd.factorize(tracks["moods"], sort=False)
    except TypeError:  # lists (unhashable) from a hand-built frame
        codes, distinct = pd.factorize(tracks["moods"].map(as_tuple), sort=False)
    distinct = [as_tuple(moods) for moods in distinct]
    per_distinct = np.array(
        [
            next((QUADRANT_MOODS.index(m) for m in moods if m in QUADRANT_MOODS), 4)
            for moods in distinct
        ]
        + [len(QUADRANT_MOODS)],  # code -1 (missing) gathers the last entry
        dtype=np.int32,
    )
    return per_distinct[codes], names


def as_tuple(value: object) -> tuple:
    if isinstance(value, tuple):
        return value
    if isinstance(value, list | np.ndarray):
        return tuple(value)
    return ()
