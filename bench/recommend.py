"""Latency of ``Recommender.recommend()`` against a plain numpy floor, on the same feature matrix.

For each catalogue (the project's demo generator at ``--tracks`` tracks, and the real TidyTuesday
catalogue when ``--data`` has it) this builds what the recommender serves from: the
``TrackFeaturizer`` matrix, K-Means song clusters, playlist co-occurrence and a ``ListenerModel``
fitted on the curated playlists plus generated listeners (UMAP coordinates are left at zero: the
recommender never reads them). Then, for ``--users`` generated listeners with their full
histories (plays, likes, favourites, skips, bans), it times ``recommend(k=20)`` with each user's
adventurousness, and the floor: one matrix-vector product over the same matrix plus
``argpartition`` for the top 20 (what a brute-force "nearest to the taste vector" costs).

Prints per-catalogue figures; the last line is the generated catalogue's
``p50_ms=.. p99_ms=.. floor_p99_ms=.. ratio=..`` (ratio = p99 / floor p99; the target is <= 5).

    .venv/bin/python bench/recommend.py [--data ../shared/data] [--tracks 114000] [--users 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml.artifact import COORDINATE_COLUMNS, FORMAT_VERSION, ModelBundle
from ml.features import TrackFeaturizer
from ml.listeners import ListenerModel
from ml.moods import assign_moods
from ml.recommender import Recommender
from music.schema import CATALOGUE_COLUMNS, Exclusions, HistoryEvent, InteractionKind

NOW = datetime(2026, 11, 1, tzinfo=UTC)
K = 20
N_CLUSTERS = 20
WARMUP_CALLS = 5


@dataclass
class World:
    """A catalogue, its curated playlists (track_id, playlist) and generated listeners' events."""

    name: str
    catalogue: pd.DataFrame  # CATALOGUE_COLUMNS
    playlist_items: pd.DataFrame  # columns playlist, track_id
    events: pd.DataFrame  # columns listener (int), track_id, kind, at
    adventurousness: dict[int, float]


# --- catalogues and listeners ----------------------------------------------------------------


def demo_world(n_tracks: int, n_listeners: int, seed: int) -> World:
    """The project's demo generator (db.demo) when present, else a small stand-in generator."""
    try:
        from db.demo.catalogue import generate_catalogue
        from music.catalogue_frames import catalogue_frame
    except ImportError:
        return synthetic_world(n_tracks, n_listeners, seed)
    frames = generate_catalogue(n_tracks, seed=seed)
    return frames_world("generated", frames, catalogue_frame(frames), n_listeners, seed)


def frames_world(name: str, frames, catalogue: pd.DataFrame, n_listeners: int, seed: int) -> World:
    items = frames.playlist_items.rename(columns={"playlist_external_id": "playlist"})[
        ["playlist", "track_id"]
    ]
    try:
        from db.demo.listeners import generate_listeners
    except ImportError:
        events, adventurousness = synthetic_listeners(catalogue, n_listeners, seed)
    else:
        generated = generate_listeners(frames, n_listeners=n_listeners, seed=seed, now=NOW)
        events = generated.events[["listener", "track_id", "kind", "at"]]
        adventurousness = dict(
            zip(generated.users["listener"], generated.users["adventurousness"], strict=True)
        )
    return World(name, catalogue, items, events, adventurousness)


def real_world(data: Path, n_listeners: int, seed: int) -> World | None:
    path = data / "tidytuesday" / "spotify_songs.csv"
    if not path.exists():
        return None
    from db.importers.catalogue import parse_catalogue
    from music.catalogue_frames import catalogue_frame

    frames = parse_catalogue(path).frames
    return frames_world("tidytuesday", frames, catalogue_frame(frames), n_listeners, seed)


def synthetic_world(n_tracks: int, n_listeners: int, seed: int) -> World:
    """Stand-in when db.demo is absent: 40 genres with their own sound, artists within genres."""
    rng = np.random.default_rng(seed)
    n_genres = 40
    genre_code = rng.integers(0, n_genres, n_tracks)
    centres = rng.uniform(0.1, 0.9, (n_genres, 6))
    audio = np.clip(centres[genre_code] + rng.normal(0, 0.08, (n_tracks, 6)), 0, 1)
    artist = genre_code * 10_000 + rng.integers(0, max(n_tracks // (7 * n_genres), 1), n_tracks)
    popularity = np.clip(rng.gamma(2.0, 15.0, n_tracks), 0, 100).astype("int64")
    genre = np.array([f"genre{g}" for g in range(n_genres)], dtype=object)[genre_code]
    catalogue = pd.DataFrame(
        {
            "track_id": [f"syn{i:07d}" for i in range(n_tracks)],
            "name": [f"Track {i}" for i in range(n_tracks)],
            "artist_id": artist.astype("int64"),
            "artist_name": [f"Artist {a}" for a in artist],
            "album_name": "",
            "release_year": pd.array(rng.integers(1960, 2025, n_tracks), dtype="Int64"),
            "popularity": popularity,
            "artist_popularity": pd.Series(popularity).groupby(artist).transform("mean"),
            "duration_ms": rng.integers(120_000, 360_000, n_tracks).astype("int64"),
            "explicit": pd.array(rng.random(n_tracks) < 0.1, dtype="boolean"),
            "key": rng.integers(0, 12, n_tracks).astype("int64"),
            "mode": rng.integers(0, 2, n_tracks).astype("int64"),
            "danceability": audio[:, 0],
            "energy": audio[:, 1],
            "loudness": -20 + 15 * audio[:, 1],
            "speechiness": audio[:, 2] * 0.3,
            "acousticness": audio[:, 3],
            "instrumentalness": audio[:, 4] ** 3,
            "liveness": rng.uniform(0.05, 0.4, n_tracks),
            "valence": audio[:, 5],
            "tempo": rng.normal(120, 25, n_tracks).clip(50, 210),
            "genre": genre,
            "genres": [(g,) for g in genre],
            "subgenres": [(f"{g}/{g}-{a % 3}",) for g, a in zip(genre, artist, strict=True)],
            "source": "demo",
        }
    )[list(CATALOGUE_COLUMNS)]
    by_genre = pd.Series(np.arange(n_tracks)).groupby(genre_code).apply(np.asarray)
    rows = []
    for playlist in range(min(3000, n_tracks // 60 + 1)):
        members = rng.choice(by_genre[playlist % n_genres], 40)
        rows.extend((playlist, catalogue["track_id"][m]) for m in members)
    items = pd.DataFrame(rows, columns=["playlist", "track_id"]).drop_duplicates()
    events, adventurousness = synthetic_listeners(catalogue, n_listeners, seed)
    return World("synthetic", catalogue, items, events, adventurousness)


def synthetic_listeners(
    catalogue: pd.DataFrame, n_listeners: int, seed: int
) -> tuple[pd.DataFrame, dict[int, float]]:
    """Listeners who favour one to three genres: 50-600 events over 120 days, ~15 % skips."""
    rng = np.random.default_rng(seed + 1)
    codes, _ = pd.factorize(catalogue["genre"])
    by_genre = pd.Series(np.arange(len(catalogue))).groupby(codes).apply(np.asarray)
    kinds = np.array(["play", "like", "favourite", "skip", "ban"], dtype=object)
    frames = []
    for listener in range(n_listeners):
        favourites = rng.choice(len(by_genre), rng.integers(1, 4), replace=False)
        pool = np.concatenate([by_genre[g] for g in favourites])
        n = int(rng.integers(50, 600))
        picks = rng.choice(pool, n)
        frames.append(
            pd.DataFrame(
                {
                    "listener": listener,
                    "track_id": catalogue["track_id"].to_numpy()[picks],
                    "kind": rng.choice(kinds, n, p=[0.65, 0.13, 0.04, 0.17, 0.01]),
                    "at": pd.Timestamp(NOW) - pd.to_timedelta(rng.uniform(0, 120, n), unit="D"),
                }
            )
        )
    adventurousness = {i: float(a) for i, a in enumerate(rng.uniform(0, 1, n_listeners))}
    return pd.concat(frames, ignore_index=True), adventurousness


# --- the bundle ------------------------------------------------------------------------------


def build_bundle(world: World, seed: int) -> tuple[ModelBundle, dict[str, float]]:
    timings = {}
    start = time.perf_counter()
    tracks = world.catalogue.reset_index(drop=True).copy()
    tracks["moods"] = assign_moods(tracks)[1]
    featurizer = TrackFeaturizer().fit(tracks)
    features = featurizer.transform(tracks)
    timings["features_s"] = time.perf_counter() - start

    start = time.perf_counter()
    kmeans = MiniBatchKMeans(
        n_clusters=N_CLUSTERS, n_init=3, batch_size=4096, random_state=seed
    ).fit(features)
    tracks["cluster"] = kmeans.labels_.astype("int64")
    names = [
        f"Cluster {c} · {tracks.loc[tracks['cluster'] == c, 'genre'].mode().iat[0]}"
        if (tracks["cluster"] == c).any()
        else f"Cluster {c}"
        for c in range(N_CLUSTERS)
    ]
    for column in COORDINATE_COLUMNS:
        tracks[column] = np.float32(0.0)
    timings["clusters_s"] = time.perf_counter() - start

    start = time.perf_counter()
    index = pd.Index(tracks["track_id"].astype(str))
    positions = index.get_indexer(world.playlist_items["track_id"].astype(str))
    known = positions >= 0
    playlist_codes, _ = pd.factorize(world.playlist_items["playlist"][known])
    membership = sparse.csr_matrix(
        (np.ones(known.sum(), np.float32), (playlist_codes, positions[known])),
        shape=(playlist_codes.max() + 1, len(tracks)),
    )
    membership.data[:] = 1.0
    cooccurrence = (membership.T @ membership).tocsr()
    timings["cooccurrence_s"] = time.perf_counter() - start

    start = time.perf_counter()
    playlist_events = pd.DataFrame(
        {
            "listener": "playlist:" + world.playlist_items["playlist"].astype(str),
            "track_id": world.playlist_items["track_id"].astype(str),
            "kind": "play",
            "at": pd.Timestamp(NOW),
        }
    )
    user_events = world.events.assign(listener="user:" + world.events["listener"].astype(str))
    listeners = ListenerModel(random_state=seed).fit(
        pd.concat([playlist_events, user_events], ignore_index=True),
        tracks["track_id"],
        features,
        now=NOW,
        artist_ids=tracks["artist_id"],
    )
    timings["listeners_s"] = time.perf_counter() - start
    bundle = ModelBundle(
        format_version=FORMAT_VERSION,
        version=f"bench-{world.name}",
        created_at=NOW,
        tracks=tracks,
        featurizer=featurizer,
        features=features,
        cluster_names=names,
        cluster_centroids=kmeans.cluster_centers_.astype(np.float32),
        listeners=listeners,
        cooccurrence=cooccurrence,
    )
    return bundle, timings


# --- timing ----------------------------------------------------------------------------------


def histories(world: World, n_users: int) -> list[tuple[int, list[HistoryEvent]]]:
    out = []
    for listener, rows in world.events.groupby("listener", sort=True):
        if len(out) == n_users:
            break
        events = [
            HistoryEvent(str(track), InteractionKind(kind), pd.Timestamp(at).to_pydatetime())
            for track, kind, at in zip(rows["track_id"], rows["kind"], rows["at"], strict=True)
        ]
        out.append((int(listener), events))
    return out


def measure(world: World, n_users: int, seed: int) -> dict[str, float]:
    print(
        f"[{world.name}] {len(world.catalogue):,} tracks, {world.events['listener'].nunique():,}"
        f" listeners, {len(world.events):,} events, "
        f"{world.playlist_items['playlist'].nunique():,} playlists",
        flush=True,
    )
    bundle, timings = build_bundle(world, seed)
    print(
        f"[{world.name}] built in "
        + ", ".join(f"{k}={v:.1f}" for k, v in timings.items())
        + f"; features {bundle.features.shape[0]:,} x {bundle.features.shape[1]}",
        flush=True,
    )
    recommender = Recommender.from_bundle(bundle)
    users = histories(world, n_users)
    lengths = np.array([len(h) for _, h in users])
    features = bundle.features
    rng = np.random.default_rng(seed)

    for _, history in users[:WARMUP_CALLS]:
        recommender.recommend(history, k=K, now=NOW)
        np.argpartition(-(features @ features[0]), K)[:K]

    latencies, floor = [], []
    reasons = 0
    for listener, history in users:
        adventurousness = world.adventurousness.get(listener, 0.5)
        start = time.perf_counter()
        recs = recommender.recommend(
            history, k=K, adventurousness=adventurousness, exclusions=Exclusions(), now=NOW
        )
        latencies.append(time.perf_counter() - start)
        reasons += sum(len(r.reasons) for r in recs)
        query = features[int(rng.integers(len(features)))]
        start = time.perf_counter()
        scores = features @ query
        top = np.argpartition(-scores, K)[:K]
        floor.append(time.perf_counter() - start)
        assert len(top) == K and len(recs) == K

    ms = lambda values, q: float(np.percentile(values, q) * 1000)  # noqa: E731
    result = {
        "p50_ms": ms(latencies, 50),
        "p99_ms": ms(latencies, 99),
        "floor_p50_ms": ms(floor, 50),
        "floor_p99_ms": ms(floor, 99),
    }
    result["ratio"] = result["p99_ms"] / result["floor_p99_ms"]
    print(
        f"[{world.name}] {len(users)} users, history length median {np.median(lengths):.0f} "
        f"(max {lengths.max()}), {reasons / len(users) / K:.1f} reasons per recommendation"
    )
    print(
        f"[{world.name}] recommend p50={result['p50_ms']:.2f} ms p99={result['p99_ms']:.2f} ms;"
        f" numpy floor p50={result['floor_p50_ms']:.2f} ms p99={result['floor_p99_ms']:.2f} ms;"
        f" ratio p99/floor p99={result['ratio']:.2f}",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--tracks", type=int, default=114_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--listeners",
        type=int,
        default=1000,
        help="generated listeners the listener model learns from (incl. --users)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-real", action="store_true", help="only the generated catalogue")
    args = parser.parse_args(argv)
    n_listeners = max(args.listeners, args.users)

    if not args.skip_real:
        real = real_world(args.data, n_listeners, args.seed)
        if real is None:
            print(f"[tidytuesday] skipped: no tidytuesday/spotify_songs.csv under {args.data}")
        else:
            measure(real, args.users, args.seed)
    generated = measure(demo_world(args.tracks, n_listeners, args.seed), args.users, args.seed)
    print(
        " ".join(
            f"{name}={value:.2f}"
            for name, value in generated.items()
            if name in ("p50_ms", "p99_ms", "floor_p99_ms", "ratio")
        )
    )


if __name__ == "__main__":
    main()
