"""Offline evaluation protocols: who the listeners are, what is held out, what the models may see.

Two protocols (docs/EVALUATION.md explains them with their leakage rules):

* ``playlist_continuation``: each TidyTuesday playlist is a listener; 30 % of its tracks are held
  out. The training data is every (playlist, track) row minus the held-out rows, and the
  catalogue's genre labels are rebuilt from those rows only (a track's genre comes from the
  playlists holding it, so a label that only a held-out row carried would leak the answer).
* ``lastfm_artists``: each HetRec Last.fm user whose artists map onto catalogue artists is a
  listener; 30 % of their matched artists are held out and a held-out artist counts as found at
  the rank of its best-ranked track. The training data is the TidyTuesday playlists plus every
  user's remaining (history) artists; held-out artists never enter it.

Everything is deterministic given the seed. Track indices are row positions in the protocol's
catalogue frame; "targets" are what the metrics count: tracks, or artists for Last.fm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from ml.protocol_genres import catalogue_with_genres, fill_missing_genres
from music.catalogue_frames import (
    CatalogueFrames,
)
from music.hetrec import HetRecFrames
from music.schema import artist_name_key

HOLDOUT_SHARE = 0.3
# A listener needs enough items for a 70/30 split that leaves a history and a target set.
MIN_LISTENER_ITEMS = 5
# Last.fm gives artists, the recommender needs tracks: a remaining artist enters the history as
# its most popular catalogue tracks (Spotify popularity), the user's plays shared among them.
TRACKS_PER_HISTORY_ARTIST = 3


@dataclass(frozen=True)
class Query:
    """What a model is given about one listener: never the held-out items."""

    history: np.ndarray  # track indices
    weights: np.ndarray  # one positive weight per history track (plays; 1.0 for playlists)
    excluded: np.ndarray  # track indices that must not be recommended (history and, for
    # Last.fm, every track of an artist the listener already knows)
    # Who asks: models with a listener model leave this listener out of its own neighbours.
    listener_id: str | None = None


@dataclass(frozen=True)
class Listener:
    listener_id: str
    query: Query
    relevant: frozenset[int]  # held-out targets


@dataclass(frozen=True)
class TrainingData:
    """What models learn from: the catalogue and the listening rows left after the holdout."""

    catalogue: pd.DataFrame  # music.schema.CATALOGUE_COLUMNS, row i is track index i
    # listener (int), track (int index), weight (float > 0); one row per (listener, track)
    interactions: pd.DataFrame
    # Name of each training listener code: "playlist:<id>" (curated playlists) or "user:<id>";
    # an evaluated listener's training row carries its ``Listener.listener_id``.
    listener_names: tuple[str, ...] = ()

    def matrix(self) -> sparse.csr_matrix:
        """Listener-by-track matrix of weights."""
        rows = self.interactions
        shape = (int(rows["listener"].max()) + 1 if len(rows) else 0, len(self.catalogue))
        return sparse.csr_matrix(
            (
                rows["weight"].to_numpy(dtype=np.float64),
                (rows["listener"].to_numpy(), rows["track"].to_numpy()),
            ),
            shape=shape,
        )


@dataclass(frozen=True)
class Protocol:
    name: str
    target_label: str  # "track" or "artist"
    training: TrainingData
    validation: list[Listener]
    test: list[Listener]
    target_of_track: np.ndarray  # track index -> target index
    n_targets: int
    notes: dict[str, object] = field(default_factory=dict)  # counts reported in the docs

    def listeners(self, split: str) -> list[Listener]:
        if split not in ("validation", "test"):
            raise ValueError(f"unknown split {split!r}: use 'validation' or 'test'")
        return self.validation if split == "validation" else self.test


class LeakageError(AssertionError):
    """A held-out item reached the training data."""


def holdout_count(n_items: int) -> int:
    """How many of a listener's ``n_items`` are held out: 30 %, at least one, never all."""
    return min(max(1, round(HOLDOUT_SHARE * n_items)), n_items - 1)


def split_listeners(ids: list[str], seed: int) -> tuple[list[str], list[str]]:
    """Seeded, disjoint halves: (validation, test). Choices are tuned on the first only."""
    order = np.random.default_rng([seed, 1]).permutation(len(ids))
    half = len(ids) // 2
    return [ids[i] for i in sorted(order[:half])], [ids[i] for i in sorted(order[half:])]


def playlist_continuation(frames: CatalogueFrames, seed: int) -> Protocol:
    """TidyTuesday playlists as listeners; 30 % of each playlist held out (see module docs)."""
    catalogue_ids = frames.tracks["track_id"].astype(str).reset_index(drop=True)
    index_of = pd.Series(np.arange(len(catalogue_ids)), index=catalogue_ids)
    items = frames.playlist_items[["playlist_external_id", "track_id"]].astype(str)
    items = items.drop_duplicates().reset_index(drop=True)
    unknown = ~items["track_id"].isin(index_of.index)
    if unknown.any():
        raise ValueError(f"{int(unknown.sum())} playlist rows name tracks not in the catalogue")
    items["track"] = index_of.loc[items["track_id"]].to_numpy()
    playlist_ids = sorted(items["playlist_external_id"].unique())
    items["listener"] = pd.Categorical(items["playlist_external_id"], playlist_ids).codes

    rng = np.random.default_rng([seed, 0])
    held_out = np.zeros(len(items), dtype=bool)
    eligible: list[str] = []
    for playlist_id, rows in items.groupby("playlist_external_id", sort=True).groups.items():
        rows = np.asarray(rows)
        if len(rows) < MIN_LISTENER_ITEMS:
            continue
        eligible.append(str(playlist_id))
        held_out[rng.permutation(rows)[: holdout_count(len(rows))]] = True

    remaining = items[~held_out]
    # Genre labels from the remaining rows only: a label only a held-out row carried is leakage.
    playlists = frames.playlists.astype({"external_id": str}).set_index("external_id")
    track_genres = pd.DataFrame(
        {
            "track_id": remaining["track_id"].to_numpy(),
            "genre": playlists["genre"].reindex(remaining["playlist_external_id"]).to_numpy(),
            "subgenre": playlists["subgenre"].reindex(remaining["playlist_external_id"]).to_numpy(),
        }
    )
    catalogue = catalogue_with_genres(frames, track_genres)
    interactions = pd.DataFrame(
        {
            "listener": remaining["listener"].to_numpy(dtype=np.int64),
            "track": remaining["track"].to_numpy(dtype=np.int64),
            "weight": 1.0,
        }
    )

    by_listener = {
        str(pid): (
            rows["track"].to_numpy(dtype=np.int64),
            held_out[rows.index.to_numpy()],
        )
        for pid, rows in items.groupby("playlist_external_id", sort=True)
    }
    validation_ids, test_ids = split_listeners(eligible, seed)

    def listener(playlist_id: str) -> Listener:
        tracks, hidden = by_listener[playlist_id]
        history = tracks[~hidden]
        return Listener(
            listener_id=f"playlist:{playlist_id}",
            query=Query(
                history=history,
                weights=np.ones(len(history)),
                excluded=history,
                listener_id=f"playlist:{playlist_id}",
            ),
            relevant=frozenset(tracks[hidden].tolist()),
        )

    # A track only held-out rows contain must carry no genre label at all.
    only_held_out = np.setdiff1d(items.loc[held_out, "track"], remaining["track"])
    if catalogue["genres"].iloc[only_held_out].map(len).any():
        raise LeakageError("catalogue genre labels do not come from the training rows alone")
    catalogue, filled = fill_missing_genres(catalogue)

    protocol = Protocol(
        name="TidyTuesday playlist continuation",
        target_label="track",
        training=TrainingData(
            catalogue=catalogue,
            interactions=interactions,
            listener_names=tuple(f"playlist:{p}" for p in playlist_ids),
        ),
        validation=[listener(p) for p in validation_ids],
        test=[listener(p) for p in test_ids],
        target_of_track=np.arange(len(catalogue), dtype=np.int64),
        n_targets=len(catalogue),
        notes={
            "playlists": len(playlist_ids),
            "evaluated playlists": len(eligible),
            "held-out rows": int(held_out.sum()),
            "training rows": len(remaining),
            "tracks labelled from their artist's training rows": filled["artist"],
            "tracks labelled by the audio genre classifier": filled["audio"],
        },
    )
    # The training listener index of a playlist is its position in ``playlist_ids``.
    listener_index = {f"playlist:{p}": i for i, p in enumerate(playlist_ids)}
    assert_no_leak(protocol, listener_index, lambda targets: targets)
    return protocol


def lastfm_artists(frames: CatalogueFrames, hetrec: HetRecFrames, seed: int) -> Protocol:
    """HetRec Last.fm users as listeners; 30 % of each user's matched artists held out."""
    catalogue = catalogue_with_genres(frames, frames.track_genres)
    artist_of_track = catalogue["artist_id"].to_numpy(dtype=np.int64)
    n_artists = int(artist_of_track.max()) + 1
    artist_of_key = (
        pd.Series(artist_of_track, index=catalogue["artist_name"].map(artist_name_key))
        .groupby(level=0)
        .first()
    )

    lastfm_key = hetrec.artists.set_index("artist_id")["name"].map(artist_name_key)
    plays = hetrec.user_artists.copy()
    plays["artist"] = lastfm_key.reindex(plays["artist_id"]).map(artist_of_key).to_numpy()
    matched = plays.dropna(subset=["artist"]).astype({"artist": "int64"})
    # Two Last.fm spellings of one artist ("Michel Teló", "MICHEL TELÓ") become one artist.
    matched = matched.groupby(["user_id", "artist"], as_index=False, sort=True)["plays"].sum()

    # The tracks standing for an artist in a history: its most popular ones.
    by_popularity = catalogue.assign(track=np.arange(len(catalogue))).sort_values(
        ["popularity", "track_id"], ascending=[False, True], kind="stable"
    )
    top_tracks = (
        by_popularity.groupby("artist_id", sort=False)["track"]
        .agg(lambda s: s.to_numpy(dtype=np.int64)[:TRACKS_PER_HISTORY_ARTIST])
        .to_dict()
    )
    tracks_of_artist = (
        pd.Series(np.arange(len(catalogue)), dtype=np.int64)
        .groupby(artist_of_track)
        .agg(lambda s: s.to_numpy(dtype=np.int64))
        .to_dict()
    )

    rng = np.random.default_rng([seed, 0])
    eligible: list[str] = []
    history_artists: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    held_out_artists: dict[int, np.ndarray] = {}
    for user_id, rows in matched.groupby("user_id", sort=True):
        artists = rows["artist"].to_numpy(dtype=np.int64)
        user_plays = rows["plays"].to_numpy(dtype=np.float64)
        if len(artists) < MIN_LISTENER_ITEMS:
            # Not evaluated: all of this user's artists are ordinary training data.
            history_artists[int(user_id)] = (artists, user_plays)
            continue
        eligible.append(str(user_id))
        order = rng.permutation(len(artists))
        hidden = np.zeros(len(artists), dtype=bool)
        hidden[order[: holdout_count(len(artists))]] = True
        history_artists[int(user_id)] = (artists[~hidden], user_plays[~hidden])
        held_out_artists[int(user_id)] = artists[hidden]

    def history_of(user_id: int) -> tuple[np.ndarray, np.ndarray]:
        artists, user_plays = history_artists[user_id]
        tracks, weights = [], []
        for artist, artist_plays in zip(artists.tolist(), user_plays.tolist(), strict=True):
            chosen = top_tracks[artist]
            tracks.append(chosen)
            # log1p damps Last.fm's heavy-tailed play counts (1 to 350,000 plays).
            weights.append(np.full(len(chosen), np.log1p(artist_plays) / len(chosen)))
        return np.concatenate(tracks), np.concatenate(weights)

    # Training listeners: the playlists first, then the Last.fm users.
    playlist_rows = frames.playlist_items[["playlist_external_id", "track_id"]].astype(str)
    playlist_rows = playlist_rows.drop_duplicates()
    index_of = pd.Series(np.arange(len(catalogue)), index=catalogue["track_id"])
    playlist_codes, playlist_ids = pd.factorize(playlist_rows["playlist_external_id"], sort=True)
    parts = [
        pd.DataFrame(
            {
                "listener": playlist_codes.astype(np.int64),
                "track": index_of.loc[playlist_rows["track_id"]].to_numpy(dtype=np.int64),
                "weight": 1.0,
            }
        )
    ]
    listener_index: dict[str, int] = {}
    for offset, user_id in enumerate(sorted(history_artists), start=len(playlist_ids)):
        listener_index[f"user:{user_id}"] = offset
        tracks, weights = history_of(user_id)
        parts.append(pd.DataFrame({"listener": offset, "track": tracks, "weight": weights}))
    interactions = pd.concat(parts, ignore_index=True)
    interactions = interactions.groupby(["listener", "track"], as_index=False, sort=True)[
        "weight"
    ].sum()

    validation_ids, test_ids = split_listeners(eligible, seed)

    def listener(user_key: str) -> Listener:
        user_id = int(user_key)
        history, weights = history_of(user_id)
        known = history_artists[user_id][0]
        return Listener(
            listener_id=f"user:{user_id}",
            query=Query(
                history=history,
                weights=weights,
                excluded=np.concatenate([tracks_of_artist[a] for a in known.tolist()]),
                listener_id=f"user:{user_id}",
            ),
            relevant=frozenset(held_out_artists[user_id].tolist()),
        )

    protocol = Protocol(
        name="HetRec Last.fm user holdout",
        target_label="artist",
        training=TrainingData(
            catalogue=catalogue,
            interactions=interactions,
            listener_names=(
                *(f"playlist:{p}" for p in playlist_ids),
                *(f"user:{u}" for u in sorted(history_artists)),
            ),
        ),
        validation=[listener(u) for u in validation_ids],
        test=[listener(u) for u in test_ids],
        target_of_track=artist_of_track,
        n_targets=n_artists,
        notes={
            "Last.fm artists matching a catalogue artist": int(
                lastfm_key.isin(artist_of_key.index).sum()
            ),
            "user-artist rows on matched artists": int(plays["artist"].notna().sum()),
            "users with at least 5 matched artists": len(eligible),
            "training rows": len(interactions),
        },
    )
    assert_no_leak(protocol, listener_index, lambda tracks: artist_of_track[tracks])
    return protocol


def assert_no_leak(
    protocol: Protocol,
    listener_index: dict[str, int],
    targets_of: Callable[[np.ndarray], np.ndarray],
) -> None:
    """Raise ``LeakageError`` if any evaluated listener's training row holds a held-out target.

    ``listener_index`` maps an evaluated listener to its row in the training data and
    ``targets_of`` maps an array of track indices to their targets.
    """
    rows = protocol.training.interactions
    by_listener = rows.groupby("listener")["track"].agg(lambda s: s.to_numpy(dtype=np.int64))
    for listener in [*protocol.validation, *protocol.test]:
        index = listener_index[listener.listener_id]
        if index not in by_listener.index:
            continue
        trained = set(targets_of(by_listener[index]).tolist())
        leaked = trained & listener.relevant
        if leaked:
            raise LeakageError(
                f"{listener.listener_id}: held-out {protocol.target_label}s "
                f"{sorted(leaked)[:5]} are in its training rows"
            )
        shown = set(targets_of(listener.query.history).tolist())
        if shown & listener.relevant:
            raise LeakageError(f"{listener.listener_id}: a held-out item is in its history")
