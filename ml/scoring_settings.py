"""The scoring settings the app serves, per context, with where each came from (issue #11).

A context is one way the app asks for tracks:

- ``history``: home recommendations from a listening history (``Recommender.recommend``);
- ``playlist``: playlist continuation / "suggest more" (``Recommender.continue_playlist``);
- ``seed``: seed radio, tracks like one track (``Recommender.similar_tracks``).

Each context carries overrides of ``ml.recommender.ScoringWeights`` fields (empty: the defaults)
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
from pathlib import Path
from typing import Any

CONTEXTS: tuple[str, ...] = ("history", "playlist", "seed")
DEFAULT_SOURCE = "defaults"
# The tuned settings shipped with the code; ``ml tune --out`` may write elsewhere.
SETTINGS_FILE = Path(__file__).with_name("scoring_settings.json")


def default_settings() -> dict[str, dict[str, Any]]:
    """Every context at ``ScoringWeights()`` defaults."""
    return {context: {"weights": {}, "source": DEFAULT_SOURCE} for context in CONTEXTS}


def normalise_settings(settings: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Fill missing contexts with defaults and check the shape; raise ValueError when broken.

    Field names are checked against ``ScoringWeights`` by ``Recommender`` (which owns them).
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
