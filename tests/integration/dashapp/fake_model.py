"""A stand-in for the served model, so services and pages can be tested without training.

The stand-in recommender follows the contract of ``ml.recommender.Recommender.recommend`` in the
simplest honest way (catalogue order, exclusions honoured, two reasons each); the browser tests
use a really trained model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from dashapp.services.model_store import LoadedModel


@dataclass(frozen=True)
class FakeRecommendation:
    track_id: str
    score: float
    reasons: tuple[str, ...]
    cluster: int
    sources: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FakeMatch:
    listener: str
    similarity: float
    shared_tracks: int
    shared_artists: int
    cluster: int


class FakeRecommender:
    def __init__(self, tracks: pd.DataFrame) -> None:
        self.tracks = tracks
        self.calls: list[dict] = []

    def recommend(
        self,
        history,
        *,
        k=20,
        preferences=None,
        exclusions=None,
        track_filter=None,
        adventurousness=0.5,
        now=None,
        unexplained=frozenset(),
    ):
        self.calls.append(
            {
                "history": list(history),
                "preferences": preferences,
                "exclusions": exclusions,
                "adventurousness": adventurousness,
                "k": k,
            }
        )
        out = []
        for row in self.tracks.itertuples():
            if exclusions and (
                row.track_id in exclusions.track_ids or row.artist_id in exclusions.artist_ids
            ):
                continue
            out.append(
                FakeRecommendation(
                    row.track_id,
                    1.0 - len(out) / 100,
                    ()
                    if row.track_id in unexplained
                    else ("Because you like pop.", "It is upbeat."),
                    int(row.cluster),
                )
            )
            if len(out) == k:
                break
        return out

    def listeners_like_you(self, history, *, k=5):
        return [FakeMatch("7", 0.9, 3, 2, 1), FakeMatch("8", 0.5, 1, 1, 0)][:k]


@dataclass
class FakeBundle:
    tracks: pd.DataFrame
    cluster_names: list[str]


def fake_loaded_model(bundle: Any, recommender: Any, version: str = "test-v1") -> LoadedModel:
    """The store's own ``LoadedModel`` around stand-ins (so derived data is memoised as served)."""
    return LoadedModel(bundle, recommender, version, datetime(2026, 11, 28, tzinfo=UTC))
