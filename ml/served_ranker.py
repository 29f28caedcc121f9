"""Mixmap as a user gets it, behind the evaluation harness's ranker interface (issue #11).

``ServedMixmapRanker`` builds the recommender the way the web process does,
``Recommender.from_bundle`` reading the artifact's own ``scoring`` settings, and asks the public
entry point of the protocol's context: ``continue_playlist`` for playlists, ``recommend`` for
listening histories, with ``exclude_listener`` so the evaluated listener is not its own
neighbour. MMR diversity, the artist cap and the hard filters are therefore all in. The first
``SHOWN`` places are that list; deeper places (for Recall@50, R-precision and clicks) follow by
the same context's relevance, read from the same weights the public path reads, since nobody is
shown 500 tracks at once. ``ml.mixmap_ranker`` uses the same ranking for its re-ranked variants.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ml.feedback import summarise_history
from ml.protocols import Protocol, Query, TrainingData
from ml.recommender import Recommender
from ml.scoring_settings import normalise_settings
from music.schema import Exclusions, HistoryEvent, InteractionKind

# The recommender's default adventurousness (the slider starts there).
ADVENTUROUSNESS = 0.5
# How many places come from the shown list; the rest follow by relevance.
SHOWN = 50
# Events per history track are capped: a query weight of log1p(n) becomes n PLAY events.
MAX_EVENTS_PER_TRACK = 200
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def context_of(protocol: Protocol) -> str:
    """The serving context a protocol measures: playlists continue, Last.fm users have histories."""
    return "playlist" if protocol.target_label == "track" else "history"


def served_ranking(
    recommender: Recommender,
    track_ids: np.ndarray,
    query: Query,
    context: str,
    adventurousness: float = ADVENTUROUSNESS,
    shown: int = SHOWN,
) -> np.ndarray:
    """Scores whose order is the public path's list for ``query``, then relevance order."""
    exclusions = Exclusions(track_ids=frozenset(track_ids[query.excluded].tolist()))
    history_ids = track_ids[query.history].tolist()
    if context == "playlist":
        picks = recommender.continue_playlist(
            history_ids,
            k=shown,
            exclusions=exclusions,
            adventurousness=adventurousness,
            exclude_listener=query.listener_id,
        )
        weights = recommender.playlist_weights(history_ids)
    elif context == "history":
        history = history_events(history_ids, query.weights)
        picks = recommender.recommend(
            history,
            k=shown,
            exclusions=exclusions,
            adventurousness=adventurousness,
            exclude_listener=query.listener_id,
        )
        weights = summarise_history(history, recommender.index.ids, None, recommender.feedback)
    else:
        raise ValueError("context must be 'playlist' or 'history'")
    relevance = recommender.relevance(
        weights,
        adventurousness=adventurousness,
        exclude_listener=query.listener_id,
        context=context,
    ).astype(np.float64)
    positions = recommender.index.positions([r.track_id for r in picks])
    # Shown tracks first in their shown order, then the rest by relevance.
    ranked = relevance - (relevance.max() - relevance.min() + 1.0) * 2
    ranked[positions] = relevance.max() + 1.0 + np.arange(len(positions))[::-1]
    return ranked


class ServedMixmapRanker:
    """The artifact's settings through ``recommend``/``continue_playlist``."""

    name = "Mixmap as served"

    def __init__(self, context: str = "playlist", adventurousness: float = ADVENTUROUSNESS) -> None:
        if context not in ("playlist", "history"):
            raise ValueError("context must be 'playlist' or 'history'")
        self.context = context
        self.adventurousness = adventurousness

    @classmethod
    def on_bundle(
        cls,
        bundle: Any,
        data: TrainingData,
        scoring: dict[str, Any] | None,
        context: str,
        adventurousness: float = ADVENTUROUSNESS,
    ) -> ServedMixmapRanker:
        """An already trained model carrying ``scoring`` (as ``ml train`` would write it)."""
        ranker = cls(context, adventurousness)
        served = copy.copy(bundle)
        served.scoring = normalise_settings(scoring)
        ranker.bundle_ = served
        ranker.recommender_ = Recommender.from_bundle(served)
        ranker.track_ids_ = data.catalogue["track_id"].astype(str).to_numpy(dtype=object)
        ranker.sources_ = served.scoring
        return ranker

    def fit(self, data: TrainingData) -> ServedMixmapRanker:
        raise NotImplementedError("build it with ServedMixmapRanker.on_bundle(trained bundle)")

    def score(self, query: Query) -> np.ndarray:
        return served_ranking(
            self.recommender_, self.track_ids_, query, self.context, self.adventurousness
        )

    def describe(self) -> str:
        entry = self.sources_[self.context]
        changed = ", ".join(f"{k}={v:g}" for k, v in sorted(entry["weights"].items()))
        return f"{self.context} context: {changed or 'defaults'} ({entry['source']})"


def history_events(track_ids: list[str], weights: np.ndarray) -> list[HistoryEvent]:
    """A listening history whose ``summarise_history`` reading matches the query's weights.

    Plays add up and are compressed with log1p, so a weight w becomes round(expm1(w)) plays
    (at least one), all at one time so recency plays no part.
    """
    counts = np.clip(np.rint(np.expm1(np.asarray(weights, dtype=np.float64))), 1, None)
    counts = np.minimum(counts, MAX_EVENTS_PER_TRACK).astype(int)
    return [
        HistoryEvent(track_id, InteractionKind.PLAY, _EPOCH)
        for track_id, count in zip(track_ids, counts, strict=True)
        for _ in range(count)
    ]
