"""What's in a cluster: the card Explore shows and reasons quote, computed once at training time.

A card holds the cluster's true name (``ml.cluster_names``), its family, its size, the genre
labels its members carry with their shares, its most frequent artists and the 10th / 50th / 90th
percentiles of the audio features people read (energy, danceability, ...). Everything is plain
Python data so the bundle pickles it and the web process reads it without recomputing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.cluster_names import NamedGroup, TermTable, display_term

CARD_GENRES = 5
CARD_ARTISTS = 5
CARD_FEATURES: tuple[str, ...] = (
    "energy",
    "danceability",
    "valence",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "tempo",
)


@dataclass(frozen=True)
class ClusterCard:
    cluster: int
    name: str
    family: int
    family_name: str
    size: int
    share: float  # of the catalogue
    coverage: float  # share of members the name is true of
    rule: str  # how the name was chosen: "genre", "genres", "family" or "sound"
    top_genres: tuple[tuple[str, float], ...]  # (display name, share of members carrying it)
    top_artists: tuple[tuple[str, int], ...]  # (artist, tracks)
    feature_ranges: dict[str, tuple[float, float, float]]  # p10, median, p90

    def genre_summary(self, limit: int = 3) -> str:
        """``"58 % reggaeton, 22 % latin"``: what the reasons quote."""
        return ", ".join(f"{share * 100:.0f} % {name}" for name, share in self.top_genres[:limit])


@dataclass(frozen=True)
class FamilyCard:
    family: int
    name: str
    size: int
    coverage: float
    rule: str
    clusters: tuple[int, ...]
    top_genres: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ClusterAtlas:
    """Families, their clusters and a card for each; ``family_of[c]`` is cluster c's family."""

    families: tuple[FamilyCard, ...]
    cards: tuple[ClusterCard, ...]
    family_of: np.ndarray

    def card(self, cluster: int) -> ClusterCard | None:
        return self.cards[cluster] if 0 <= cluster < len(self.cards) else None

    def coverage_summary(self) -> dict[str, float]:
        coverage = [card.coverage for card in self.cards]
        return {
            "name_coverage_median": float(np.median(coverage)) if coverage else 0.0,
            "name_coverage_min": float(np.min(coverage)) if coverage else 0.0,
        }


def build_atlas(
    tracks: pd.DataFrame,
    labels: np.ndarray,
    family_of: np.ndarray,
    names: Sequence[NamedGroup],
    family_names: Sequence[NamedGroup],
    table: TermTable | None = None,
) -> ClusterAtlas:
    """Cards for every cluster and family of ``labels`` (noise, -1, is in no card)."""
    table = table or TermTable.build(tracks)
    labels = np.asarray(labels)
    n = max(len(labels), 1)
    labelled = [i for i, term in enumerate(table.terms) if not term.startswith("~")]
    artists = tracks["artist_name"].astype(str).to_numpy(dtype=object)
    numeric = {
        column: pd.to_numeric(tracks[column], errors="coerce").to_numpy(dtype=np.float64)
        for column in CARD_FEATURES
        if column in tracks.columns
    }
    cards = []
    for cluster, named in enumerate(names):
        members = labels == cluster
        size = int(members.sum())
        family = int(family_of[cluster])
        cards.append(
            ClusterCard(
                cluster=cluster,
                name=named.name,
                family=family,
                family_name=family_names[family].name,
                size=size,
                share=size / n,
                coverage=round(named.coverage, 4),
                rule=named.rule,
                top_genres=_top_genres(table, members, labelled),
                top_artists=_top_artists(artists[members]),
                feature_ranges={
                    column: _percentiles(values[members]) for column, values in numeric.items()
                },
            )
        )
    families = []
    track_family = np.where(labels >= 0, np.asarray(family_of)[np.maximum(labels, 0)], -1)
    for family, named in enumerate(family_names):
        members = track_family == family
        families.append(
            FamilyCard(
                family=family,
                name=named.name,
                size=int(members.sum()),
                coverage=round(named.coverage, 4),
                rule=named.rule,
                clusters=tuple(int(c) for c in np.flatnonzero(np.asarray(family_of) == family)),
                top_genres=_top_genres(table, members, labelled),
            )
        )
    return ClusterAtlas(tuple(families), tuple(cards), np.asarray(family_of, dtype=np.int32))


def _top_genres(
    table: TermTable, members: np.ndarray, labelled: list[int]
) -> tuple[tuple[str, float], ...]:
    size = int(members.sum())
    if not size or not labelled:
        return ()
    counts = table.counts(members)[labelled]
    order = np.argsort(-counts, kind="stable")[:CARD_GENRES]
    return tuple(
        (display_term(table.terms[labelled[i]]), round(float(counts[i]) / size, 4))
        for i in order
        if counts[i] > 0
    )


def _top_artists(names: np.ndarray) -> tuple[tuple[str, int], ...]:
    if not len(names):
        return ()
    counts = pd.Series(names).value_counts().head(CARD_ARTISTS)
    return tuple((str(name), int(count)) for name, count in counts.items())


def _percentiles(values: np.ndarray) -> tuple[float, float, float]:
    values = values[np.isfinite(values)]
    if not len(values):
        return (float("nan"),) * 3
    low, mid, high = np.percentile(values, [10, 50, 90])
    return (round(float(low), 3), round(float(mid), 3), round(float(high), 3))
