"""Song clustering: two levels (families of scenes) named truthfully, or HDBSCAN.

``method="kmeans"`` (default) is the two-level design of ``ml.scenes``: fine clusters ("scenes")
by K-Means in a genre-emphasised copy of the features, seeded from the catalogue's label
centroids, with k chosen by stability across random states, agreement with held-out tracks'
hidden labels and neighbourhood agreement; families by size-weighted Ward over the scenes.

HDBSCAN (Campello et al. 2013; scikit-learn's implementation) is the density alternative: it finds
clusters of varying shape and leaves outliers as noise (label -1). Its cost grows badly with n, so
it runs on a sample and the rest of the catalogue joins the nearest cluster centroid when it is as
close to it as that cluster's own members are (95th percentile), else it is noise. Its clusters
get families the same way.

Names and "what's in it" cards come from the members (``ml.cluster_names``,
``ml.cluster_cards``). Cluster quality (silhouette, Davies-Bouldin and Calinski-Harabasz on a
sample; noise share; size spread; name coverage; the k selection scores) is returned as plain
floats so training can store them with the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import HDBSCAN
from sklearn.metrics import calinski_harabasz_score, silhouette_score

from ml import scenes
from ml.cluster_cards import ClusterAtlas, build_atlas
from ml.cluster_names import TermTable, name_groups

# Silhouette is O(n^2): 4,000 points is ~16M distances, a second or two, and stable to ~0.01.
SCORE_SAMPLE = 4_000
FIT_SAMPLE = 10_000  # what k selection and the seed of the full K-Means fit on
HDBSCAN_SAMPLE = 5_000  # HDBSCAN's cost grows super-linearly; it fits on this many


@dataclass
class ClusteringResult:
    labels: np.ndarray  # int32 per track; -1 = noise (HDBSCAN only)
    centroids: np.ndarray  # float32 (n_clusters, n_features), in the features given
    names: list[str]
    method: str
    metrics: dict[str, Any] = field(default_factory=dict)
    atlas: ClusterAtlas | None = None  # families, cards

    @property
    def n_clusters(self) -> int:
        return len(self.names)


def cluster_tracks(
    features: np.ndarray,
    tracks: pd.DataFrame,
    *,
    method: str = "kmeans",
    k: int | None = None,
    candidates: Sequence[int] | None = None,
    genre_columns: Sequence[slice] = (),
    sample_size: int = FIT_SAMPLE,
    min_cluster_size: int | None = None,
    random_state: int = 0,
) -> ClusteringResult:
    """Cluster ``features`` (row-aligned with ``tracks``) in two levels, name both, measure.

    ``genre_columns`` are the featurizer's genre and subgenre blocks (emphasised for scenes and
    hidden for the held-out criterion); ``k`` fixes the number of scenes.
    """
    features = np.ascontiguousarray(features, dtype=np.float32)
    if len(features) != len(tracks):
        raise ValueError("features and tracks must have the same number of rows")
    if len(features) < 2:
        raise ValueError("clustering needs at least two tracks")
    selection: dict[int, scenes.KScore] = {}
    if method == "kmeans":
        labels, selection = _kmeans(
            features, tracks, k, candidates, genre_columns, sample_size, random_state
        )
        centroids = _centroids(features, labels, int(labels.max()) + 1)
    elif method == "hdbscan":
        labels, centroids = _hdbscan(
            features, min_cluster_size, sample_size=sample_size, random_state=random_state
        )
    else:
        raise ValueError(f"unknown clustering method {method!r}: use 'kmeans' or 'hdbscan'")
    sizes = np.bincount(labels[labels >= 0], minlength=len(centroids))
    space = scenes.emphasise_genres(centroids, genre_columns)
    family_of, heights = scenes.families_of(space, sizes)
    table = TermTable.build(tracks)
    track_family = np.where(labels >= 0, family_of[np.maximum(labels, 0)], -1)
    family_names = name_groups(tracks, track_family, int(family_of.max()) + 1, table=table)
    names = name_groups(
        tracks, labels, len(centroids), table=table, parents=family_names, parent_of=family_of
    )
    atlas = build_atlas(tracks, labels, family_of, names, family_names, table)
    metrics = cluster_quality(features, labels, random_state=random_state)
    metrics["method"] = method
    metrics["n_families"] = len(family_names)
    metrics["family_heights"] = [round(h, 3) for h in heights]
    metrics |= atlas.coverage_summary()
    if selection:
        metrics["k_selection"] = {str(key): score.as_dict() for key, score in selection.items()}
    return ClusteringResult(labels, centroids, [n.name for n in names], method, metrics, atlas)


def _kmeans(
    features: np.ndarray,
    tracks: pd.DataFrame,
    k: int | None,
    candidates: Sequence[int] | None,
    genre_columns: Sequence[slice],
    sample_size: int,
    random_state: int,
) -> tuple[np.ndarray, dict[int, scenes.KScore]]:
    space = scenes.emphasise_genres(features, genre_columns)
    labels = scenes.usable_labels(scenes.finest_labels(tracks))
    selection: dict[int, scenes.KScore] = {}
    fit = None
    if k is None:
        n_labels = int(labels.max()) + 1 if (labels >= 0).any() else 0
        options = list(candidates) if candidates else scenes.k_candidates(len(features), n_labels)
        hidden = np.concatenate(
            [np.arange(c.start, c.stop) for c in genre_columns] or [np.zeros(0, dtype=int)]
        )
        k, selection, fit = scenes.choose_k(
            space, features, labels, hidden, options,
            sample_size=sample_size, random_state=random_state,
        )  # fmt: skip
    if fit is None:
        fit = scenes.fit_scenes(
            space, labels, k, sample_size=sample_size, random_state=random_state
        )
    fitted = fit.labels
    # Drop clusters K-Means left empty, so every name has members.
    _, labels_out = np.unique(fitted, return_inverse=True)
    return labels_out.astype(np.int32), selection


def _hdbscan(
    features: np.ndarray, min_cluster_size: int | None, *, sample_size: int, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(random_state)
    rows = _sample_rows(len(features), min(sample_size, HDBSCAN_SAMPLE), rng)
    sample = features[rows]
    size = min_cluster_size or max(5, len(sample) // 100)
    sample_labels = HDBSCAN(min_cluster_size=size, copy=True).fit_predict(sample)
    found = np.unique(sample_labels[sample_labels >= 0])
    if len(found) == 0:  # everything is noise: one cluster, so the rest of the system still works
        return np.zeros(len(features), np.int32), features.mean(axis=0, keepdims=True)
    remap = np.full(sample_labels.max() + 2, -1, dtype=np.int32)
    remap[found] = np.arange(len(found), dtype=np.int32)
    sample_labels = remap[sample_labels]  # -1 stays -1 through index -1 = the last (unused) slot
    centroids = _centroids(sample, sample_labels, len(found))
    # How far a cluster's own members sit from its centroid: joining needs to be that close.
    member_distance = np.linalg.norm(sample - centroids[np.maximum(sample_labels, 0)], axis=1)
    reach = np.array(
        [np.percentile(member_distance[sample_labels == c], 95) for c in range(len(found))]
    )
    labels = np.full(len(features), -1, dtype=np.int32)
    labels[rows] = sample_labels
    rest = np.setdiff1d(np.arange(len(features)), rows, assume_unique=True)
    for chunk in np.array_split(rest, max(1, len(rest) // 50_000)):
        if len(chunk) == 0:
            continue
        distances = _squared_distances(features[chunk], centroids)
        nearest = distances.argmin(axis=1)
        close = np.sqrt(distances[np.arange(len(chunk)), nearest]) <= reach[nearest]
        labels[chunk] = np.where(close, nearest, -1)
    return labels, centroids


def cluster_quality(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    sample_size: int = SCORE_SAMPLE,
    random_state: int = 0,
) -> dict[str, Any]:
    """Silhouette, Davies-Bouldin and Calinski-Harabasz (on a sample, noise left out), noise share
    and size spread, as plain floats."""
    labels = np.asarray(labels)
    clustered = labels >= 0
    sizes = np.bincount(labels[clustered]) if clustered.any() else np.zeros(0, dtype=int)
    sizes = sizes[sizes > 0]
    metrics: dict[str, Any] = {
        "n_clusters": len(sizes),
        "noise_share": float(1.0 - clustered.mean()) if len(labels) else 0.0,
        "size_min": int(sizes.min()) if len(sizes) else 0,
        "size_max": int(sizes.max()) if len(sizes) else 0,
        # Coefficient of variation of cluster sizes: 0 = all equal.
        "size_cv": float(sizes.std() / sizes.mean()) if len(sizes) else 0.0,
        "silhouette": None,
        "davies_bouldin": None,
        "calinski_harabasz": None,
    }
    rng = np.random.default_rng(random_state)
    candidates = np.flatnonzero(clustered)
    rows = candidates[_sample_rows(len(candidates), sample_size, rng)]
    if len(np.unique(labels[rows])) >= 2 and len(rows) > len(np.unique(labels[rows])):
        x, y = features[rows], labels[rows]
        metrics["silhouette"] = float(silhouette_score(x, y))
        metrics["davies_bouldin"] = davies_bouldin_index(x, y)
        metrics["calinski_harabasz"] = float(calinski_harabasz_score(x, y))
    return metrics


def davies_bouldin_index(features: np.ndarray, labels: np.ndarray) -> float:
    """Davies-Bouldin index (lower is better), vectorised.

    Same definition as ``sklearn.metrics.davies_bouldin_score`` (mean over clusters of the worst
    (s_i + s_j) / d(c_i, c_j), s = mean member distance to the centroid); scikit-learn's version
    makes one pairwise-distance call per cluster, which dominated k selection.
    """
    codes, labels = np.unique(labels, return_inverse=True)
    k = len(codes)
    if k < 2:
        return 0.0
    x = np.asarray(features, dtype=np.float64)
    centroids = _centroids(x, labels.astype(np.int64), k).astype(np.float64)
    spread = np.bincount(
        labels, weights=np.linalg.norm(x - centroids[labels], axis=1), minlength=k
    ) / np.maximum(np.bincount(labels, minlength=k), 1)
    separation = np.sqrt(_squared_distances(centroids, centroids))
    np.fill_diagonal(separation, np.inf)
    ratio = (spread[:, None] + spread[None, :]) / np.where(separation > 0, separation, np.inf)
    return float(ratio.max(axis=1).mean())


def _centroids(features: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    centroids = np.zeros((k, features.shape[1]), dtype=np.float64)
    clustered = labels >= 0
    np.add.at(centroids, labels[clustered], features[clustered])
    counts = np.bincount(labels[clustered], minlength=k)[:, None]
    return (centroids / np.maximum(counts, 1)).astype(np.float32)


def _squared_distances(x: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return (
        (x**2).sum(axis=1)[:, None] - 2.0 * x @ centroids.T + (centroids**2).sum(axis=1)[None, :]
    ).clip(min=0.0)


def _sample_rows(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    if n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size=size, replace=False))
