"""Clusters and map on the real catalogues: granularity, stability, true names, atlas quality.

For each catalogue (the Kaggle 114k file and TidyTuesday under ``--data``, and the generated demo
catalogue), trains the full model (``ml.training.train_model``: features, clusters, UMAP 2-D and
3-D, listeners) and reports:

- k per level (scenes, families) and training time (wall and CPU seconds, with the load average:
  the machine is shared);
- stability: the clustering stage run again with random state 1 (training uses 0), ARI between
  the two over all tracks, with the k that run chose and its k selection scores. Each run does
  everything from its own random state, k selection included: its samples, held-out tracks and
  fits differ, nothing inside is pinned to one seed;
- NMI between scenes and the catalogue's genre label (all tracks), and the held-out NMI of the
  chosen k (tracks left out of the fit, assigned with their genre columns hidden);
- name coverage: per cluster, the share of members the name is true of (median and minimum);
  a name's genre words are the catalogue labels whose display form it contains;
- map: share of each track's 10 nearest 2-D map neighbours with its genre (4,000 tracks), and
  trustworthiness@10 of the 2-D map against the feature space (scikit-learn, 4,000 tracks).

``--code DIR`` runs the same measurements against another checkout's code (e.g. an export of
main, for the "before" figures). Ends with one ``name=value`` line per catalogue.

    .venv/bin/python bench/clusters.py --data ../shared/data [--only kaggle|tidytuesday|demo]
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

CATALOGUES = {
    "kaggle": "kaggle-spotify-tracks/dataset.csv.gz",
    "tidytuesday": "tidytuesday/spotify_songs.csv",
    "demo": None,  # the generated 6,000-track catalogue `flask setup` makes (no file)
}
MAP_SAMPLE = 4_000
NEIGHBOURS = 10


def load(path: Path | None):  # -> (catalogue frame, events, playlists)
    from music.catalogue_frames import catalogue_frame

    if path is None:
        from db.demo.catalogue import generate_catalogue

        frames = generate_catalogue(6000)
    else:
        from db.importers.catalogue import parse_catalogue

        frames = parse_catalogue(path).frames  # reads .csv.gz itself, as `flask import` does
    tracks = catalogue_frame(frames)
    # Imported here, not at the top: with --code the app modules come from that tree.
    from train import playlist_inputs  # bench/train.py: playlists as listeners who liked them

    events, playlists = playlist_inputs(frames)
    return tracks, events, (playlists if len(playlists) else None)


def genre_terms(tracks: pd.DataFrame) -> tuple[list[str], list[set[str]]]:
    labels = sorted({str(g) for combo in tracks["genres"] for g in combo})
    labels += sorted({str(g) for combo in tracks["subgenres"] for g in combo})
    carried = [
        {str(g) for g in a} | {str(s) for s in b}
        for a, b in zip(tracks["genres"], tracks["subgenres"], strict=True)
    ]
    return labels, carried


def name_coverage(bundle, tracks: pd.DataFrame) -> list[float]:
    """Per cluster: the card's coverage when the code has cards, else the share of members
    carrying a catalogue label whose display form the name contains (0 when it names none)."""
    atlas = getattr(bundle, "atlas", None)
    if atlas is not None:
        return [card.coverage for card in atlas.cards]
    try:
        from ml.cluster_names import display_genre
    except ImportError:
        from ml.clustering import display_genre
    labels, carried = genre_terms(tracks)
    clusters = bundle.tracks["cluster"].to_numpy()
    out = []
    for cluster, name in enumerate(bundle.cluster_names):
        named = {label for label in labels if display_genre(label) in name}
        members = np.flatnonzero(clusters == cluster)
        hit = [bool(carried[i] & named) for i in members]
        out.append(float(np.mean(hit)) if hit else 0.0)
    return out


def map_scores(bundle, rng: np.random.Generator) -> tuple[float, float]:
    from sklearn.manifold import trustworthiness

    coords = bundle.tracks[["x2", "y2"]].to_numpy(dtype=np.float32)
    genre = pd.factorize(bundle.tracks["genre"])[0]
    rows = np.sort(rng.choice(len(coords), min(MAP_SAMPLE, len(coords)), replace=False))
    agree = []
    norms = (coords**2).sum(axis=1)
    for start in range(0, len(rows), 512):
        chunk = rows[start : start + 512]
        distance = norms[None, :] - 2.0 * coords[chunk] @ coords.T
        distance[np.arange(len(chunk)), chunk] = np.inf
        nearest = np.argpartition(distance, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        agree.append((genre[nearest] == genre[chunk][:, None]).mean(axis=1))
    trust = trustworthiness(bundle.features[rows], coords[rows], n_neighbors=NEIGHBOURS)
    return float(np.concatenate(agree).mean()), float(trust)


def restudy(bundle, tracks: pd.DataFrame, random_state: int):  # -> ClusteringResult
    """The clustering stage again with another random state (for the stability ARI)."""
    from ml.clustering import cluster_tracks

    options = {"random_state": random_state}
    if "genre_columns" in inspect.signature(cluster_tracks).parameters:
        featurizer = bundle.featurizer
        options["genre_columns"] = (
            featurizer.block_columns("genre"),
            featurizer.block_columns("subgenre"),
        )
    frame = bundle.tracks[tracks.columns.intersection(bundle.tracks.columns)]
    return cluster_tracks(bundle.features, frame, **options)


def run(name: str, path: Path | None) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from ml.training import TrainParams, train_model

    tracks, events, playlists = load(path)
    print(f"{name}: {len(tracks):,} tracks, load average {os.getloadavg()}", flush=True)
    wall, cpu = time.perf_counter(), time.process_time()
    bundle = train_model(tracks, events, TrainParams(), playlists=playlists)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    labels = bundle.tracks["cluster"].to_numpy()
    metrics = bundle.metrics.get("clusters", {})
    other = restudy(bundle, tracks, random_state=1)
    for k, scores in other.metrics.get("k_selection", {}).items():
        print(f"  random state 1, k={k}: {scores}")
    coverage = name_coverage(bundle, tracks)
    agreement, trust = map_scores(bundle, np.random.default_rng(0))
    k_selection = metrics.get("k_selection", {})
    chosen = k_selection.get(str(len(bundle.cluster_names)), {})
    atlas = getattr(bundle, "atlas", None)
    result = {
        "tracks": len(tracks),
        "k_scenes": len(bundle.cluster_names),
        "k_families": len(atlas.families) if atlas is not None else 0,
        "k_scenes_rerun": other.n_clusters,  # what the random state 1 run chose
        "stability_ari": adjusted_rand_score(labels, other.labels),
        "nmi_genre": normalized_mutual_info_score(bundle.tracks["genre"], labels),
        "held_out_nmi": chosen.get("held_out_nmi", float("nan")),
        "name_coverage_median": float(np.median(coverage)),
        "name_coverage_min": float(np.min(coverage)),
        "map_genre_agreement": agreement,
        "trustworthiness": trust,
        "train_s": wall,
        "train_cpu_s": cpu,
        "clusters_s": bundle.metrics["seconds"].get("clusters", float("nan")),
        "clusters_cpu_s": bundle.metrics.get("cpu_seconds", {}).get("clusters", float("nan")),
        "load_1min": os.getloadavg()[0],
    }
    if "subgenres" in bundle.tracks and bundle.tracks["subgenres"].map(len).any():
        sub = bundle.tracks["subgenres"].map(lambda s: s[0] if len(s) else "")
        result["nmi_subgenre"] = normalized_mutual_info_score(sub, labels)
    for k, scores in k_selection.items():
        print(f"  k={k}: {scores}")
    for family in getattr(atlas, "families", ()):
        print(f"  family {family.name!r}: {family.size:,} tracks, {len(family.clusters)} clusters")
    for cluster, cluster_name in enumerate(bundle.cluster_names):
        members = int((labels == cluster).sum())
        print(f"  {cluster_name!r}: {members:,} tracks, name covers {coverage[cluster]:.0%}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--only", choices=sorted(CATALOGUES), action="append")
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    for name in args.only or list(CATALOGUES):
        relative = CATALOGUES[name]
        result = run(name, args.data / relative if relative else None)
        line = " ".join(
            f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in result.items()
        )
        print(f"{name} {line}", flush=True)


if __name__ == "__main__":
    main()
