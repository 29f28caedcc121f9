"""The scoring settings the app serves, per context, with where each came from (issue #11).

A context is one way the app asks for tracks:

- ``history``: home recommendations from a listening history (``Recommender.recommend``);
- ``playlist``: playlist continuation / "suggest more" (``Recommender.continue_playlist``);
- ``seed``: seed radio, tracks like one track (``Recommender.similar_tracks``).

Each context carries overrides of ``ScoringWeights`` fields (empty: the defaults)
and a ``source`` sentence ("defaults", or "tuned on <protocol> validation, seed S, <date>").
``flask ml tune`` chooses them on validation and writes them to ``SETTINGS_FILE`` (a small JSON
file committed with the code, since tuning reads offline data sets a deployed dyno does not have);
``ml train`` copies them into the artifact (``ModelBundle.scoring``), and
``Recommender.from_bundle`` reads them from there and from nowhere else. So what was evaluated is
what is served, and an artifact says which settings it serves.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

CONTEXTS: tuple[str, ...] = ("history", "playlist", "seed")
DEFAULT_SOURCE = "defaults"
# The tuned settings shipped with the code; ``ml tune --out`` may write elsewhere.
SETTINGS_FILE = Path(__file__).with_name("scoring_settings.json")


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
    # The RP3beta walk over everyone's listening (ml.item_walk), off unless ``ml tune`` picks it;
    # its transition exponent alpha and popularity penalty beta.
    item_walk: float = 0.0
    walk_alpha: float = 0.5
    walk_beta: float = 0.3
    # The same walk over artists (listener x artist), broadcast to each artist's tracks: two
    # playlists rarely share a recording but often share an artist.
    artist_walk: float = 0.0
    artist_walk_beta: float = 0.3
    # EASE^R over the most-listened artists (ml.artist_ease, fitted by ``ml train``), broadcast
    # to each artist's tracks; off unless ``ml tune`` picks it.
    artist_ease: float = 0.0
    popularity: float = 0.15
    # Extra popularity slope the adventurousness dial applies around its default of 0.5, as a
    # share of the summed weights of the history terms (content ... artist_walk).
    dial_popularity: float = 0.3
    # The dial's pull towards the taste below 0.5 (a share of the request's pull, like
    # dial_popularity) and its seeded shuffle of the shortlist above 0.5 (a share of the
    # shortlist's score spread at dial 1); both zero at 0.5. Chosen with bench/dial.py.
    dial_closeness: float = 0.5
    dial_exploration: float = 1.0
    preference: float = 0.5
    cold_start_preference: float = 1.0
    # Content cosine is capped at 1 - band * adventurousness (the distance band).
    distance_band: float = 0.5
    # MMR trade-off: lambda = diversity_min + diversity_span * adventurousness up to 0.5, half
    # that slope above (ml.dial.mmr_diversity).
    diversity_min: float = 0.1
    diversity_span: float = 0.4
    max_per_artist: int = 2
    pool_size: int = 300
    cooccurrence_damping: float = 0.3


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


def default_settings() -> dict[str, dict[str, Any]]:
    """Every context at ``ScoringWeights()`` defaults."""
    return {context: {"weights": {}, "source": DEFAULT_SOURCE} for context in CONTEXTS}


def normalise_settings(settings: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Fill missing contexts with defaults and check the shape; raise ValueError when broken.

    Field names are checked against ``ScoringWeights`` by ``served_weights``.
    """
    result = default_settings()
    for context, entry in (settings or {}).items():
        if context not in CONTEXTS:
            raise ValueError(f"unknown scoring context {context!r}; known: {', '.join(CONTEXTS)}")
        if not isinstance(entry, dict) or not isinstance(entry.get("weights", {}), dict):
            raise ValueError(f"scoring settings for {context!r} must be {{weights, source}}")
        weights = {str(k): float(v) for k, v in entry.get("weights", {}).items()}
        result[context] = {"weights": weights, "source": str(entry.get("source", DEFAULT_SOURCE))}
    return result


def read_settings(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, Any]]:
    """The settings in ``path`` (default ``SETTINGS_FILE``); defaults when the file is absent."""
    target = Path(path) if path is not None else SETTINGS_FILE
    try:
        return normalise_settings(json.loads(target.read_text()))
    except FileNotFoundError:
        return default_settings()


def write_settings(settings: dict[str, Any], path: str | os.PathLike[str] | None = None) -> Path:
    """Write ``settings`` (normalised) as sorted, indented JSON; return the path."""
    target = Path(path) if path is not None else SETTINGS_FILE
    text = json.dumps(normalise_settings(settings), indent=2, sort_keys=True) + "\n"
    target.write_text(text)
    return target
