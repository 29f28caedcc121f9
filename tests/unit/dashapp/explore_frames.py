"""Small synthetic bundle-like track frames for the Explore service and map figure tests."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import numpy as np
import pandas as pd

from dashapp.services.model_store import LoadedModel
from ml.moods import assign_moods

GENRES = ("edm", "latin", "pop", "rock")


def map_tracks(n: int = 200, seed: int = 0, n_clusters: int = 4) -> pd.DataFrame:
    """``n`` tracks with the columns a model bundle's track table carries (values random)."""
    rng = np.random.default_rng(seed)
    genre = rng.choice(GENRES, size=n)
    frame = pd.DataFrame(
        {
            "track_id": [f"t{i:05d}" for i in range(n)],
            "name": [f"Song {i}" for i in range(n)],
            "artist_id": rng.integers(1, 50, size=n),
            "artist_name": [f"Artist {i % 50}" for i in range(n)],
            "album_name": [f"Album {i % 30}" for i in range(n)],
            "release_year": pd.array(rng.integers(1970, 2021, size=n), dtype="Int64"),
            "popularity": rng.integers(0, 101, size=n),
            "duration_ms": rng.integers(120_000, 300_000, size=n),
            "explicit": pd.array(rng.random(n) < 0.2, dtype="boolean"),
            "danceability": rng.random(n),
            "energy": rng.random(n),
            "loudness": rng.uniform(-30, -2, size=n),
            "speechiness": rng.random(n) * 0.3,
            "acousticness": rng.random(n),
            "instrumentalness": rng.random(n) * 0.2,
            "liveness": rng.random(n) * 0.5,
            "valence": rng.random(n),
            "tempo": rng.uniform(60, 190, size=n),
            "key": rng.integers(0, 12, size=n),
            "mode": rng.integers(0, 2, size=n),
            "genre": genre,
            "genres": [(g,) for g in genre],
            "subgenres": [(f"{g}/sub{i % 2}",) for i, g in enumerate(genre)],
            "source": "demo",
            "cluster": rng.integers(0, n_clusters, size=n),
            "x2": rng.normal(size=n).astype(np.float32),
            "y2": rng.normal(size=n).astype(np.float32),
            "x3": rng.normal(size=n).astype(np.float32),
            "y3": rng.normal(size=n).astype(np.float32),
            "z3": rng.normal(size=n).astype(np.float32),
        }
    )
    frame["moods"] = assign_moods(frame)[1]
    return frame


class FakeRecommender:
    """Answers ``similar_tracks`` with the next tracks in catalogue order, skipping exclusions."""

    def __init__(self, tracks: pd.DataFrame) -> None:
        self.ids = list(tracks["track_id"])
        self.calls: list[tuple[str, int, object]] = []

    def similar_tracks(self, track_id: str, *, k: int = 20, exclusions=None):
        self.calls.append((track_id, k, exclusions))
        banned = getattr(exclusions, "track_ids", frozenset())
        start = self.ids.index(track_id) + 1
        picks = [t for t in self.ids[start:] if t not in banned][:k]
        return [
            SimpleNamespace(
                track_id=t,
                score=1.0 - i / 100,
                reasons=("Sounds close to the track you opened.", "Same cluster."),
            )
            for i, t in enumerate(picks)
        ]


def loaded_model(n: int = 200, version: str = "v1", seed: int = 0) -> LoadedModel:
    """What ``model_store.current()`` serves, around a stand-in bundle and recommender."""
    tracks = map_tracks(n, seed)
    names = [f"Cluster {i}" for i in range(int(tracks["cluster"].max()) + 1)]
    bundle = SimpleNamespace(tracks=tracks, cluster_names=names, version=version)
    created = datetime(2026, 11, 28, tzinfo=UTC)
    return LoadedModel(bundle, FakeRecommender(tracks), version, created)


def loaded_model_with_families(n: int = 200, version: str = "v1-families") -> LoadedModel:
    """``loaded_model`` whose bundle carries an atlas: 4 clusters in 2 families, true names and
    cards built by the training code (``ml.cluster_names``, ``ml.cluster_cards``)."""
    from ml.cluster_cards import build_atlas
    from ml.cluster_names import TermTable, name_groups

    model = loaded_model(n, version)
    tracks = model.bundle.tracks
    labels = tracks["cluster"].to_numpy()
    family_of = np.array([0, 0, 1, 1])
    table = TermTable.build(tracks)
    families = name_groups(tracks, family_of[labels], 2, table=table)
    names = name_groups(tracks, labels, 4, table=table, parents=families, parent_of=family_of)
    model.bundle.cluster_names = [named.name for named in names]
    model.bundle.atlas = build_atlas(tracks, labels, family_of, names, families, table)
    return model
