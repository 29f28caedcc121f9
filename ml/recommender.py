"""Hybrid, explainable recommendations over a trained model bundle (docs/RECOMMENDER.md).

Every call scores the whole catalogue with a handful of vectorised terms, each in [0, 1] or
[-1, 1], blended with ``ScoringWeights``:

- content: cosine between a track and the listener's taste vector (``ml.listeners.taste_vector``:
  likes and favourites pull, skips push, everything fades with age), in the standardised feature
  space (never in UMAP space). Adventurousness caps it (the "distance band"): above the cap a closer
  track gains nothing, so other terms choose among tracks that are close enough.
- cluster: the share of the listener's taste that falls in the track's song cluster; adventurousness
  turns it around (0: stay in your clusters, 1: visit the others).
- collaborative: "listeners like you" (``ml.listeners.ListenerModel``), for a track and its artist.
- artist: artists the listener liked pull their other tracks, skipped artists push.
- cooccurrence: how often the track shares a curated playlist with the history's tracks.
- listening_cooccurrence: item-item "listeners who played X also played this", a cosine over the
  listener model's listening matrix (every listener, not only playlists), summed over the history.
- item_walk / artist_walk: the RP3beta random walk track -> listener -> track over the same
  matrix, and artist -> listener -> artist over its artist columns (``ml.item_walk``), off unless
  ``ml tune`` chose them for a context.
- artist_ease: EASE^R over the most-listened artists (``ml.artist_ease``, fitted at training),
  broadcast to each artist's tracks; off unless ``ml tune`` chose it.
- popularity: the catalogue percentile; favoured at adventurousness 0, penalised near 1.
- preference: onboarding genres/moods/artists; weighs double when there is no history (cold start).

Then hard filters (bans, exclusions, liked/heard/recently skipped tracks, the TrackFilter mask),
and a greedy MMR re-rank (``ml.rerank``) of the best few hundred with at most ``max_per_artist``
tracks per artist and one version of a song. Reasons (``ml.reasons``) are built for the final k
only, from the terms that contributed most. Nothing here loops over the catalogue in Python.
The per-track arrays all of this reads are built once per model (``ml.catalogue_index``).

Every public entry point takes ``exclude_listener``: offline evaluation keeps the evaluated
listener out of its own "listeners like you" and co-listening terms through the same path a user
gets (``ml.served_ranker``), so the harness never reaches into the scoring steps.

Over 400 lines on purpose: the scoring terms of ``_score`` read each other's intermediate
arrays (taste, preference match, history weights, the request's pull); the parts with their own
job (catalogue index, reasons, MMR, the dial's levers, the RP3beta walk) live in their modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ml.catalogue_index import CatalogueIndex
from ml.dial import explore, familiar_term, mmr_diversity, popularity_term
from ml.feedback import FeedbackWeights, TrackWeights, summarise_history
from ml.filters import TrackFilter
from ml.item_walk import ItemWalk
from ml.listeners import (
    CollaborativeSignal,
    ListenerMatch,
    ListenerModel,
    taste_vector,
    top_indices,
    unit_rows,
)
from ml.reasons import ReasonWriter, ScoredRequest
from ml.recommendation import Exclusions, Preferences, Recommendation, UnknownTrackError
from ml.rerank import mmr
from ml.scoring_settings import CONTEXTS, ScoringWeights, served_weights
from music.schema import HistoryEvent

# Terms that pull towards what the request knows (history, playlist, onboarding choices).
PULLING_TERMS: tuple[str, ...] = (
    "content",
    "collaborative",
    "artist",
    "cooccurrence",
    "listening_cooccurrence",
    "item_walk",
    "artist_walk",
    "artist_ease",
    "preference",
)
# Re-exported: callers name the request types and weights through the recommender.
__all__ = [
    "Exclusions",
    "Preferences",
    "Recommendation",
    "Recommender",
    "ScoringWeights",
    "UnknownTrackError",
    "served_weights",
]


class Recommender:
    """Scores the catalogue for a history, a playlist or a seed track; see the module docstring."""

    def __init__(
        self,
        tracks: pd.DataFrame,
        features: np.ndarray,
        cluster_names: Sequence[str],
        listeners: ListenerModel | None = None,
        cooccurrence: sparse.spmatrix | None = None,
        weights: ScoringWeights | None = None,
        feedback: FeedbackWeights | None = None,
        exclude_heard: bool = True,
        atlas: Any = None,
        context_weights: Mapping[str, ScoringWeights] | None = None,
    ) -> None:
        self.index = CatalogueIndex(tracks, features, cluster_names, atlas)
        self.tracks = self.index.tracks
        self.cluster_names = self.index.cluster_names
        self.weights = weights or ScoringWeights()
        # Per context ("history", "playlist", "seed"; ml.scoring_settings): the weights each
        # entry point scores and re-ranks with. Missing contexts use ``weights``.
        self.context_weights = {
            mode: context_weights.get(mode, self.weights) if context_weights else self.weights
            for mode in CONTEXTS
        }
        self.feedback = feedback or (listeners.feedback if listeners is not None else None)
        self.exclude_heard = exclude_heard
        self.listeners = listeners
        self._walk = self._artist_walk = None
        if listeners is not None:
            self._walk = ItemWalk(listeners.matrix_, listeners.matrix_csc_)
            self._artist_walk = ItemWalk(listeners.artist_matrix_, listeners.artist_matrix_csc_)
        self._reasons = ReasonWriter(self.index, listeners)
        self._cooccurrence = self._prepare_cooccurrence(cooccurrence, len(self.index))

    @classmethod
    def from_bundle(cls, bundle: Any, **options: Any) -> Recommender:
        """A recommender over a ``ml.artifact.ModelBundle`` (options go to ``__init__``).

        The scoring weights of every context come from the artifact (``bundle.scoring``, written
        by training from ``ml tune``'s settings): what the app serves is what was evaluated.
        Only the evaluation harness passes ``weights`` to try other settings on one model.
        """
        if "weights" not in options and "context_weights" not in options:
            served = served_weights(getattr(bundle, "scoring", None))
            options = {**options, "weights": served["history"], "context_weights": served}
        return cls(
            tracks=bundle.tracks,
            features=bundle.features,
            cluster_names=bundle.cluster_names,
            listeners=bundle.listeners,
            cooccurrence=bundle.cooccurrence,
            atlas=getattr(bundle, "atlas", None),
            **options,
        )

    def weights_for(self, mode: str) -> ScoringWeights:
        """The weights one context ("history", "playlist" or "seed") is served with."""
        return self.context_weights[mode]

    def _prepare_cooccurrence(
        self, cooccurrence: sparse.spmatrix | None, n: int
    ) -> sparse.csr_matrix | None:
        if cooccurrence is None or cooccurrence.nnz == 0:
            return None
        if cooccurrence.shape != (n, n):
            raise ValueError(f"cooccurrence must be {n} x {n}, got {cooccurrence.shape}")
        matrix = sparse.csr_matrix(cooccurrence, dtype=np.float32, copy=True)
        matrix.setdiag(0)
        matrix.eliminate_zeros()
        # Damp tracks that co-occur with everything (a hit on every playlist says little).
        degree = np.asarray((matrix > 0).sum(axis=0), dtype=np.float32).ravel()
        damping = np.maximum(degree, 1.0) ** -self.weights.cooccurrence_damping
        return sparse.csr_matrix(matrix @ sparse.diags(damping.astype(np.float32)))

    # ------------------------------------------------------------------ public API
    @property
    def n_tracks(self) -> int:
        return len(self.index)

    def recommend(
        self,
        history: Sequence[HistoryEvent],
        *,
        k: int = 20,
        preferences: Preferences | None = None,
        exclusions: Exclusions | None = None,
        track_filter: TrackFilter | None = None,
        adventurousness: float = 0.5,
        now: datetime | None = None,
        exclude_listener: str | None = None,
        unexplained: AbstractSet[str] = frozenset(),
    ) -> list[Recommendation]:
        """The best ``k`` tracks for a listener (see the module docstring).

        ``now`` anchors the recency decay; by default the newest event, so a replayed history
        gives the same list. ``exclude_listener`` (offline evaluation) keeps a stored listener
        out of its own neighbours and co-listening, as in ``relevance``. Picks in
        ``unexplained`` (a list the caller already shows, with its reasons) come back without
        reasons: writing them is most of a pick's cost.
        """
        weights = summarise_history(history, self.index.ids, now, self.feedback)
        scored = self._score(
            weights, preferences or Preferences(), adventurousness, "history", exclude_listener
        )
        allowed = self.index.allowed(exclusions, track_filter)
        allowed[weights.banned] = False
        allowed[weights.liked] = False
        allowed[weights.recently_skipped] = False
        if self.exclude_heard:
            allowed[weights.heard] = False
        citable = self.index.citable(exclusions)
        citable[weights.banned] = False
        return self._select(scored, allowed, k, citable, unexplained)

    def similar_tracks(
        self, track_id: str, *, k: int = 20, exclusions: Exclusions | None = None
    ) -> list[Recommendation]:
        """Tracks like one seed track (never the seed itself or another version of it)."""
        seed = self.index.position(track_id)
        weights = TrackWeights.from_positive(np.array([seed]))
        scored = self._score(weights, Preferences(), 0.0, "seed")
        allowed = self.index.allowed(exclusions, None)
        allowed[self.index.song == self.index.song[seed]] = False
        return self._select(scored, allowed, k, self.index.citable(exclusions))

    def continue_playlist(
        self,
        track_ids: Sequence[str],
        *,
        k: int = 20,
        exclusions: Exclusions | None = None,
        track_filter: TrackFilter | None = None,
        adventurousness: float = 0.5,
        exclude_listener: str | None = None,
    ) -> list[Recommendation]:
        """Tracks to add to a playlist; its last tracks weigh most (that is where it goes on).

        Unknown track ids are ignored; an empty playlist gets popular, diverse picks.
        ``exclude_listener`` is for offline evaluation, as in ``recommend``.
        """
        weights = self.playlist_weights(track_ids)
        scored = self._score(weights, Preferences(), adventurousness, "playlist", exclude_listener)
        allowed = self.index.allowed(exclusions, track_filter)
        allowed[weights.positive] = False
        return self._select(scored, allowed, k, self.index.citable(exclusions))

    def playlist_weights(self, track_ids: Sequence[str]) -> TrackWeights:
        """How ``continue_playlist`` weighs a playlist: a linear ramp from 1 (first track) to 2
        (last track); unknown ids are dropped."""
        positions = self.index.positions(track_ids)
        positions = positions[positions >= 0]
        ramp = np.linspace(0.5, 1.0, len(positions)) if len(positions) else np.zeros(0)
        return TrackWeights.from_positive(positions, ramp * 2)

    def listeners_like_you(
        self, history: Sequence[HistoryEvent], *, k: int = 5, now: datetime | None = None
    ) -> list[ListenerMatch]:
        """Stored listeners closest to this history (empty without a listener model)."""
        if self.listeners is None:
            return []
        weights = summarise_history(history, self.index.ids, now, self.feedback)
        taste = taste_vector(weights, self.index.unit)
        # Described by song cluster (what the user sees named), covering the user's clusters.
        return self.listeners.listeners_like_you(
            weights, k=k, taste=taste, track_groups=self.index.cluster
        )

    def relevance(
        self,
        weights: TrackWeights,
        *,
        preferences: Preferences | None = None,
        adventurousness: float = 0.5,
        exclude_listener: str | None = None,
        context: str = "history",
    ) -> np.ndarray:
        """The blended score of every track before filters and re-ranking (for evaluation).

        ``exclude_listener`` keeps one stored listener out of the collaborative signal and the
        listening co-occurrence (the playlist being evaluated must not be its own neighbour, nor
        link its own tracks). ``context`` picks whose served weights score (see ``weights_for``).
        """
        scored = self._score(
            weights, preferences or Preferences(), adventurousness, context, exclude_listener
        )
        return scored.total

    # ------------------------------------------------------------------ scoring
    def _score(
        self,
        weights: TrackWeights,
        preferences: Preferences,
        adventurousness: float,
        mode: str,
        exclude_listener: str | None = None,
    ) -> ScoredRequest:
        w = self.weights_for(mode)
        index = self.index
        a = float(np.clip(adventurousness, 0.0, 1.0))
        n = len(index)
        terms: dict[str, np.ndarray] = {}

        preference = index.preference_match(preferences)
        taste = taste_vector(weights, index.unit)
        cold = weights.is_empty
        if cold and preference is not None and preference.any():
            # Cold start: taste is the mean sound of what the listener said they like.
            taste = unit_rows(
                (index.similarity.weighted_sum(preference) / preference.sum())[None, :]
            )[0]
        closeness = index.similarity(taste) if taste.any() else None
        if closeness is not None:
            content = np.minimum(closeness, 1.0 - w.distance_band * a)
            content *= w.content
            terms["content"] = content

        share = self._cluster_share(weights, preference)
        if share.any():
            familiar = share / share.max()  # per cluster, then gathered once
            per_cluster = w.cluster * ((1.0 - a) * familiar + a * (1.0 - familiar))
            terms["cluster"] = per_cluster.astype(np.float32)[index.cluster]

        signal = CollaborativeSignal.none(n)
        if self.listeners is not None and len(weights.positive):
            signal = self.listeners.collaborative_signal(weights, exclude_listener)
            if signal.neighbours:
                terms["collaborative"] = (
                    w.collaborative * signal.tracks + w.collaborative_artist * signal.artists
                )

        artist = self._artist_affinity(weights)
        if artist is not None:
            terms["artist"] = w.artist * artist[index.artist]

        cooccurrence_rows = None
        if self._cooccurrence is not None and len(weights.positive):
            rows = cooccurrence_rows = self._cooccurrence[weights.positive]
            together = np.asarray(rows.T @ weights.positive_weights, dtype=np.float32).ravel()
            peak = together.max()
            if peak > 0:
                terms["cooccurrence"] = w.cooccurrence * together / peak

        if self.listeners is not None and w.listening_cooccurrence and not weights.is_empty:
            co_listened = self.listeners.listening_cooccurrence(
                weights, exclude_listener, locality=w.listening_locality
            )
            peak = np.abs(co_listened).max()
            if peak > 0:
                terms["listening_cooccurrence"] = w.listening_cooccurrence * co_listened / peak

        if self._walk is not None and w.item_walk and len(weights.positive):
            walked = self._walk.scores(
                weights.positive,
                weights.positive_weights,
                alpha=w.walk_alpha,
                beta=w.walk_beta,
                exclude_row=self._listener_row(exclude_listener),
            )
            peak = walked.max()
            if peak > 0:
                terms["item_walk"] = w.item_walk * walked / peak
        if self._artist_walk is not None and w.artist_walk and len(weights.positive):
            codes = self.listeners.artist_codes_
            artists, slot = np.unique(codes[weights.positive], return_inverse=True)
            walked = self._artist_walk.scores(
                artists,
                np.bincount(slot, weights=weights.positive_weights),
                alpha=w.walk_alpha,
                beta=w.artist_walk_beta,
                exclude_row=self._listener_row(exclude_listener),
            )
            peak = walked.max()
            if peak > 0:
                terms["artist_walk"] = (w.artist_walk * walked / peak)[codes]
        ease = getattr(self.listeners, "artist_ease_", None)  # older artifacts have none
        if ease is not None and w.artist_ease and len(weights.positive):
            terms.update(self._artist_ease_term(ease, weights, w, exclude_listener))

        if preference is not None:
            pull = w.cold_start_preference if cold else w.preference
            terms["preference"] = pull * preference

        # The dial's levers are shares of how strongly this request's own evidence pulls (the
        # peaks of the terms present): a full history and a cold start both keep their balance.
        reach = sum(float(np.abs(terms[name]).max()) for name in PULLING_TERMS if name in terms)
        terms["popularity"] = popularity_term(w, a, reach, index.popularity)
        if a < 0.5 and w.dial_closeness and closeness is not None:
            terms["familiar"] = familiar_term(w, a, reach, closeness)

        total = np.zeros(n, dtype=np.float32)
        for values in terms.values():
            np.add(total, values, out=total, casting="unsafe")
        return ScoredRequest(
            total,
            terms,
            weights,
            taste,
            share,
            a,
            preferences,
            signal,
            mode,
            cooccurrence_rows,
            exclude_listener,
        )

    def _artist_ease_term(
        self, ease: Any, weights: TrackWeights, w: ScoringWeights, exclude_listener: str | None
    ) -> dict[str, np.ndarray]:
        codes = self.listeners.artist_codes_
        artists, slot = np.unique(codes[weights.positive], return_inverse=True)
        row = self._listener_row(exclude_listener)
        excluded = None
        if row >= 0:
            matrix = self.listeners.artist_matrix_
            excluded = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        scored = ease.scores(artists, np.bincount(slot, weights=weights.positive_weights), excluded)
        peak = scored.max()
        return {"artist_ease": (w.artist_ease * scored / peak)[codes]} if peak > 0 else {}

    def _listener_row(self, listener: str | None) -> int:
        if listener is None or self.listeners is None:
            return -1
        return int(self.listeners.listener_index_.get_indexer([listener])[0])

    def _cluster_share(self, weights: TrackWeights, preference: np.ndarray | None) -> np.ndarray:
        index = self.index
        slots = index.n_cluster_slots
        if len(weights.positive):
            mass = np.bincount(
                index.cluster[weights.positive], weights=weights.positive_weights, minlength=slots
            )
            if len(weights.negative):
                push = np.bincount(
                    index.cluster[weights.negative],
                    weights=weights.negative_weights,
                    minlength=slots,
                )
                mass = np.clip(mass - 0.5 * push, 0.0, None)
        elif preference is not None:
            mass = np.bincount(index.cluster, weights=preference, minlength=slots)
        else:
            return np.zeros(slots)
        mass[-1] = 0.0  # noise is not a cluster one can be "in"
        total = mass.sum()
        return mass / total if total > 0 else mass

    def _artist_affinity(self, weights: TrackWeights) -> np.ndarray | None:
        if weights.is_empty:
            return None
        index = self.index
        n_artists = len(index.artist_values)
        pull = np.bincount(
            index.artist[weights.positive], weights=weights.positive_weights, minlength=n_artists
        )
        push = np.bincount(
            index.artist[weights.negative], weights=weights.negative_weights, minlength=n_artists
        )
        affinity = pull - push
        peak = np.abs(affinity).max()
        return (affinity / peak).astype(np.float32) if peak > 0 else None

    # ------------------------------------------------------------------ re-ranking
    def _select(
        self,
        scored: ScoredRequest,
        allowed: np.ndarray,
        k: int,
        citable: np.ndarray,
        unexplained: AbstractSet[str] = frozenset(),
    ) -> list[Recommendation]:
        if k <= 0 or not allowed.any():
            return []
        w = self.weights_for(scored.mode)
        total = np.where(allowed, scored.total, -np.inf)
        pool = top_indices(total, max(w.pool_size, 3 * k))
        pool = pool[np.isfinite(total[pool])]
        pool, scores = explore(pool, total[pool], scored, w)
        chosen = mmr(
            pool,
            scores,
            k,
            diversity=mmr_diversity(w, scored.adventurousness, scored.mode),
            unit=self.index.unit,
            artist=self.index.artist,
            song=self.index.song,
            max_per_artist=w.max_per_artist,
        )
        chosen = np.asarray(chosen, dtype=np.int64)
        explain = None
        if unexplained:
            explain = np.array([self.index.ids[p] not in unexplained for p in chosen], dtype=bool)
        return self._reasons.recommendations(chosen, scored, citable, explain)
