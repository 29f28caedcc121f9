"""Why a pick was made: two to four sentences per recommendation, at least two naming an item.

Reasons are built for the final k picks only, from the scoring terms that contributed most
(``ScoredRequest.terms``) and what the request knew (history, onboarding preferences, listeners
like you). A reason names a concrete item where it can (a track, an artist, a listener group, a
cluster): "popular" or "matches your taste" alone explains nothing, so ``CONCRETE_REASONS`` of
the ``REASONS_SHOWN`` must name one when enough exist. Only citable tracks are named (never one
by a banned artist).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ml.catalogue_index import CatalogueIndex, genre_slug
from ml.feedback import TrackWeights
from ml.listeners import CollaborativeSignal, ListenerModel, top_indices
from ml.moods import MOODS
from ml.recommendation import Preferences, Recommendation

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
# Terms that mean "listeners who played X also played this" (the reason names X).
CO_LISTENING_TERMS = ("listening_cooccurrence", "item_walk", "artist_walk", "artist_ease")


@dataclass
class ScoredRequest:
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


class ReasonWriter:
    """Writes the reasons of the chosen picks of one request over one catalogue index."""

    def __init__(self, index: CatalogueIndex, listeners: ListenerModel | None) -> None:
        self.index = index
        self.listeners = listeners

    def recommendations(
        self,
        chosen: np.ndarray,
        scored: ScoredRequest,
        citable: np.ndarray,
        explain: np.ndarray | None = None,
    ) -> list[Recommendation]:
        """One ``Recommendation`` per chosen position, in order, each with its reasons.

        ``explain`` (one flag per chosen position) limits the reasons to the flagged picks; the
        others come back without reasons or sources (a caller already showing them with theirs).
        """
        if explain is None:
            explain = np.ones(len(chosen), dtype=bool)
        context = self._context(chosen[explain], scored, citable)
        columns = np.cumsum(explain) - 1  # a flagged pick's column in the context arrays
        return [
            self._recommendation(int(position), scored, context, int(column))
            if flagged
            else self._unexplained(int(position), scored)
            for position, flagged, column in zip(chosen, explain, columns, strict=True)
        ]

    def _unexplained(self, position: int, scored: ScoredRequest) -> Recommendation:
        return Recommendation(
            track_id=str(self.index.ids[position]),
            score=float(scored.total[position]),
            reasons=(),
            cluster=self._cluster_label(position),
        )

    def _cluster_label(self, position: int) -> int:
        """The pick's cluster; -1 for density clustering's noise slot."""
        cluster = int(self.index.cluster[position])
        return -1 if cluster == self.index.noise_slot else cluster

    def _context(
        self, chosen: np.ndarray, scored: ScoredRequest, citable: np.ndarray
    ) -> dict[str, np.ndarray]:
        """What the reasons need, computed once for the chosen tracks (not once per track).

        Only ``citable`` history tracks are named; a partner that is not citable becomes -1.
        """
        index, weights = self.index, scored.weights
        context: dict[str, np.ndarray] = {}
        if len(weights.positive):
            # Liked tracks explain best; plays only when nothing liked was given.
            candidates = weights.liked if len(weights.liked) else weights.positive
            candidates = candidates[citable[candidates]]
            if len(candidates):
                similarity = index.unit[chosen] @ index.unit[candidates].T
                context["nearest"] = candidates[np.argmax(similarity, axis=1)]
            profile = weights.positive_weights @ index.audio_z[weights.positive]
            context["profile"] = profile / weights.positive_weights.sum()
        if scored.cooccurrence_rows is not None:
            block = scored.cooccurrence_rows[:, chosen].toarray()
            block[~citable[weights.positive]] = 0.0
            partner = weights.positive[np.argmax(block, axis=0)]
            context["partner"] = np.where(block.max(axis=0) > 0, partner, -1)
        elif scored.preferences is not None and not scored.preferences.is_empty:
            context["anchor"] = self._preference_anchors(chosen, scored.preferences)
        co_listening = set(CO_LISTENING_TERMS) & set(scored.terms)
        if co_listening and self.listeners is not None:
            partners = self.listeners.listening_partners(weights, chosen, scored.exclude_listener)
            context["co_listened"] = np.where(
                (partners >= 0) & citable[np.maximum(partners, 0)], partners, -1
            )
        return context

    def _preference_anchors(self, chosen: np.ndarray, preferences: Preferences) -> np.ndarray:
        """Per chosen track (cold start), the closest of the best-known tracks that fit the
        stated preferences, itself excluded; -1 when none fits."""
        index = self.index
        match = index.preference_match(preferences)
        if match is None or not match.any():
            return np.full(len(chosen), -1, dtype=np.int64)
        fitting = np.flatnonzero(match > 0)
        known = fitting[top_indices(index.popularity[fitting], ANCHOR_POOL)]
        similarity = index.unit[chosen] @ index.unit[known].T
        similarity[chosen[:, None] == known[None, :]] = -np.inf
        if similarity.shape[1] == 0:
            return np.full(len(chosen), -1, dtype=np.int64)
        return known[np.argmax(similarity, axis=1)]

    def _recommendation(
        self, position: int, scored: ScoredRequest, context: dict[str, np.ndarray], column: int
    ) -> Recommendation:
        sources = {
            name: float(values[position])
            for name, values in scored.terms.items()
            if float(values[position]) != 0.0
        }
        return Recommendation(
            track_id=str(self.index.ids[position]),
            score=float(scored.total[position]),
            reasons=self._reasons(position, scored, sources, context, column),
            cluster=self._cluster_label(position),
            sources=sources,
        )

    def _reasons(
        self,
        position: int,
        scored: ScoredRequest,
        sources: dict[str, float],
        context: dict[str, np.ndarray],
        column: int,
    ) -> tuple[str, ...]:
        ranked: list[tuple[float, str, bool]] = []  # strength, sentence, names a concrete item
        describe = self.index.describe
        artist_name = self.index.artist_names[position]

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
                add(0.012, f"Sounds like {describe(anchor)}, a favourite in your choices")
        if "partner" in context and sources.get("cooccurrence", 0) > REASON_MIN:
            partner = int(context["partner"][column])
            if partner >= 0:
                add(sources["cooccurrence"], f"Often on playlists with {describe(partner)}")
        co_listened = sum(sources.get(term, 0.0) for term in CO_LISTENING_TERMS)
        if "co_listened" in context and co_listened > REASON_MIN:
            partner = int(context["co_listened"][column])
            if partner >= 0:
                add(co_listened, f"Listeners who played {describe(partner)} also played this")
        if sources.get("collaborative", 0) > REASON_MIN:
            concrete = True
            if scored.collaborative.tracks[position] > 0.05:
                text, concrete = "Listeners like you play it", False
            else:
                text = f"Listeners like you play {artist_name}"
            if scored.mode == "seed":
                text, concrete = (
                    f"Listeners who play {describe(weights.positive[0])} also play it",
                    True,
                )
            elif scored.mode == "playlist":
                text, concrete = "Listeners who play this playlist's tracks play it too", False
            add(sources["collaborative"], text, concrete)
        if sources.get("artist", 0) > REASON_MIN:
            add(sources["artist"], f"More from {artist_name}, an artist you like")
        if sources.get("preference", 0) > REASON_MIN:
            for sentence in self._preference_reasons(position, scored.preferences):
                add(sources["preference"], sentence, sentence.startswith("By "))
        add(sources.get("cluster", 0.0) + 0.01, self._cluster_reason(position, scored))
        if "profile" in context:
            add(0.015, self._feature_reason(position, scored, context["profile"]), False)
        add(0.005, self._popularity_reason(position, scored.adventurousness), False)
        ranked.sort(key=lambda item: -item[0])
        return keep_concrete(ranked, REASONS_SHOWN, CONCRETE_REASONS)

    def _nearest_reason(self, nearest: int, scored: ScoredRequest) -> str:
        if scored.mode == "seed":
            return f"Sounds like {self.index.describe(nearest)}"
        if scored.mode == "playlist":
            return f"Fits next to {self.index.describe(nearest)} in this playlist"
        verb = "liked" if len(scored.weights.liked) else "played"
        return f"Because you {verb} {self.index.describe(nearest)}"

    def _preference_reasons(self, position: int, preferences: Preferences) -> list[str]:
        index = self.index
        sentences = []
        codes, sets = index.filter_index.genre_codes
        carried = sets[codes[position]]
        genre = next((g for g in preferences.genres if genre_slug(g) in carried), None)
        if genre:
            sentences.append(f"Fits your preferred genre: {genre_slug(genre)}")
        bits = int(index.filter_index.mood_bits[position])
        mood = next(
            (m for m in preferences.moods if m in MOODS and bits >> MOODS.index(m) & 1), None
        )
        if mood:
            sentences.append(f"Fits your mood: {mood}")
        artist_id = index.artist_values[index.artist[position]]
        if artist_id in set(preferences.artist_ids):
            sentences.append(f"By {index.artist_names[position]}, one of your chosen artists")
        return sentences

    def _cluster_reason(self, position: int, scored: ScoredRequest) -> str | None:
        slot = int(self.index.cluster[position])
        if slot == self.index.noise_slot:
            return None
        phrase = self.index.cluster_phrases[slot]
        share = scored.cluster_share
        if share.any() and share[slot] >= 0.2 * share.max():
            return f"Same cluster: {phrase}"
        if share.any() and scored.adventurousness >= 0.5:
            return f"Something new for you: {phrase}"
        return f"From {phrase}"

    def _feature_reason(
        self, position: int, scored: ScoredRequest, profile: np.ndarray
    ) -> str | None:
        index = self.index
        if not index.audio_names:
            return None
        track = index.audio_z[position]
        order = np.argsort(-np.abs(profile), kind="stable")
        words = []
        for column in order:
            if abs(profile[column]) < DISTINCTIVE_Z or len(words) == 2:
                break
            same_side = np.sign(track[column]) == np.sign(profile[column])
            if same_side and abs(track[column] - profile[column]) <= MATCH_Z:
                low, high = FEATURE_WORDS[index.audio_names[column]]
                words.append(high if profile[column] > 0 else low)
        if not words:
            return None
        subject = "this playlist" if scored.mode == "playlist" else "your taste"
        if scored.mode == "seed":
            subject = "the track you started from"
        return f"Matches {subject}: {' and '.join(words)}"

    def _popularity_reason(self, position: int, adventurousness: float) -> str:
        raw = round(float(self.index.popularity_raw[position]))
        percentile = self.index.popularity[position]
        if percentile >= 0.8:
            return f"Widely played (popularity {raw}/100)"
        if percentile <= 0.3 and adventurousness >= 0.5:
            return f"A lesser-known find (popularity {raw}/100)"
        return f"Popularity {raw}/100"


def keep_concrete(
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
