"""The listener model: taste vectors, listener groups and "listeners like you".

A *listener* is anyone with a history: an app user (``"user:<id>"``) or a curated catalogue playlist
(``"playlist:<id>"``, each membership counted as a play). Training fits this model once; at request
time it answers from a history passed in, so feedback given a second ago already counts.

What it learns (scikit-learn style, learned attributes end with ``_``):

- ``matrix_``: a sparse listener x track matrix of compressed positive weights (``ml.feedback``) and
  ``artist_matrix_`` the same summed per artist. They carry the collaborative signal.
- ``artist_ease_``: EASE^R over the most-listened artists (``ml.artist_ease``), fitted here so
  the artifact carries it and no request ever inverts anything.
- ``taste_vectors_``: each listener's taste in the recommendation feature space: the weighted mean
  of the (unit-length) feature vectors of what they played/liked, minus half the mean of what
  they skipped, unit length.
- ``cluster_labels_``/``cluster_centers_``: K-Means over taste vectors (listener groups).

The model keeps no copy of the feature matrix (the model bundle already holds it, and a second copy
would double the artifact for a million-track catalogue): request-time methods that need a taste
take it from the caller (``taste_vector(weights, unit_features)``).

Similarity between a history and a stored listener (user-based kNN, Herlocker et al. 1999):
cosine over tracks plus ``artist_overlap_weight`` x cosine over artists. Artist overlap is much
denser than track overlap (two playlists rarely share a recording but often share an artist), so it
finds neighbours where track overlap alone finds none. The collaborative score of a track is the
similarity-weighted share of the ``n_neighbours`` nearest listeners that have it, damped by the
track's overall listener count to the power ``popularity_damping`` so that "everyone has it" does
not drown "people like you have it".

Why this module passes 400 lines: ``ListenerModel`` is one estimator (fit, then the request-time
questions asked of it), and its import path ``ml.listeners.ListenerModel`` is written into every
pickled model bundle: moving the class would make every stored artifact unloadable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ml.artist_ease import ArtistEase
from ml.feedback import (
    FeedbackWeights,
    TrackWeights,
    compress,
    event_weights,
    frame_seconds,
    summarise_history,
)
from music.schema import HistoryEvent, InteractionKind

EVENT_COLUMNS: tuple[str, ...] = ("listener", "track_id", "kind", "at")
# A taste vector is unit length; skips subtract this fraction of the skipped tracks' mean direction.
SKIP_TASTE_SHARE = 0.5
# Share of "similar listeners" ranking that comes from taste vectors when a history is given: enough
# to rank listeners a history shares nothing with, too little to outvote actual shared tracks.
TASTE_SIMILARITY_SHARE = 0.25
# "Listeners like you" picks its k from this many times k nearest listeners, to cover the
# history's groups (a smaller side taste rarely has a neighbour in the first k).
CANDIDATES_PER_MATCH = 8
# The local co-listening term (locality q != 1) builds a history x track block of similarities on
# every request, so its cost grows with the history: a long one made it the dearest part of a
# click. Its strongest this many tracks speak for it; the other terms read the whole
# history. The offline protocols' histories stay under it (Last.fm: at most 98 tracks on seeds 0
# and 1; the playlist context does not use the term), so the evaluated figures are unchanged.
LOCAL_HISTORY_CAP = 100


@dataclass(frozen=True)
class ListenerMatch:
    """One "listener like you", for the UI."""

    listener: str
    similarity: float
    shared_tracks: int
    shared_artists: int
    cluster: int


@dataclass(frozen=True)
class CollaborativeSignal:
    """Per-track "listeners like you played it" scores in [0, 1], aligned with the catalogue.

    ``tracks`` scores the track itself; ``artists`` scores the track's artist (broadcast to tracks).
    """

    tracks: np.ndarray
    artists: np.ndarray
    neighbours: tuple[str, ...]

    @classmethod
    def none(cls, n_tracks: int) -> CollaborativeSignal:
        zeros = np.zeros(n_tracks, dtype=np.float32)
        return cls(zeros, zeros, ())


class ListenerModel(BaseEstimator):
    """Listeners' taste vectors, groups and collaborative signal (see the module docstring)."""

    def __init__(
        self,
        n_clusters: int = 8,
        n_neighbours: int = 100,
        neighbour_power: float = 2.0,
        popularity_damping: float = 0.3,
        artist_overlap_weight: float = 0.5,
        feedback: FeedbackWeights | None = None,
        random_state: int = 0,
        ease_regularization: float = 100.0,
        ease_artists: int = 1000,
    ) -> None:
        self.n_clusters = n_clusters
        self.n_neighbours = n_neighbours
        self.neighbour_power = neighbour_power
        self.popularity_damping = popularity_damping
        self.artist_overlap_weight = artist_overlap_weight
        self.feedback = feedback
        self.random_state = random_state
        # EASE^R over the most-listened artists (ml.artist_ease): its lambda and how many artists
        # (1,000: a 4 MB block in the artifact) were chosen on Last.fm validation
        # (docs/EVALUATION.md).
        self.ease_regularization = ease_regularization
        self.ease_artists = ease_artists

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        events: pd.DataFrame,
        track_ids: Sequence[str],
        features: np.ndarray,
        now: datetime | None = None,
        artist_ids: Sequence[int] | np.ndarray | None = None,
    ) -> ListenerModel:
        """Learn from ``events`` (columns ``listener, track_id, kind, at``).

        ``track_ids``/``features`` (and optional ``artist_ids``) describe the catalogue,
        row-aligned; every score this model returns is aligned with them. Events on unknown
        tracks are ignored. ``now`` anchors the recency decay (default: the newest event).
        """
        missing = [column for column in EVENT_COLUMNS if column not in events.columns]
        if missing:
            raise ValueError(f"listener events are missing columns: {', '.join(missing)}")
        features = np.asarray(features, dtype=np.float32)
        if len(features) != len(track_ids):
            raise ValueError("features and track_ids must have one row per catalogue track")
        feedback = self.feedback or FeedbackWeights()
        self.track_index_ = pd.Index(np.asarray(track_ids, dtype=object))
        n_tracks = len(self.track_index_)
        unit_features = unit_rows(features)
        self.artist_codes_, n_artists = _artist_codes(artist_ids, n_tracks)

        positions = self.track_index_.get_indexer(
            events["track_id"].astype(str).to_numpy(dtype=object)
        )
        known = positions >= 0
        frame = events.loc[known, ["listener", "kind", "at"]]
        positions = positions[known]
        kinds = frame["kind"].astype(str).to_numpy(dtype=object)
        keep = kinds != InteractionKind.BAN.value
        frame, positions, kinds = frame[keep], positions[keep], kinds[keep]
        listener_codes, listeners = pd.factorize(frame["listener"].astype(str), sort=True)
        self.listeners_ = np.asarray(listeners, dtype=object)
        self.listener_index_ = pd.Index(self.listeners_)
        n_listeners = len(self.listeners_)

        seconds = frame_seconds(frame["at"])
        now_seconds = (
            pd.Timestamp(now).timestamp()
            if now is not None
            else (float(seconds.max()) if len(seconds) else 0.0)
        )
        weights = event_weights(kinds, seconds, now_seconds, feedback)
        totals = sparse.coo_matrix(
            (weights, (listener_codes, positions)), shape=(n_listeners, n_tracks)
        ).tocsr()
        totals.sum_duplicates()
        positive = totals.copy()
        positive.data = compress(positive.data)
        positive.eliminate_zeros()
        negative = totals.copy()
        negative.data = compress(-negative.data)
        negative.eliminate_zeros()

        self.matrix_ = positive.astype(np.float32).tocsr()
        self.matrix_csc_ = self.matrix_.tocsc()
        self.row_norms_ = _row_norms(self.matrix_)
        self.track_listener_counts_ = np.diff(self.matrix_csc_.indptr).astype(np.float32)
        self.__dict__.pop("_cosine_scale_cache", None)

        to_artist = sparse.csr_matrix(
            (np.ones(n_tracks, np.float32), (np.arange(n_tracks), self.artist_codes_)),
            shape=(n_tracks, n_artists),
        )
        self.artist_matrix_ = (self.matrix_ @ to_artist).tocsr().astype(np.float32)
        self.artist_matrix_csc_ = self.artist_matrix_.tocsc()
        self.artist_row_norms_ = _row_norms(self.artist_matrix_)
        self.artist_listener_counts_ = np.diff(self.artist_matrix_csc_.indptr).astype(np.float32)
        self.artist_ease_ = ArtistEase(self.ease_regularization, self.ease_artists).fit(
            self.artist_matrix_csc_
        )

        self.taste_vectors_ = _taste_vectors(
            self.matrix_, negative.astype(np.float32).tocsr(), unit_features
        )
        self._fit_clusters(n_features=features.shape[1])
        return self

    def _fit_clusters(self, n_features: int) -> None:
        n_listeners = len(self.listeners_)
        n_clusters = max(1, min(self.n_clusters, n_listeners))
        if n_listeners < 2 or n_clusters < 2:
            self.cluster_labels_ = np.zeros(n_listeners, dtype=np.int32)
            centre = (
                self.taste_vectors_.mean(axis=0, keepdims=True)
                if n_listeners
                else np.zeros((1, n_features), dtype=np.float32)
            )
            self.cluster_centers_ = unit_rows(centre)
            return
        # Imported here: only training fits; a web process unpickles a fitted model and would pay
        # ~0.3 s of its boot for sklearn.cluster (docs/SCALING.md).
        from sklearn.cluster import KMeans

        kmeans = KMeans(n_clusters=n_clusters, n_init=4, random_state=self.random_state)
        self.cluster_labels_ = kmeans.fit_predict(self.taste_vectors_).astype(np.int32)
        self.cluster_centers_ = kmeans.cluster_centers_.astype(np.float32)

    # ------------------------------------------------------------------ request time
    @property
    def n_tracks(self) -> int:
        check_is_fitted(self, "track_index_")
        return len(self.track_index_)

    def history_weights(
        self, history: Sequence[HistoryEvent], now: datetime | None = None
    ) -> TrackWeights:
        check_is_fitted(self, "track_index_")
        return summarise_history(history, self.track_index_, now, self.feedback)

    def cluster_of(self, taste: np.ndarray) -> int:
        """The listener group whose centre is closest to a taste vector (``taste_vector``)."""
        check_is_fitted(self, "cluster_centers_")
        return int(np.argmax(self.cluster_centers_ @ np.asarray(taste, dtype=np.float32)))

    def listener_similarities(
        self,
        weights: TrackWeights,
        exclude_listener: str | None = None,
        taste: np.ndarray | None = None,
        taste_share: float = 0.0,
    ) -> np.ndarray:
        """Similarity of the history to every stored listener (0 for the excluded one).

        With a ``taste`` vector and ``taste_share`` > 0, that share of the similarity is the cosine
        between taste vectors (so a history sharing no track with anyone still finds neighbours).
        """
        n_listeners = len(self.listeners_)
        similarity = np.zeros(n_listeners, dtype=np.float32)
        if n_listeners == 0:
            return similarity
        if len(weights.positive):
            h = weights.positive_weights.astype(np.float32)
            overlap = self.matrix_csc_[:, weights.positive] @ h
            similarity += overlap / (self.row_norms_ * np.linalg.norm(h) + 1e-9)
            codes, h_artist = _per_artist(self.artist_codes_[weights.positive], h)
            artist_overlap = self.artist_matrix_csc_[:, codes] @ h_artist
            similarity += (
                self.artist_overlap_weight
                * artist_overlap
                / (self.artist_row_norms_ * np.linalg.norm(h_artist) + 1e-9)
            )
        if taste is not None and taste_share > 0 and np.any(taste):
            taste_cosine = self.taste_vectors_ @ np.asarray(taste, dtype=np.float32)
            similarity = (1 - taste_share) * similarity + taste_share * np.clip(taste_cosine, 0, 1)
        if exclude_listener is not None:
            row = self.listener_index_.get_indexer([exclude_listener])[0]
            if row >= 0:
                similarity[row] = 0.0
        return similarity

    def similar_listeners(
        self,
        history: Sequence[HistoryEvent] | None = None,
        k: int = 10,
        taste: np.ndarray | None = None,
        now: datetime | None = None,
        exclude_listener: str | None = None,
    ) -> list[tuple[str, float]]:
        """The ``k`` most similar stored listeners as ``(listener, similarity)``, best first.

        From a history: shared tracks/artists, plus a little taste similarity when ``taste`` is
        given. From a taste vector alone: cosine between taste vectors.
        """
        check_is_fitted(self, "listeners_")
        if history is not None:
            weights = self.history_weights(history, now)
            similarity = self.listener_similarities(
                weights, exclude_listener, taste=taste, taste_share=TASTE_SIMILARITY_SHARE
            )
        elif taste is not None:
            similarity = self.taste_vectors_ @ np.asarray(taste, dtype=np.float32)
            if exclude_listener is not None:
                row = self.listener_index_.get_indexer([exclude_listener])[0]
                if row >= 0:
                    similarity[row] = -np.inf
        else:
            raise ValueError("similar_listeners needs a history or a taste vector")
        rows = top_indices(similarity, k)
        rows = rows[similarity[rows] > 0]
        return [(str(self.listeners_[row]), float(similarity[row])) for row in rows]

    def listeners_like_you(
        self,
        history: Sequence[HistoryEvent] | TrackWeights,
        k: int = 5,
        now: datetime | None = None,
        exclude_listener: str | None = None,
        taste: np.ndarray | None = None,
        track_groups: np.ndarray | None = None,
    ) -> list[ListenerMatch]:
        """The "listeners like you", with what you share with each, for display.

        With ``track_groups`` (a group per catalogue track, e.g. its song cluster) each match's
        ``cluster`` is the group most of their listening falls in, and the ``k`` matches cover
        the history's groups in proportion (``cover_groups``): a listener who is 69 % one genre
        and 31 % another sees neighbours from both, not five from whichever has more overlap.
        Without it ``cluster`` is the listener group (``cluster_labels_``).
        """
        weights = (
            history if isinstance(history, TrackWeights) else self.history_weights(history, now)
        )
        similarity = self.listener_similarities(
            weights, exclude_listener, taste=taste, taste_share=TASTE_SIMILARITY_SHARE
        )
        pool = k if track_groups is None else k * CANDIDATES_PER_MATCH
        rows = top_indices(similarity, pool)
        rows = rows[similarity[rows] > 0]
        if track_groups is not None:
            groups = np.asarray(track_groups)
            theirs = np.array([self._main_group(row, groups) for row in rows], dtype=np.int64)
            mine = np.bincount(
                groups[weights.positive], weights=weights.positive_weights, minlength=1
            )
            chosen = cover_groups(theirs, mine, k)
            rows, clusters = rows[chosen], theirs[chosen]
        else:
            clusters = self.cluster_labels_[rows]
        mine_artists = set(self.artist_codes_[weights.positive].tolist())
        matches = []
        for row, cluster in zip(rows, clusters, strict=True):
            start, end = self.matrix_.indptr[row], self.matrix_.indptr[row + 1]
            theirs_tracks = self.matrix_.indices[start:end]
            shared_tracks = int(np.intersect1d(theirs_tracks, weights.positive).size)
            shared_artists = len(mine_artists & set(self.artist_codes_[theirs_tracks].tolist()))
            matches.append(
                ListenerMatch(
                    listener=str(self.listeners_[row]),
                    similarity=float(similarity[row]),
                    shared_tracks=shared_tracks,
                    shared_artists=shared_artists,
                    cluster=int(cluster),
                )
            )
        return matches

    def _main_group(self, row: int, groups: np.ndarray) -> int:
        """The group holding most of a stored listener's (weighted) listening; -1 for none."""
        start, end = self.matrix_.indptr[row], self.matrix_.indptr[row + 1]
        if start == end:
            return -1
        totals = np.bincount(
            groups[self.matrix_.indices[start:end]], weights=self.matrix_.data[start:end]
        )
        return int(np.argmax(totals))

    def collaborative_scores(
        self,
        history: Sequence[HistoryEvent],
        now: datetime | None = None,
        exclude_listener: str | None = None,
    ) -> np.ndarray:
        """Per-track "listeners like you played it" score in [0, 1], aligned with the catalogue."""
        weights = self.history_weights(history, now)
        return self.collaborative_signal(weights, exclude_listener).tracks

    def collaborative_signal(
        self, weights: TrackWeights, exclude_listener: str | None = None
    ) -> CollaborativeSignal:
        """Track- and artist-level collaborative scores from the nearest listeners.

        ``exclude_listener`` leaves one stored listener out (the requester itself, or the playlist
        being evaluated), so nobody is their own neighbour.
        """
        n_tracks = self.n_tracks
        if len(weights.positive) == 0 or len(self.listeners_) == 0:
            return CollaborativeSignal.none(n_tracks)
        similarity = self.listener_similarities(weights, exclude_listener)
        rows = top_indices(similarity, self.n_neighbours)
        rows = rows[similarity[rows] > 0]
        if len(rows) == 0:
            return CollaborativeSignal.none(n_tracks)
        pull = (similarity[rows] ** self.neighbour_power).astype(np.float32)
        track_damping, artist_damping = self._damping()
        tracks = np.asarray(self.matrix_[rows].T @ pull, dtype=np.float32).ravel()
        tracks *= track_damping
        artist_scores = np.asarray(self.artist_matrix_[rows].T @ pull, dtype=np.float32).ravel()
        artist_scores *= artist_damping
        return CollaborativeSignal(
            tracks=_scale_to_unit(tracks),
            artists=_scale_to_unit(artist_scores)[self.artist_codes_],
            neighbours=tuple(str(self.listeners_[row]) for row in rows[:10]),
        )

    def listening_cooccurrence(
        self,
        weights: TrackWeights,
        exclude_listener: str | None = None,
        locality: float = 1.0,
    ) -> np.ndarray:
        """Per track, item-item "listeners who played X also played this", summed over the history.

        sim(i, j) is the cosine between tracks i and j over who listened to them (binary: a
        listener either has the track or not; the amounts already shape the history's weights),
        i.e. shared listeners / sqrt(listeners of i x listeners of j). A track scores
        sum_i h_i sim(i, j) with h_i the history weight: pulls add, skips subtract. A history
        track's similarity with itself is left out. ``exclude_listener`` is removed as if it had
        never been fitted (its rows neither link tracks nor count in their listener totals), so
        nobody recommends to themselves from their own listening.

        Computed as two sparse products through the listeners (history -> who played it ->
        what else they played), never as a track x track matrix: the cost is the listening rows
        of those who share a history track, and nothing is added to the model.

        ``locality`` q > 1 sums sim(i, j) ** q instead: a pair's few strong links then outweigh
        many weak ones, the "locality" exponent of memory-based collaborative filtering
        (Aiolli, RecSys Challenge 2013). It needs the history x track block of similarities.
        """
        n_tracks = self.n_tracks
        positions, signed = _signed_history(weights)
        if len(positions) == 0 or len(self.listeners_) == 0:
            return np.zeros(n_tracks, dtype=np.float32)
        excluded = self._listener_row(exclude_listener)
        scale = self._cosine_scale(excluded)
        played = self._played_by(positions, excluded)
        if locality != 1.0:
            # The power needs each pair's similarity; q = 1 keeps the two-product form, which
            # never builds the history x track block and is several times cheaper.
            if len(positions) > LOCAL_HISTORY_CAP:
                strongest = np.sort(np.argsort(-np.abs(signed), kind="stable")[:LOCAL_HISTORY_CAP])
                positions, signed = positions[strongest], signed[strongest]
                played = played[:, strongest]
            return self._local_cooccurrence(positions, signed, played, scale, locality)
        through = played @ (signed * scale[positions]).astype(np.float64)
        rows = np.flatnonzero(through)
        if len(rows) == 0:
            return np.zeros(n_tracks, dtype=np.float32)
        block = self.matrix_[rows]
        # Every stored entry is a play (the matrix keeps positive weights only): count it as 1.
        scores = np.bincount(
            block.indices,
            weights=np.repeat(through[rows], np.diff(block.indptr)),
            minlength=n_tracks,
        )
        scores *= scale
        own = np.diff(played.indptr) * signed * scale[positions] ** 2
        np.subtract.at(scores, positions, own)
        return scores.astype(np.float32)

    def _local_cooccurrence(
        self,
        positions: np.ndarray,
        signed: np.ndarray,
        played: sparse.csc_matrix,
        scale: np.ndarray,
        locality: float,
    ) -> np.ndarray:
        """sum_i h_i sim(i, j) ** q over the history's rows of the item cosine (see above)."""
        sharing = np.flatnonzero(np.diff(played.tocsr().indptr))
        if len(sharing) == 0:
            return np.zeros(self.n_tracks, dtype=np.float32)
        block = self.matrix_[sharing].astype(np.float32)
        block.data[:] = 1.0  # a play, whatever its weight
        # history x tracks: shared listeners (float32 counts are exact far beyond any catalogue)
        shared = (played[sharing].astype(np.float32).T @ block).tocoo()
        similarity = shared.data * scale[positions][shared.row] * scale[shared.col]
        similarity[shared.col == positions[shared.row]] = 0.0  # not similar to itself
        # sqrt for the usual q = 0.5: several times cheaper than a general power.
        powered = np.sqrt(similarity) if locality == 0.5 else similarity**locality
        scores = np.bincount(
            shared.col, weights=signed[shared.row] * powered, minlength=self.n_tracks
        )
        return scores.astype(np.float32)

    def listening_partners(
        self, weights: TrackWeights, chosen: np.ndarray, exclude_listener: str | None = None
    ) -> np.ndarray:
        """For each ``chosen`` track, the pulling history track that adds most to its
        ``listening_cooccurrence`` (a catalogue position), or -1 when none shares a listener."""
        chosen = np.asarray(chosen, dtype=np.int64)
        positions = weights.positive
        if len(positions) == 0 or len(chosen) == 0 or len(self.listeners_) == 0:
            return np.full(len(chosen), -1, dtype=np.int64)
        excluded = self._listener_row(exclude_listener)
        scale = self._cosine_scale(excluded)
        shared = self._played_by(positions, excluded).T @ self._played_by(chosen, excluded)
        block = shared.toarray() * (weights.positive_weights * scale[positions])[:, None]
        # A track is not its own partner.
        block[positions[:, None] == chosen[None, :]] = 0.0
        best = np.argmax(block, axis=0)
        return np.where(block.max(axis=0) > 0, positions[best], -1)

    def _listener_row(self, listener: str | None) -> int:
        if listener is None:
            return -1
        return int(self.listener_index_.get_indexer([listener])[0])

    def _played_by(self, positions: np.ndarray, excluded: int) -> sparse.csc_matrix:
        """Binary listeners x ``positions`` matrix of who played each track, minus ``excluded``."""
        columns = self.matrix_csc_[:, positions]
        columns.data = np.where(columns.indices == excluded, 0.0, 1.0)
        columns.eliminate_zeros()
        return columns

    def _cosine_scale(self, excluded: int) -> np.ndarray:
        """1 / sqrt(listener count) per track, the excluded listener not counted.

        Without an exclusion (every web request) the array is computed once per model."""
        if excluded < 0:
            cached = self.__dict__.get("_cosine_scale_cache")
            if cached is None:
                cached = 1.0 / np.sqrt(np.maximum(self.track_listener_counts_, 1.0))
                self.__dict__["_cosine_scale_cache"] = cached.astype(np.float64)
            return self.__dict__["_cosine_scale_cache"]
        counts = self.track_listener_counts_.astype(np.float64)
        start, end = self.matrix_.indptr[excluded], self.matrix_.indptr[excluded + 1]
        counts[self.matrix_.indices[start:end]] -= 1.0
        return 1.0 / np.sqrt(np.maximum(counts, 1.0))

    def _damping(self) -> tuple[np.ndarray, np.ndarray]:
        """1 / listener count ** popularity_damping per track and per artist, computed once."""
        key = float(self.popularity_damping)
        cached = self.__dict__.get("_damping_cache")
        if cached is None or cached[0] != key:
            cached = (
                key,
                (np.maximum(self.track_listener_counts_, 1.0) ** -key).astype(np.float32),
                (np.maximum(self.artist_listener_counts_, 1.0) ** -key).astype(np.float32),
            )
            self.__dict__["_damping_cache"] = cached
        return cached[1], cached[2]


def _artist_codes(
    artist_ids: Sequence[int] | np.ndarray | None, n_tracks: int
) -> tuple[np.ndarray, int]:
    if artist_ids is None:
        # Without artists every track is its own "artist": artist overlap equals track overlap.
        return np.arange(n_tracks, dtype=np.int32), n_tracks
    artist_ids = np.asarray(artist_ids)
    if len(artist_ids) != n_tracks:
        raise ValueError("artist_ids must have one entry per catalogue track")
    codes, uniques = pd.factorize(artist_ids, sort=True)
    return codes.astype(np.int32), len(uniques)


def _signed_history(weights: TrackWeights) -> tuple[np.ndarray, np.ndarray]:
    """History positions with signed weights: pulls positive, pushes (skips) negative."""
    positions = np.concatenate([weights.positive, weights.negative]).astype(np.int64)
    signed = np.concatenate([weights.positive_weights, -weights.negative_weights])
    return positions, signed.astype(np.float64)


def _per_artist(codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unique, inverse = np.unique(codes, return_inverse=True)
    return unique, np.bincount(inverse, weights=weights).astype(np.float32)


def taste_vector(weights: TrackWeights, unit_features: np.ndarray) -> np.ndarray:
    """A history's taste: weighted mean direction of what pulls, minus ``SKIP_TASTE_SHARE`` of the
    weighted mean direction of what pushes; unit length, zeros for an empty history.

    ``unit_features`` is the catalogue's feature matrix with unit-length rows (``unit_rows``).
    """
    taste = np.zeros(unit_features.shape[1], dtype=np.float32)
    if len(weights.positive):
        pull = weights.positive_weights @ unit_features[weights.positive]
        taste += pull / weights.positive_weights.sum()
    if len(weights.negative):
        push = weights.negative_weights @ unit_features[weights.negative]
        taste -= SKIP_TASTE_SHARE * push / weights.negative_weights.sum()
    return unit_rows(taste[None, :])[0]


def _taste_vectors(
    positive: sparse.csr_matrix, negative: sparse.csr_matrix, unit_features: np.ndarray
) -> np.ndarray:
    pull_mass = np.asarray(positive.sum(axis=1)).ravel()
    push_mass = np.asarray(negative.sum(axis=1)).ravel()
    pull = np.asarray(positive @ unit_features) / np.maximum(pull_mass, 1e-9)[:, None]
    push = np.asarray(negative @ unit_features) / np.maximum(push_mass, 1e-9)[:, None]
    return unit_rows((pull - SKIP_TASTE_SHARE * push).astype(np.float32))


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (all-zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 1e-12)


def _row_norms(matrix: sparse.csr_matrix) -> np.ndarray:
    squared = matrix.multiply(matrix).sum(axis=1)
    return np.sqrt(np.asarray(squared, dtype=np.float32).ravel())


def _scale_to_unit(values: np.ndarray) -> np.ndarray:
    peak = float(values.max()) if len(values) else 0.0
    return values / peak if peak > 0 else values


def top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest values, largest first; equal values in position order."""
    k = min(k, len(values))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(values):
        # The k-th largest value; of the values equal to it, the earliest positions win.
        kth = np.partition(values, len(values) - k)[len(values) - k]
        above = np.flatnonzero(values > kth)
        ties = np.flatnonzero(values == kth)[: k - len(above)]
        candidates = np.concatenate([above, ties])
    else:
        candidates = np.arange(len(values))
    order = np.lexsort((candidates, -values[candidates]))
    return candidates[order]


def cover_groups(candidate_groups: np.ndarray, history_shares: np.ndarray, k: int) -> np.ndarray:
    """Indices of at most ``k`` candidates (ordered best first) covering the history's groups.

    Each group gets slots in proportion to its share of the history (largest remainder, so a
    31 % side taste gets about a third of five slots); a group's slots go to its best candidates.
    Slots no candidate can fill go to the best remaining candidates. The result keeps the
    candidates' order.
    """
    n = len(candidate_groups)
    if n <= k or not np.any(history_shares > 0):
        return np.arange(min(n, k))
    shares = history_shares / history_shares.sum()
    quotas = np.floor(shares * k).astype(int)
    by_remainder = np.argsort(-(shares * k - quotas), kind="stable")
    quotas[by_remainder[: k - int(quotas.sum())]] += 1
    chosen: list[int] = []
    for index, group in enumerate(candidate_groups):
        if 0 <= group < len(quotas) and quotas[group] > 0:
            quotas[group] -= 1
            chosen.append(index)
    taken = set(chosen)
    chosen += [i for i in range(n) if i not in taken][: k - len(chosen)]
    return np.sort(np.asarray(chosen[:k], dtype=np.int64))
