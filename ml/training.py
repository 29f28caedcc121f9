"""One training run: catalogue + listening events -> a ``ModelBundle`` ready to save and serve.

Stages, in order (each timed into ``metrics["seconds"]``):

1. ratings: per-track mean feedback (``ml.features.track_ratings``) joins the features;
2. features: ``TrackFeaturizer`` fitted on the catalogue (the recommendation space);
3. moods: Russell quadrant + tags (``ml.moods``);
4. clusters: families and scenes (K-Means with k chosen by stability and held-out agreement), or
   HDBSCAN (``ml.clustering``), named truthfully, with a card per cluster (``ClusterAtlas``);
5. maps: 2-D and 3-D coordinates (UMAP with the scenes as a partial target, or PCA when
   ``params.embedding == "pca"``);
6. listeners: ``ListenerModel`` over the events (taste vectors, listener groups, collaborative);
7. co-occurrence: track x track counts of shared curated playlists.

Pure: frames in, bundle out; nothing here touches the database, the file system or Flask.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ml.artifact import FORMAT_VERSION, ModelBundle, new_version
from ml.clustering import cluster_tracks
from ml.embedding import embed
from ml.features import TrackFeaturizer, track_ratings
from ml.listeners import EVENT_COLUMNS, ListenerModel
from ml.moods import assign_moods
from ml.scoring_settings import normalise_settings
from music.schema import validate_catalogue_frame

Progress = Callable[[str], None]


@dataclass
class TrainParams:
    """Every choice a run makes; stored with the model (``ModelBundle.params``)."""

    clustering: str = "kmeans"  # "kmeans" or "hdbscan"
    n_clusters: int | None = None  # None: chosen by stability and held-out agreement
    cluster_sample: int = 10_000
    embedding: str = "umap"  # "umap", or "pca" (fast; tests, evaluation)
    embedding_sample: int = 10_000  # UMAP fits on this many tracks, the rest are placed
    listener_clusters: int = 8
    use_ratings: bool = True  # listeners' feedback as a feature column
    feature_weights: dict[str, float] = field(default_factory=dict)  # TrackFeaturizer kwargs
    random_state: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def train_model(
    catalogue: pd.DataFrame,
    events: pd.DataFrame,
    params: TrainParams | None = None,
    progress: Progress | None = None,
    playlists: pd.DataFrame | None = None,
    *,
    interactions_until_id: int = 0,
    now: datetime | None = None,
    scoring: dict[str, Any] | None = None,
) -> ModelBundle:
    """Train every model on ``catalogue`` (CATALOGUE_COLUMNS) and ``events`` (listener, track_id,
    kind, at); ``playlists`` (playlist_id, track_id) are curated playlists for co-occurrence;
    ``scoring`` are the per-context scoring settings the artifact will serve
    (``ml.scoring_settings``; None: defaults)."""
    params = params or TrainParams()
    say = progress or (lambda _message: None)
    timings: dict[str, float] = {}
    cpu_timings: dict[str, float] = {}  # CPU seconds of all threads: fair on a shared machine

    @contextmanager
    def stage(name: str, message: str) -> Iterator[None]:
        say(message)
        started, cpu_started = time.perf_counter(), time.process_time()
        yield
        timings[name] = round(time.perf_counter() - started, 3)
        cpu_timings[name] = round(time.process_time() - cpu_started, 3)

    tracks = validate_catalogue_frame(catalogue).reset_index(drop=True)
    if len(tracks) < 2:
        raise ValueError("training needs a catalogue of at least two tracks")
    events = _check_events(events)
    track_ids = tracks["track_id"].astype(str)

    with stage("features", f"Features for {len(tracks):,} tracks"):
        frame = tracks.copy()
        if params.use_ratings:
            frame["rating"] = track_ratings(events, track_ids)
        featurizer = TrackFeaturizer(**params.feature_weights).fit(frame)
        features = featurizer.transform(frame)

    with stage("moods", "Moods"):
        mood, moods = assign_moods(tracks)
        tracks["mood"] = mood
        tracks["moods"] = moods

    with stage("clusters", f"Clustering ({params.clustering})"):
        clustering = cluster_tracks(
            features,
            tracks,
            method=params.clustering,
            k=params.n_clusters,
            genre_columns=(
                featurizer.block_columns("genre"),
                featurizer.block_columns("subgenre"),
            ),
            sample_size=params.cluster_sample,
            random_state=params.random_state,
        )
        tracks["cluster"] = clustering.labels.astype(np.int64)

    for dimensions in (2, 3):
        with stage(f"map_{dimensions}d", f"Map coordinates in {dimensions}D ({params.embedding})"):
            coordinates = embed(
                features,
                dimensions,
                method=params.embedding,
                fit_sample=params.embedding_sample,
                groups=clustering.labels,
                random_state=params.random_state,
                progress=say,
            )
        axes = ("x2", "y2") if dimensions == 2 else ("x3", "y3", "z3")
        for axis, column in enumerate(axes):
            tracks[column] = coordinates[:, axis].astype(np.float32)

    with stage("listeners", f"Listener model from {len(events):,} events"):
        listeners = ListenerModel(
            n_clusters=params.listener_clusters, random_state=params.random_state
        ).fit(
            events,
            track_ids.tolist(),
            features,
            now=now,
            artist_ids=tracks["artist_id"].to_numpy(),
        )

    with stage("cooccurrence", "Playlist co-occurrence"):
        cooccurrence = (
            playlist_cooccurrence(playlists, track_ids) if playlists is not None else None
        )

    created_at = datetime.now(UTC)
    data_hash = hash_training_data(tracks, events, playlists)
    metrics = {
        "tracks": len(tracks),
        "features": int(features.shape[1]),
        "events": len(events),
        "listeners": len(listeners.listeners_),
        "listener_groups": len(listeners.cluster_centers_),
        "playlists": int(playlists["playlist_id"].nunique()) if playlists is not None else 0,
        "cooccurrence_pairs": int(cooccurrence.nnz) if cooccurrence is not None else 0,
        "clusters": clustering.metrics,
        "seconds": timings | {"total": round(sum(timings.values()), 3)},
        "cpu_seconds": cpu_timings | {"total": round(sum(cpu_timings.values()), 3)},
    }
    say(f"Trained in {metrics['seconds']['total']:.1f} s")
    return ModelBundle(
        format_version=FORMAT_VERSION,
        version=new_version(created_at, data_hash),
        created_at=created_at,
        tracks=tracks,
        featurizer=featurizer,
        features=features,
        cluster_names=clustering.names,
        cluster_centroids=clustering.centroids,
        atlas=clustering.atlas,
        listeners=listeners,
        cooccurrence=cooccurrence,
        metrics=metrics,
        params=params.as_dict(),
        data_hash=data_hash,
        interactions_until_id=int(interactions_until_id),
        scoring=normalise_settings(scoring),
    )


def playlist_cooccurrence(playlists: pd.DataFrame, track_ids: pd.Series) -> sparse.csr_matrix:
    """float32 track x track counts of curated playlists two tracks share (diagonal zero)."""
    index = pd.Index(track_ids.astype(str))
    positions = index.get_indexer(playlists["track_id"].astype(str))
    known = positions >= 0
    playlist_codes, names = pd.factorize(playlists["playlist_id"].astype(str)[known])
    membership = sparse.csr_matrix(
        (np.ones(int(known.sum()), np.float32), (playlist_codes, positions[known])),
        shape=(len(names), len(index)),
    )
    membership.data[:] = 1.0  # a track listed twice in one playlist still counts once
    together = (membership.T @ membership).tocsr().astype(np.float32)
    together.setdiag(0)
    together.eliminate_zeros()
    return together


def hash_training_data(
    tracks: pd.DataFrame, events: pd.DataFrame, playlists: pd.DataFrame | None
) -> str:
    """sha256 over what a run learns from: tracks' ids and features, events, playlist membership.

    Two runs on the same data get the same hash, so "nothing changed since" is visible.
    """
    digest = hashlib.sha256()
    track_columns = [c for c in tracks.columns if c in ("track_id", "genre", "popularity")]
    track_columns += ["danceability", "energy", "valence", "tempo", "loudness"]
    digest.update(pd.util.hash_pandas_object(tracks[track_columns], index=False).to_numpy())
    if len(events):
        event_columns = events[["listener", "track_id", "kind"]].astype(str)
        digest.update(pd.util.hash_pandas_object(event_columns, index=False).to_numpy())
    if playlists is not None and len(playlists):
        membership = playlists[["playlist_id", "track_id"]].astype(str)
        digest.update(pd.util.hash_pandas_object(membership, index=False).to_numpy())
    return digest.hexdigest()


def _check_events(events: pd.DataFrame | None) -> pd.DataFrame:
    if events is None:
        events = pd.DataFrame(columns=list(EVENT_COLUMNS))
    missing = [column for column in EVENT_COLUMNS if column not in events.columns]
    if missing:
        raise ValueError(f"training events are missing columns: {', '.join(missing)}")
    events = events.reset_index(drop=True)
    if not isinstance(events["at"].dtype, pd.DatetimeTZDtype):
        events = events.assign(at=pd.to_datetime(events["at"], utc=True))
    return events
