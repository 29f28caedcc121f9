"""Song clustering in the recommendation space: K-Means (default) or HDBSCAN, named for people.

Choosing k: K-Means is fitted on a sample for every k in a range and each fit is scored with the
silhouette coefficient (Rousseeuw 1987; higher is better) and the Davies-Bouldin index (Davies &
Bouldin 1979; lower is better). Both are computed on the same sample, each k is ranked on both, and
the k with the best summed rank wins (ties: the higher silhouette). Both indices favour very small k
on music data (two or three blobs: loud vs quiet), which is useless for a map, so the range starts
at ``K_MIN`` (scaled down for tiny catalogues).

The final model is K-Means on the whole catalogue, started from the sample's centroids (one init;
Lloyd's algorithm then converges in a few passes), so a million tracks cost seconds, not minutes.

HDBSCAN (Campello et al. 2013; scikit-learn's implementation) is the density alternative: it finds
clusters of varying shape and leaves outliers as noise (label -1). Its cost grows badly with n, so
it runs on a sample and the rest of the catalogue joins the nearest cluster centroid when it is as
close to it as that cluster's own members are (95th percentile), else it is noise.

Cluster quality (silhouette, Davies-Bouldin and Calinski-Harabasz on a sample; noise share; size
spread) is returned as plain floats so training can store them with the run.

Names come from each cluster's members, not its centroid coordinates: the dominant genre(s), the
one or two audio traits that set it apart from the catalogue (in catalogue standard deviations of
the raw 0..1 features) and its median tempo, e.g. "High-energy · Upbeat EDM · 128 BPM".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.metrics import calinski_harabasz_score, silhouette_score

K_MIN = 8
K_MAX = 24
K_STEP = 2
# Silhouette is O(n^2): 4,000 points is ~16M distances, a second or two, and stable to ~0.01.
SCORE_SAMPLE = 4_000
FIT_SAMPLE = 10_000  # what k selection and the seed of the full K-Means fit on
HDBSCAN_SAMPLE = 5_000  # HDBSCAN's cost grows super-linearly; it fits on this many
# Fewer than this many tracks per cluster on average and k is lowered (a cluster of 3 is noise).
MIN_TRACKS_PER_CLUSTER = 15

# Traits a name can mention: (column, word when high, word when low). Values are raw 0..1 features.
TRAITS: tuple[tuple[str, str | None, str | None], ...] = (
    ("energy", "High-energy", "Mellow"),
    ("valence", "Upbeat", "Dark"),
    ("danceability", "Danceable", None),
    ("acousticness", "Acoustic", None),
    ("instrumentalness", "Instrumental", None),
    ("speechiness", "Wordy", None),
    ("liveness", "Live", None),
)
# A trait is named when the cluster median sits this many catalogue standard deviations away.
TRAIT_MIN_Z = 0.5
SECOND_GENRE_MIN_SHARE = 0.3
GENRE_DISPLAY = {"edm": "EDM", "r&b": "R&B", "rnb": "R&B", "dnb": "DnB", "uk garage": "UK Garage"}


@dataclass
class ClusteringResult:
    labels: np.ndarray  # int32 per track; -1 = noise (HDBSCAN only)
    centroids: np.ndarray  # float32 (n_clusters, n_features)
    names: list[str]
    method: str
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def n_clusters(self) -> int:
        return len(self.names)


def k_candidates(
    n_tracks: int, k_min: int = K_MIN, k_max: int = K_MAX, step: int = K_STEP
) -> list[int]:
    """The k values worth trying for a catalogue of ``n_tracks`` (at least one, at least 2)."""
    upper = max(2, min(k_max, n_tracks // MIN_TRACKS_PER_CLUSTER))
    lower = max(2, min(k_min, upper))
    return list(range(lower, upper + 1, max(step, 1)))


def choose_k(
    features: np.ndarray,
    candidates: Sequence[int],
    *,
    sample_size: int = FIT_SAMPLE,
    random_state: int = 0,
) -> tuple[int, dict[int, dict[str, float]]]:
    """Best k by summed silhouette and Davies-Bouldin ranks on a sample; plus every k's scores."""
    rng = np.random.default_rng(random_state)
    sample = features[_sample_rows(len(features), sample_size, rng)]
    score_rows = _sample_rows(len(sample), SCORE_SAMPLE, rng)
    scores: dict[int, dict[str, float]] = {}
    for k in candidates:
        if k >= len(sample):
            continue
        labels = KMeans(n_clusters=k, n_init=1, random_state=random_state).fit_predict(sample)
        scored = labels[score_rows]
        if len(np.unique(scored)) < 2:
            continue
        scores[k] = {
            "silhouette": float(silhouette_score(sample[score_rows], scored)),
            "davies_bouldin": float(davies_bouldin_index(sample[score_rows], scored)),
        }
    if not scores:
        return max(1, min(candidates[0] if candidates else 1, len(features))), scores
    ks = list(scores)
    silhouette_rank = pd.Series([scores[k]["silhouette"] for k in ks]).rank(ascending=False)
    db_rank = pd.Series([scores[k]["davies_bouldin"] for k in ks]).rank(ascending=True)
    total = (silhouette_rank + db_rank).to_numpy()
    best = min(range(len(ks)), key=lambda i: (total[i], -scores[ks[i]]["silhouette"]))
    return ks[best], scores


def cluster_tracks(
    features: np.ndarray,
    tracks: pd.DataFrame,
    *,
    method: str = "kmeans",
    k: int | None = None,
    candidates: Sequence[int] | None = None,
    sample_size: int = FIT_SAMPLE,
    min_cluster_size: int | None = None,
    random_state: int = 0,
) -> ClusteringResult:
    """Cluster ``features`` (row-aligned with ``tracks``), name the clusters, measure quality."""
    features = np.ascontiguousarray(features, dtype=np.float32)
    if len(features) != len(tracks):
        raise ValueError("features and tracks must have the same number of rows")
    if len(features) < 2:
        raise ValueError("clustering needs at least two tracks")
    if method == "kmeans":
        labels, centroids, selection = _kmeans(
            features, k, candidates, sample_size=sample_size, random_state=random_state
        )
    elif method == "hdbscan":
        labels, centroids = _hdbscan(
            features, min_cluster_size, sample_size=sample_size, random_state=random_state
        )
        selection = {}
    else:
        raise ValueError(f"unknown clustering method {method!r}: use 'kmeans' or 'hdbscan'")
    metrics = cluster_quality(features, labels, random_state=random_state)
    metrics["method"] = method
    if selection:
        metrics["k_selection"] = {str(key): value for key, value in selection.items()}
    names = name_clusters(tracks, labels, len(centroids))
    return ClusteringResult(labels, centroids, names, method, metrics)


def _kmeans(
    features: np.ndarray,
    k: int | None,
    candidates: Sequence[int] | None,
    *,
    sample_size: int,
    random_state: int,
) -> tuple[np.ndarray, np.ndarray, dict[int, dict[str, float]]]:
    selection: dict[int, dict[str, float]] = {}
    if k is None:
        options = list(candidates) if candidates else k_candidates(len(features))
        k, selection = choose_k(
            features, options, sample_size=sample_size, random_state=random_state
        )
    k = max(1, min(int(k), len(features)))
    rng = np.random.default_rng(random_state)
    rows = _sample_rows(len(features), sample_size, rng)
    if len(rows) < len(features):
        # Seed the full fit with the sample's solution: one init instead of several full runs.
        seed = KMeans(n_clusters=k, n_init=3, random_state=random_state).fit(features[rows])
        model = KMeans(n_clusters=k, init=seed.cluster_centers_, n_init=1, max_iter=100)
    else:
        model = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = model.fit_predict(features).astype(np.int32)
    centroids = _centroids(features, labels, k)
    return labels, centroids, selection


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


def name_clusters(tracks: pd.DataFrame, labels: np.ndarray, n_clusters: int) -> list[str]:
    """A distinct readable name per cluster: "<traits> <genre(s)> · <tempo> BPM"."""
    labels = np.asarray(labels)
    raw = {
        column: pd.to_numeric(tracks[column], errors="coerce").to_numpy(dtype=np.float64)
        for column, _, _ in TRAITS
        if column in tracks.columns
    }
    centre = {column: np.nanmedian(values) for column, values in raw.items()}
    spread = {column: max(np.nanstd(values), 1e-6) for column, values in raw.items()}
    tempo = pd.to_numeric(tracks["tempo"], errors="coerce").to_numpy(dtype=np.float64)
    genre = tracks["genre"].astype(str).to_numpy(dtype=object)
    subgenres = tracks["subgenres"] if "subgenres" in tracks.columns else None
    names: list[str] = []
    for cluster in range(n_clusters):
        members = labels == cluster
        if not members.any():
            names.append(f"Cluster {cluster + 1}")
            continue
        traits = _traits(raw, centre, spread, members)
        genres = _genre_phrase(genre[members])
        words = " · ".join(traits)
        head = f"{words} {genres}" if words else genres
        bpm = np.nanmedian(tempo[members]) if np.isfinite(tempo[members]).any() else None
        names.append(f"{head} · {bpm:.0f} BPM" if bpm is not None else head)
    return _make_unique(names, labels, subgenres)


def _traits(
    raw: dict[str, np.ndarray],
    centre: dict[str, float],
    spread: dict[str, float],
    members: np.ndarray,
) -> list[str]:
    scored: list[tuple[float, str]] = []
    for column, high, low in TRAITS:
        if column not in raw:
            continue
        z = (np.nanmedian(raw[column][members]) - centre[column]) / spread[column]
        word = high if z > 0 else low
        if word and abs(z) >= TRAIT_MIN_Z:
            scored.append((abs(z), word))
    scored.sort(reverse=True)
    return [word for _, word in scored[:2]]


def _genre_phrase(genres: np.ndarray) -> str:
    counts = pd.Series(genres).value_counts(normalize=True)
    top = [display_genre(counts.index[0])]
    if len(counts) > 1 and counts.iloc[1] >= SECOND_GENRE_MIN_SHARE:
        top.append(display_genre(counts.index[1]))
    return " & ".join(top)


def display_genre(slug: str) -> str:
    """``"edm"`` -> ``"EDM"``, ``"rock/hard rock"`` -> ``"Hard Rock"``."""
    name = str(slug).rsplit("/", 1)[-1].strip()
    if name.casefold() in GENRE_DISPLAY:
        return GENRE_DISPLAY[name.casefold()]
    return " ".join(word[:1].upper() + word[1:] for word in name.split())


def _make_unique(names: list[str], labels: np.ndarray, subgenres: pd.Series | None) -> list[str]:
    """Tell apart clusters that got the same name by their dominant subgenre, then by a numeral."""
    counts = pd.Series(names).value_counts()
    result = list(names)
    for i, name in enumerate(names):
        if counts[name] < 2 or subgenres is None:
            continue
        members = subgenres[labels == i].map(lambda v: tuple(v) if v is not None else ())
        flat = [slug for combo in members for slug in combo]
        if flat:
            result[i] = f"{name} ({display_genre(pd.Series(flat).value_counts().index[0])})"
    seen: dict[str, int] = {}
    for i, name in enumerate(result):
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            result[i] = f"{name} {_roman(seen[name])}"
    return result


def _roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, numeral in numerals:
        while number >= value:
            out += numeral
            number -= value
    return out


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
