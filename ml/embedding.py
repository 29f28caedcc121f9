"""2-D and 3-D map coordinates for every track (UMAP; McInnes, Healy & Melville 2018).

Maps are for looking at, never for scoring: the recommender works in the feature space.

``umap`` is imported inside ``embed`` only: importing it costs ~13 s (numba compilation), and the
web process must never pay that (it reads coordinates stored in the model bundle).

Large catalogues: UMAP's cost grows faster than linearly and its ``transform`` is slow, so UMAP is
fitted on a random sample of ``fit_sample`` tracks and every other track is placed at the
distance-weighted mean of the map positions of its ``place_neighbours`` nearest sample tracks in
the feature space (searched in the sample's 16 leading principal components when the matrix is
wider). That is how UMAP itself initialises ``transform``; skipping the refinement
epochs trades a little local detail for minutes on a million tracks. Rows placed this way get a
small seeded jitter so that identical neighbours do not stack on one pixel.

An atlas, not a blob: given ``groups`` (the scenes of ``ml.scenes``), UMAP is fitted with them as
a partial target (``target_metric="categorical"``; -1 is "unlabelled") at ``TARGET_WEIGHT``,
which pulls each scene into an island while the feature-space neighbourhoods still decide the
layout inside and between islands (trustworthiness against the feature space is reported by
``bench/clusters.py``). Tracks outside the sample are then placed among the sample tracks of their
own scene, searched in the full feature space (scenes are small, so this is cheaper than the
global search), so they land on their island.

``method="pca"`` is a fast, dependency-light stand-in (scikit-learn's PCA) for tests and for
catalogues too small for UMAP's neighbourhood graph.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.decomposition import PCA

FIT_SAMPLE = 10_000
PLACE_NEIGHBOURS = 8
PLACE_DIMENSIONS = 16  # principal components the neighbour search for placed tracks runs in
# UMAP needs more points than neighbours; below this PCA is used whatever was asked for.
UMAP_MIN_TRACKS = 50
JITTER_SHARE = 0.002  # of each axis' spread
# 0 = unsupervised, 1 = labels dominate. 0.5 makes scenes islands and keeps trustworthiness@10
# against the feature space above 0.93 on the Kaggle catalogue (bench/clusters.py).
TARGET_WEIGHT = 0.5
_QUERY_CHUNK = 4_096


def embed(
    features: np.ndarray,
    n_components: int = 2,
    *,
    method: str = "umap",
    fit_sample: int = FIT_SAMPLE,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    place_neighbours: int = PLACE_NEIGHBOURS,
    groups: np.ndarray | None = None,
    target_weight: float = TARGET_WEIGHT,
    random_state: int = 0,
    progress: Callable[[str], None] | None = None,
) -> np.ndarray:
    """float32 (n_tracks, n_components) map coordinates of the rows of ``features``."""
    features = np.ascontiguousarray(features, dtype=np.float32)
    n = len(features)
    if n == 0:
        return np.zeros((0, n_components), dtype=np.float32)
    if method not in ("umap", "pca"):
        raise ValueError(f"unknown embedding method {method!r}: use 'umap' or 'pca'")
    if method == "umap" and n < UMAP_MIN_TRACKS:
        method = "pca"
    rng = np.random.default_rng(random_state)
    sample = np.arange(n) if n <= fit_sample else np.sort(rng.choice(n, fit_sample, replace=False))
    if progress:
        progress(f"{method} {n_components}D: fitting on {len(sample):,} of {n:,} tracks")
    if method == "pca":
        sample_coordinates = _pca(features[sample], n_components, random_state)
    else:
        target = np.asarray(groups)[sample] if groups is not None else None
        sample_coordinates = _umap(
            features[sample], n_components, n_neighbors, min_dist, random_state,
            target=target, target_weight=target_weight,
        )  # fmt: skip
    if len(sample) == n:
        return sample_coordinates.astype(np.float32)
    coordinates = np.empty((n, n_components), dtype=np.float32)
    coordinates[sample] = sample_coordinates
    rest = np.setdiff1d(np.arange(n), sample, assume_unique=True)
    if progress:
        progress(f"{method} {n_components}D: placing {len(rest):,} tracks by their neighbours")
    if groups is not None and method == "umap":
        placed = _place_within_groups(
            features, np.asarray(groups), sample, rest, sample_coordinates, place_neighbours
        )
    else:
        placed = _place_globally(features, sample, rest, sample_coordinates, place_neighbours,
                                 random_state)  # fmt: skip
    spread = sample_coordinates.std(axis=0, keepdims=True)
    placed += rng.normal(0.0, 1.0, placed.shape).astype(np.float32) * spread * JITTER_SHARE
    coordinates[rest] = placed
    return coordinates


def _place_within_groups(
    features: np.ndarray,
    groups: np.ndarray,
    sample: np.ndarray,
    rest: np.ndarray,
    sample_coordinates: np.ndarray,
    k: int,
) -> np.ndarray:
    """Each placed track among the sample tracks of its own group (all of the sample when its
    group has no sample track, or it has none)."""
    out = np.empty((len(rest), sample_coordinates.shape[1]), dtype=np.float32)
    sample_groups, rest_groups = groups[sample], groups[rest]
    for group in np.unique(rest_groups):
        queries = np.flatnonzero(rest_groups == group)
        references = np.flatnonzero(sample_groups == group) if group >= 0 else np.zeros(0, int)
        if len(references) == 0:
            references = np.arange(len(sample))
        out[queries] = place_by_neighbours(
            features[sample[references]],
            sample_coordinates[references],
            features[rest[queries]],
            k,
        )
    return out


def _place_globally(
    features: np.ndarray,
    sample: np.ndarray,
    rest: np.ndarray,
    sample_coordinates: np.ndarray,
    k: int,
    random_state: int,
) -> np.ndarray:
    reference, queries = features[sample], features[rest]
    if features.shape[1] > PLACE_DIMENSIONS:
        # Neighbour search in the sample's leading principal components: ~8x fewer flops on the
        # 120-column demo matrix, and the nearest few tracks barely change.
        projection = PCA(n_components=PLACE_DIMENSIONS, random_state=random_state).fit(reference)
        reference = projection.transform(reference).astype(np.float32)
        queries = _project_in_chunks(projection, queries)
    return place_by_neighbours(reference, sample_coordinates, queries, k)


def place_by_neighbours(
    reference: np.ndarray, reference_coordinates: np.ndarray, queries: np.ndarray, k: int
) -> np.ndarray:
    """Inverse-distance-weighted mean map position of each query's ``k`` nearest references."""
    k = max(1, min(k, len(reference)))
    reference = np.ascontiguousarray(reference, dtype=np.float32)
    reference_norms = (reference**2).sum(axis=1)
    out = np.empty((len(queries), reference_coordinates.shape[1]), dtype=np.float32)
    for start in range(0, len(queries), _QUERY_CHUNK):
        chunk = np.ascontiguousarray(queries[start : start + _QUERY_CHUNK], dtype=np.float32)
        # Squared Euclidean distances via one matrix product (BLAS), clipped against round-off.
        distances = (
            (chunk**2).sum(axis=1)[:, None] - 2.0 * chunk @ reference.T + reference_norms[None, :]
        ).clip(min=0.0)
        nearest = np.argpartition(distances, k - 1, axis=1)[:, :k]
        near_distances = np.sqrt(np.take_along_axis(distances, nearest, axis=1))
        weights = 1.0 / (near_distances + 1e-3)
        weights /= weights.sum(axis=1, keepdims=True)
        out[start : start + len(chunk)] = np.einsum(
            "qk,qkd->qd", weights, reference_coordinates[nearest]
        )
    return out


def _project_in_chunks(projection: PCA, rows: np.ndarray) -> np.ndarray:
    out = np.empty((len(rows), projection.n_components_), dtype=np.float32)
    for start in range(0, len(rows), 100_000):
        out[start : start + 100_000] = projection.transform(rows[start : start + 100_000])
    return out


def _pca(features: np.ndarray, n_components: int, random_state: int) -> np.ndarray:
    usable = min(n_components, features.shape[1], len(features))
    coordinates = np.zeros((len(features), n_components), dtype=np.float32)
    if usable >= 1 and len(features) > 1:
        coordinates[:, :usable] = PCA(n_components=usable, random_state=random_state).fit_transform(
            features
        )
    return coordinates


def _umap(
    features: np.ndarray,
    n_components: int,
    n_neighbors: int,
    min_dist: float,
    random_state: int,
    *,
    target: np.ndarray | None = None,
    target_weight: float = TARGET_WEIGHT,
) -> np.ndarray:
    import umap  # lazy: see the module docstring

    supervised = target is not None and len(np.unique(target[target >= 0])) >= 2
    model = umap.UMAP(
        n_components=n_components,
        n_neighbors=min(n_neighbors, len(features) - 1),
        min_dist=min_dist,
        random_state=random_state,  # reproducible maps; umap then runs its epochs single-threaded
        low_memory=True,
        **({"target_metric": "categorical", "target_weight": target_weight} if supervised else {}),
    )
    y = np.asarray(target, dtype=np.int64) if supervised else None
    return model.fit_transform(features, y=y).astype(np.float32)
