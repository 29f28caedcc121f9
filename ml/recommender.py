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
- popularity: the catalogue percentile; favoured at adventurousness 0, penalised near 1.
- preference: onboarding genres/moods/artists; weighs double when there is no history (cold start).

Then hard filters (bans, exclusions, liked/heard/recently skipped tracks, the TrackFilter mask),
and a greedy MMR re-rank (Carbonell & Goldstein 1998) of the best few hundred with at most
``max_per_artist`` tracks per artist and one version of a song. Reasons are built for the final k
only, from the terms that contributed most. Nothing here loops over the catalogue in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ml.feedback import FeedbackWeights, TrackWeights, summarise_history
from ml.filters import FilterIndex, TrackFilter
from ml.listeners import (
    CollaborativeSignal,
    ListenerMatch,
    ListenerModel,
    taste_vector,
    top_indices,
    unit_rows,
)
from ml.moods import MOODS, moods_mask
from ml.scoring_settings import CONTEXTS, normalise_settings
from music.schema import AUDIO_FEATURES, HistoryEvent

# Audio features a "matches your taste" reason may name, with words for low and high values.
FEATURE_WORDS: dict[str, tuple[str, str]] = {
    "danceability": ("low danceability", "danceable"),
    "energy": ("low energy", "high energy"),
    "valence": ("melancholic", "upbeat"),
    "acousticness": ("electric", "acoustic"),
    "instrumentalness": ("vocal", "instrumental"),
    "speechiness": ("sung", "speechy"),
    "tempo": ("slow tempo", "fast tempo"),
    "loudness": ("quiet", "loud"),
    "liveness": ("studio", "live"),
}
# A taste profile feature is "distinctive" beyond this many standard deviations from the
# catalogue mean, and a track "matches" it within this many.
DISTINCTIVE_Z = 0.5
MATCH_Z = 0.75
# A source must contribute at least this much to a score to be given as a reason.
REASON_MIN = 0.02
# Reasons shown per pick, and how many of them must name a concrete item (a track, an artist, a
# listener group, a cluster): "popular" or "matches your taste" alone explains nothing.
REASONS_SHOWN = 4
CONCRETE_REASONS = 2
# A cold-start pick is compared with this many best-known tracks that fit the preferences.
ANCHOR_POOL = 200


class UnknownTrackError(ValueError):
    """A track id that is not in the served model's catalogue."""


@dataclass(frozen=True)
class Preferences:
    """What a listener told us at onboarding (used most when there is no history yet)."""

    genres: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    artist_ids: tuple[int, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.genres or self.moods or self.artist_ids)


@dataclass(frozen=True)
class Exclusions:
    """Tracks and artists that must never be returned (bans, already rated, ...)."""

    track_ids: frozenset[str] = frozenset()
    artist_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Recommendation:
    track_id: str
    score: float
    reasons: tuple[str, ...]  # at least two human sentences, strongest first
    cluster: int
    sources: dict[str, float] = field(default_factory=dict)  # term -> weighted contribution


@dataclass(frozen=True)
class ScoringWeights:
    """Blend weights of the scoring terms and the re-rank settings (docs/RECOMMENDER.md)."""

    content: float = 1.0
    cluster: float = 0.3
    collaborative: float = 0.6
    collaborative_artist: float = 0.2
    artist: float = 0.3
    cooccurrence: float = 0.6
    # Same kind of evidence as ``cooccurrence``, from everyone's listening: the same default.
    listening_cooccurrence: float = 0.6
    # Exponent on each item-item cosine of that term (1: plain cosine; >1 favours strong links).
    listening_locality: float = 1.0
    popularity: float = 0.15
    # Extra popularity slope the adventurousness dial applies around its default of 0.5, as a
    # share of the summed weights of the history terms (content ... listening_cooccurrence).
    dial_popularity: float = 0.3
    preference: float = 0.5
    cold_start_preference: float = 1.0
    # Content cosine is capped at 1 - band * adventurousness (the distance band).
    distance_band: float = 0.5
    # MMR trade-off: lambda = diversity_min + diversity_span * adventurousness.
    diversity_min: float = 0.1
    diversity_span: float = 0.4
    max_per_artist: int = 2
    pool_size: int = 300
    cooccurrence_damping: float = 0.3


@dataclass
class _Scored:
    """One request's scores and what the reasons need to know about the request."""

    total: np.ndarray
    terms: dict[str, np.ndarray]
    weights: TrackWeights
    taste: np.ndarray
    cluster_share: np.ndarray  # per cluster slot, sums to 1 (or all 0)
    adventurousness: float
    preferences: Preferences
    collaborative: CollaborativeSignal
    mode: str  # "history", "playlist" or "seed"
    cooccurrence_rows: sparse.csr_matrix | None = None  # the history's rows of co-occurrence
    exclude_listener: str | None = None  # kept out of "listeners like you" and co-listening


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
        features = np.asarray(features, dtype=np.float32)
        if len(tracks) != len(features):
            raise ValueError("tracks and features must have one row per track")
        self.tracks = tracks.reset_index(drop=True)
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
        n = len(self.tracks)
        self._ids = pd.Index(self.tracks["track_id"].astype(str).to_numpy(dtype=object))
        self._unit = unit_rows(features)
        self.cluster_names = list(cluster_names)
        # "Name: 58 % reggaeton, 22 % latin" per cluster, from the cards training stored
        # (ml.cluster_cards); just the name for bundles without cards.
        self._cluster_phrases = [
            _cluster_phrase(name, atlas.card(i) if atlas is not None else None)
            for i, name in enumerate(self.cluster_names)
        ]
        labels = (
            self.tracks["cluster"].to_numpy(dtype=np.int64)
            if "cluster" in self.tracks.columns
            else np.full(n, -1, dtype=np.int64)
        )
        # Slot len(cluster_names) holds density clustering's noise label (-1).
        self._cluster = np.where(labels < 0, len(self.cluster_names), labels)
        self._n_cluster_slots = len(self.cluster_names) + 1
        artist_codes, self._artist_values = pd.factorize(
            self.tracks["artist_id"].to_numpy(), sort=True
        )
        self._artist = artist_codes.astype(np.int64)
        self._artist_index = pd.Index(self._artist_values)
        popularity = pd.to_numeric(self.tracks["popularity"], errors="coerce").fillna(0)
        self._popularity_raw = popularity.to_numpy(dtype=np.float64)
        self._popularity = popularity.rank(pct=True).to_numpy(dtype=np.float32)
        # One version of a song per list: same title (case-folded) by the same artist.
        song_keys = (
            self.tracks["name"].astype(str).str.casefold().str.strip()
            + "\x1f"
            + self.tracks["artist_id"].astype(str)
        )
        self._song = pd.factorize(song_keys)[0].astype(np.int64)
        self._names = self.tracks["name"].astype(str).to_numpy(dtype=object)
        self._artist_names = self.tracks["artist_name"].astype(str).to_numpy(dtype=object)
        self._audio_names = [name for name in AUDIO_FEATURES if name in self.tracks.columns]
        audio = self.tracks[self._audio_names].apply(pd.to_numeric, errors="coerce")
        audio = audio.fillna(audio.median()).to_numpy(dtype=np.float64)
        scale = audio.std(axis=0)
        self._audio_z = ((audio - audio.mean(axis=0)) / np.where(scale > 0, scale, 1)).astype(
            np.float32
        )
        self._filter_index = FilterIndex(self.tracks)
        # Build the genre and mood codes now (worker boot) rather than on some user's request.
        _ = self._filter_index.genre_codes, self._filter_index.mood_bits
        self._cooccurrence = self._prepare_cooccurrence(cooccurrence, n)

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
        return len(self._ids)

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
    ) -> list[Recommendation]:
        """The best ``k`` tracks for a listener (see the module docstring).

        ``now`` anchors the recency decay; by default the newest event, so a replayed history
        gives the same list. ``exclude_listener`` (offline evaluation only) keeps a stored
        listener out of its own neighbours, as in ``relevance``.
        """
        weights = summarise_history(history, self._ids, now, self.feedback)
        scored = self._score(
            weights, preferences or Preferences(), adventurousness, "history", exclude_listener
        )
        allowed = self._allowed(exclusions, track_filter)
        allowed[weights.banned] = False
        allowed[weights.liked] = False
        allowed[weights.recently_skipped] = False
        if self.exclude_heard:
            allowed[weights.heard] = False
        citable = self._citable(exclusions)
        citable[weights.banned] = False
        return self._select(scored, allowed, k, citable)

    def similar_tracks(
        self, track_id: str, *, k: int = 20, exclusions: Exclusions | None = None
    ) -> list[Recommendation]:
        """Tracks like one seed track (never the seed itself or another version of it)."""
        seed = self._position(track_id)
        weights = TrackWeights.from_positive(np.array([seed]))
        scored = self._score(weights, Preferences(), 0.0, "seed")
        allowed = self._allowed(exclusions, None)
        allowed[self._song == self._song[seed]] = False
        return self._select(scored, allowed, k, self._citable(exclusions))

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
        positions = self._ids.get_indexer(_as_objects(track_ids))
        positions = positions[positions >= 0]
        # Linear ramp from 1/2 (first track) to 1 (last track).
        ramp = np.linspace(0.5, 1.0, len(positions)) if len(positions) else np.zeros(0)
        weights = TrackWeights.from_positive(positions, ramp * 2)
        scored = self._score(weights, Preferences(), adventurousness, "playlist", exclude_listener)
        allowed = self._allowed(exclusions, track_filter)
        allowed[positions] = False
        return self._select(scored, allowed, k, self._citable(exclusions))

    def listeners_like_you(
        self, history: Sequence[HistoryEvent], *, k: int = 5, now: datetime | None = None
    ) -> list[ListenerMatch]:
        """Stored listeners closest to this history (empty without a listener model)."""
        if self.listeners is None:
            return []
        weights = summarise_history(history, self._ids, now, self.feedback)
        taste = taste_vector(weights, self._unit)
        # Described by song cluster (what the user sees named), covering the user's clusters.
        return self.listeners.listeners_like_you(
            weights, k=k, taste=taste, track_groups=self._cluster
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
    def _position(self, track_id: str) -> int:
        position = self._ids.get_indexer(_as_objects([str(track_id)]))[0]
        if position < 0:
            raise UnknownTrackError(f"track {track_id!r} is not in the current model's catalogue")
        return int(position)

    def _score(
        self,
        weights: TrackWeights,
        preferences: Preferences,
        adventurousness: float,
        mode: str,
        exclude_listener: str | None = None,
    ) -> _Scored:
        w = self.weights_for(mode)
        a = float(np.clip(adventurousness, 0.0, 1.0))
        n = self.n_tracks
        terms: dict[str, np.ndarray] = {}

        preference = self._preference_match(preferences)
        taste = taste_vector(weights, self._unit)
        cold = weights.is_empty
        if cold and preference is not None and preference.any():
            # Cold start: taste is the mean sound of what the listener said they like.
            taste = unit_rows((preference @ self._unit / preference.sum())[None, :])[0]
        if taste.any():
            content = self._unit @ taste
            np.minimum(content, 1.0 - w.distance_band * a, out=content)
            content *= w.content
            terms["content"] = content

        share = self._cluster_share(weights, preference)
        if share.any():
            familiar = share / share.max()  # per cluster, then gathered once
            per_cluster = w.cluster * ((1.0 - a) * familiar + a * (1.0 - familiar))
            terms["cluster"] = per_cluster.astype(np.float32)[self._cluster]

        signal = CollaborativeSignal.none(n)
        if self.listeners is not None and len(weights.positive):
            signal = self.listeners.collaborative_signal(weights, exclude_listener)
            if signal.neighbours:
                terms["collaborative"] = (
                    w.collaborative * signal.tracks + w.collaborative_artist * signal.artists
                )

        artist = self._artist_affinity(weights)
        if artist is not None:
            terms["artist"] = w.artist * artist[self._artist]

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

        # 1 at adventurousness 0, 0 at 2/3, -1/2 at 1: popular first when playing safe, the
        # long tail first when exploring.
        terms["popularity"] = w.popularity * (1.0 - 1.5 * a) * self._popularity
        # The dial's own popularity lever (issue #11, bench/dial.py): zero at the default 0.5 (so
        # the settings tuned there keep their meaning), favouring the head below it and the long
        # tail above it, linearly, so popularity and distance move monotonically with the dial.
        # Relative to the weight of the terms that pull towards the history, so the dial keeps
        # its reach whatever weights ``ml tune`` chose (tuned history weights are ~3x defaults).
        reach = (
            w.content
            + w.collaborative
            + w.collaborative_artist
            + w.artist
            + w.cooccurrence
            + w.listening_cooccurrence
        )
        lever = w.dial_popularity * reach * (1.0 - 2.0 * a)
        terms["popularity"] += lever * (self._popularity - 0.5)

        if preference is not None:
            pull = w.cold_start_preference if cold else w.preference
            terms["preference"] = pull * preference

        total = np.zeros(n, dtype=np.float32)
        for values in terms.values():
            np.add(total, values, out=total, casting="unsafe")
        return _Scored(
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

    def _preference_match(self, preferences: Preferences) -> np.ndarray | None:
        """Per track, the share of stated preference kinds (genre, mood, artist) it fits."""
        if preferences.is_empty:
            return None
        parts = []
        if preferences.genres:
            wanted = {_slug(genre) for genre in preferences.genres}
            codes, sets = self._filter_index.genre_codes
            per_set = np.array([bool(wanted & s) for s in sets], dtype=bool)
            parts.append(per_set[codes] if len(codes) else np.zeros(0, bool))
        moods = tuple(m for m in preferences.moods if m in MOODS)
        if moods:
            parts.append((self._filter_index.mood_bits & np.uint16(moods_mask(moods))) != 0)
        if preferences.artist_ids:
            chosen = np.zeros(len(self._artist_values), dtype=bool)
            codes = self._artist_index.get_indexer(list(preferences.artist_ids))
            chosen[codes[codes >= 0]] = True
            parts.append(chosen[self._artist])
        if not parts:
            return None
        return (np.sum(parts, axis=0) / len(parts)).astype(np.float32)

    def _cluster_share(self, weights: TrackWeights, preference: np.ndarray | None) -> np.ndarray:
        slots = self._n_cluster_slots
        if len(weights.positive):
            mass = np.bincount(
                self._cluster[weights.positive], weights=weights.positive_weights, minlength=slots
            )
            if len(weights.negative):
                push = np.bincount(
                    self._cluster[weights.negative],
                    weights=weights.negative_weights,
                    minlength=slots,
                )
                mass = np.clip(mass - 0.5 * push, 0.0, None)
        elif preference is not None:
            mass = np.bincount(self._cluster, weights=preference, minlength=slots)
        else:
            return np.zeros(slots)
        mass[-1] = 0.0  # noise is not a cluster one can be "in"
        total = mass.sum()
        return mass / total if total > 0 else mass

    def _artist_affinity(self, weights: TrackWeights) -> np.ndarray | None:
        if weights.is_empty:
            return None
        n_artists = len(self._artist_values)
        pull = np.bincount(
            self._artist[weights.positive], weights=weights.positive_weights, minlength=n_artists
        )
        push = np.bincount(
            self._artist[weights.negative], weights=weights.negative_weights, minlength=n_artists
        )
        affinity = pull - push
        peak = np.abs(affinity).max()
        return (affinity / peak).astype(np.float32) if peak > 0 else None

    def _allowed(
        self, exclusions: Exclusions | None, track_filter: TrackFilter | None
    ) -> np.ndarray:
        allowed = np.ones(self.n_tracks, dtype=bool)
        if track_filter is not None and not track_filter.is_empty:
            allowed &= track_filter.mask(self._filter_index)
        if exclusions is not None:
            if exclusions.track_ids:
                positions = self._ids.get_indexer(_as_objects(sorted(exclusions.track_ids)))
                allowed[positions[positions >= 0]] = False
            if exclusions.artist_ids:
                banned = np.zeros(len(self._artist_values), dtype=bool)
                codes = self._artist_index.get_indexer(list(exclusions.artist_ids))
                banned[codes[codes >= 0]] = True
                allowed &= ~banned[self._artist]
        return allowed

    def _citable(self, exclusions: Exclusions | None) -> np.ndarray:
        """Tracks a reason may name: never one by a banned artist ("Because you liked X by
        <banned>" reads as if the ban were ignored). Excluded track ids are not used: they also
        hold rated tracks, which are the best explanations."""
        artists = Exclusions(artist_ids=exclusions.artist_ids) if exclusions is not None else None
        return self._allowed(artists, None)

    # ------------------------------------------------------------------ re-ranking
    def _select(
        self, scored: _Scored, allowed: np.ndarray, k: int, citable: np.ndarray | None = None
    ) -> list[Recommendation]:
        if k <= 0 or not allowed.any():
            return []
        total = np.where(allowed, scored.total, -np.inf)
        pool = top_indices(total, max(self.weights_for(scored.mode).pool_size, 3 * k))
        pool = pool[np.isfinite(total[pool])]
        chosen = np.asarray(
            self._mmr(pool, total[pool], k, scored.adventurousness, scored.mode), dtype=np.int64
        )
        if citable is None:  # callers without bans (the evaluation harness) may name any track
            citable = np.ones(self.n_tracks, dtype=bool)
        context = self._reason_context(chosen, scored, citable)
        return [
            self._recommendation(int(position), scored, context, column)
            for column, position in enumerate(chosen)
        ]

    def _reason_context(
        self, chosen: np.ndarray, scored: _Scored, citable: np.ndarray
    ) -> dict[str, np.ndarray]:
        """What the reasons need, computed once for the chosen tracks (not once per track).

        Only ``citable`` history tracks are named; a partner that is not citable becomes -1.
        """
        weights = scored.weights
        context: dict[str, np.ndarray] = {}
        if len(weights.positive):
            # Liked tracks explain best; plays only when nothing liked was given.
            candidates = weights.liked if len(weights.liked) else weights.positive
            candidates = candidates[citable[candidates]]
            if len(candidates):
                similarity = self._unit[chosen] @ self._unit[candidates].T
                context["nearest"] = candidates[np.argmax(similarity, axis=1)]
            profile = weights.positive_weights @ self._audio_z[weights.positive]
            context["profile"] = profile / weights.positive_weights.sum()
        if scored.cooccurrence_rows is not None:
            block = scored.cooccurrence_rows[:, chosen].toarray()
            block[~citable[weights.positive]] = 0.0
            partner = weights.positive[np.argmax(block, axis=0)]
            context["partner"] = np.where(block.max(axis=0) > 0, partner, -1)
        elif scored.preferences is not None and not scored.preferences.is_empty:
            context["anchor"] = self._preference_anchors(chosen, scored.preferences)
        if "listening_cooccurrence" in scored.terms and self.listeners is not None:
            partners = self.listeners.listening_partners(weights, chosen, scored.exclude_listener)
            context["co_listened"] = np.where(
                (partners >= 0) & citable[np.maximum(partners, 0)], partners, -1
            )
        return context

    def _preference_anchors(self, chosen: np.ndarray, preferences: Preferences) -> np.ndarray:
        """Per chosen track (cold start), the closest of the best-known tracks that fit the
        stated preferences, itself excluded; -1 when none fits."""
        match = self._preference_match(preferences)
        if match is None or not match.any():
            return np.full(len(chosen), -1, dtype=np.int64)
        fitting = np.flatnonzero(match > 0)
        known = fitting[top_indices(self._popularity[fitting], ANCHOR_POOL)]
        similarity = self._unit[chosen] @ self._unit[known].T
        similarity[chosen[:, None] == known[None, :]] = -np.inf
        if similarity.shape[1] == 0:
            return np.full(len(chosen), -1, dtype=np.int64)
        return known[np.argmax(similarity, axis=1)]

    def _mmr(
        self, pool: np.ndarray, scores: np.ndarray, k: int, adventurousness: float, mode: str
    ) -> list[int]:
        """Greedy maximal marginal relevance over ``pool`` (sorted best first)."""
        w = self.weights_for(mode)
        spread = scores[0] - scores[-1] if len(scores) else 0.0
        relevance = (scores - scores[-1]) / spread if spread > 0 else np.ones(len(scores))
        diversity = w.diversity_min + (0 if mode == "seed" else w.diversity_span * adventurousness)
        vectors = self._unit[pool]
        closest = np.zeros(len(pool), dtype=np.float32)
        open_ = np.ones(len(pool), dtype=bool)
        artists = self._artist[pool]
        songs = self._song[pool]
        per_artist: dict[int, int] = {}
        chosen: list[int] = []
        while len(chosen) < k and open_.any():
            value = (1.0 - diversity) * relevance - diversity * closest
            value = np.where(open_, value, -np.inf)
            best = int(np.argmax(value))  # ties: the earlier, i.e. better-scored, track
            chosen.append(int(pool[best]))
            open_ &= songs != songs[best]
            artist = int(artists[best])
            per_artist[artist] = per_artist.get(artist, 0) + 1
            if per_artist[artist] >= w.max_per_artist:
                open_ &= artists != artist
            closest = np.maximum(closest, vectors @ vectors[best])
        return chosen

    # ------------------------------------------------------------------ reasons
    def _recommendation(
        self, position: int, scored: _Scored, context: dict[str, np.ndarray], column: int
    ) -> Recommendation:
        sources = {
            name: float(values[position])
            for name, values in scored.terms.items()
            if float(values[position]) != 0.0
        }
        cluster = int(self._cluster[position])
        label = -1 if cluster == len(self.cluster_names) else cluster
        return Recommendation(
            track_id=str(self._ids[position]),
            score=float(scored.total[position]),
            reasons=self._reasons(position, scored, sources, context, column),
            cluster=label,
            sources=sources,
        )

    def _reasons(
        self,
        position: int,
        scored: _Scored,
        sources: dict[str, float],
        context: dict[str, np.ndarray],
        column: int,
    ) -> tuple[str, ...]:
        ranked: list[tuple[float, str, bool]] = []  # strength, sentence, names a concrete item

        def add(strength: float, sentence: str | None, concrete: bool = True) -> None:
            if sentence and sentence not in (text for _, text, _ in ranked):
                ranked.append((strength, sentence, concrete))

        weights = scored.weights
        if "nearest" in context:
            # Always offered (a concrete track the pick sounds closest to); it leads only when
            # the content term contributed.
            add(
                max(sources.get("content", 0.0), 0.012),
                self._nearest_reason(int(context["nearest"][column]), scored),
            )
        elif "anchor" in context:
            anchor = int(context["anchor"][column])
            if anchor >= 0:
                add(0.012, f"Sounds like {self._describe(anchor)}, a favourite in your choices")
        if "partner" in context and sources.get("cooccurrence", 0) > REASON_MIN:
            partner = int(context["partner"][column])
            if partner >= 0:
                add(sources["cooccurrence"], f"Often on playlists with {self._describe(partner)}")
        if "co_listened" in context and sources.get("listening_cooccurrence", 0) > REASON_MIN:
            partner = int(context["co_listened"][column])
            if partner >= 0:
                add(
                    sources["listening_cooccurrence"],
                    f"Listeners who played {self._describe(partner)} also played this",
                )
        if sources.get("collaborative", 0) > REASON_MIN:
            concrete = True
            if scored.collaborative.tracks[position] > 0.05:
                text, concrete = "Listeners like you play it", False
            else:
                text = f"Listeners like you play {self._artist_names[position]}"
            if scored.mode == "seed":
                text, concrete = (
                    f"Listeners who play {self._describe(weights.positive[0])} also play it",
                    True,
                )
            elif scored.mode == "playlist":
                text, concrete = "Listeners who play this playlist's tracks play it too", False
            add(sources["collaborative"], text, concrete)
        if sources.get("artist", 0) > REASON_MIN:
            add(sources["artist"], f"More from {self._artist_names[position]}, an artist you like")
        if sources.get("preference", 0) > REASON_MIN:
            for sentence in self._preference_reasons(position, scored.preferences):
                add(sources["preference"], sentence, sentence.startswith("By "))
        add(sources.get("cluster", 0.0) + 0.01, self._cluster_reason(position, scored))
        if "profile" in context:
            add(0.015, self._feature_reason(position, scored, context["profile"]), False)
        add(0.005, self._popularity_reason(position, scored.adventurousness), False)
        ranked.sort(key=lambda item: -item[0])
        return _keep_concrete(ranked, REASONS_SHOWN, CONCRETE_REASONS)

    def _describe(self, position: int) -> str:
        return f"{self._names[position]} by {self._artist_names[position]}"

    def _nearest_reason(self, nearest: int, scored: _Scored) -> str:
        if scored.mode == "seed":
            return f"Sounds like {self._describe(nearest)}"
        if scored.mode == "playlist":
            return f"Fits next to {self._describe(nearest)} in this playlist"
        verb = "liked" if len(scored.weights.liked) else "played"
        return f"Because you {verb} {self._describe(nearest)}"

    def _preference_reasons(self, position: int, preferences: Preferences) -> list[str]:
        sentences = []
        codes, sets = self._filter_index.genre_codes
        carried = sets[codes[position]]
        genre = next((g for g in preferences.genres if _slug(g) in carried), None)
        if genre:
            sentences.append(f"Fits your preferred genre: {_slug(genre)}")
        bits = int(self._filter_index.mood_bits[position])
        mood = next(
            (m for m in preferences.moods if m in MOODS and bits >> MOODS.index(m) & 1), None
        )
        if mood:
            sentences.append(f"Fits your mood: {mood}")
        artist_id = self._artist_values[self._artist[position]]
        if artist_id in set(preferences.artist_ids):
            sentences.append(f"By {self._artist_names[position]}, one of your chosen artists")
        return sentences

    def _cluster_reason(self, position: int, scored: _Scored) -> str | None:
        slot = int(self._cluster[position])
        if slot == len(self.cluster_names):
            return None
        phrase = self._cluster_phrases[slot]
        share = scored.cluster_share
        if share.any() and share[slot] >= 0.2 * share.max():
            return f"Same cluster: {phrase}"
        if share.any() and scored.adventurousness >= 0.5:
            return f"Something new for you: {phrase}"
        return f"From {phrase}"

    def _feature_reason(self, position: int, scored: _Scored, profile: np.ndarray) -> str | None:
        if not self._audio_names:
            return None
        track = self._audio_z[position]
        order = np.argsort(-np.abs(profile), kind="stable")
        words = []
        for column in order:
            if abs(profile[column]) < DISTINCTIVE_Z or len(words) == 2:
                break
            same_side = np.sign(track[column]) == np.sign(profile[column])
            if same_side and abs(track[column] - profile[column]) <= MATCH_Z:
                low, high = FEATURE_WORDS[self._audio_names[column]]
                words.append(high if profile[column] > 0 else low)
        if not words:
            return None
        subject = "this playlist" if scored.mode == "playlist" else "your taste"
        if scored.mode == "seed":
            subject = "the track you started from"
        return f"Matches {subject}: {' and '.join(words)}"

    def _popularity_reason(self, position: int, adventurousness: float) -> str:
        raw = round(float(self._popularity_raw[position]))
        percentile = self._popularity[position]
        if percentile >= 0.8:
            return f"Widely played (popularity {raw}/100)"
        if percentile <= 0.3 and adventurousness >= 0.5:
            return f"A lesser-known find (popularity {raw}/100)"
        return f"Popularity {raw}/100"


def _cluster_phrase(name: str, card: Any) -> str:
    """``"Latin Pop & Reggaeton: 58 % reggaeton, 22 % latin"``: the name and what is in it."""
    summary = card.genre_summary() if card is not None else ""
    return f"{name}: {summary}" if summary else name


def _keep_concrete(
    ranked: list[tuple[float, str, bool]], shown: int, concrete: int
) -> tuple[str, ...]:
    """The strongest ``shown`` reasons, with weaker concrete ones swapped in for the weakest
    vague ones until ``concrete`` of them name an item (when enough exist)."""
    kept = ranked[:shown]
    spare = [item for item in ranked[shown:] if item[2]]
    while sum(item[2] for item in kept) < concrete and spare:
        vague = [i for i, item in enumerate(kept) if not item[2]]
        if not vague:
            break
        kept[vague[-1]] = spare.pop(0)
    kept.sort(key=lambda item: -item[0])
    return tuple(sentence for _, sentence, _ in kept)


def served_weights(scoring: Mapping[str, Any] | None) -> dict[str, ScoringWeights]:
    """``ScoringWeights`` per context from an artifact's ``scoring`` settings (None: defaults).

    An unknown field name is refused rather than ignored: a setting that silently did nothing
    would break "served = evaluated".
    """
    known = {f.name for f in fields(ScoringWeights)}
    result = {}
    for context, entry in normalise_settings(dict(scoring or {})).items():
        unknown = sorted(set(entry["weights"]) - known)
        if unknown:
            raise ValueError(f"unknown scoring weights for {context!r}: {', '.join(unknown)}")
        overrides: dict[str, Any] = dict(entry["weights"])
        for name in ("max_per_artist", "pool_size"):  # counts, not blend weights
            if name in overrides:
                overrides[name] = int(overrides[name])
        result[context] = replace(ScoringWeights(), **overrides)
    return result


def _as_objects(values: Sequence[str]) -> np.ndarray:
    # A NumPy object array: pandas 3 looks these up in a string Index ~100x faster than an
    # object-dtype Index target.
    return np.asarray([str(value) for value in values], dtype=object)


def _slug(genre: str) -> str:
    # The same normalisation as music.schema.genre_slug on both sides of "rock/hard rock".
    return "/".join(" ".join(part.casefold().split()) for part in str(genre).split("/", 1))
