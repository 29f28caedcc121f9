"""``ml tune``: choose the served scoring settings per context on validation (issue #11).

Each protocol measures one serving context (``ml.served_ranker.context_of``): the playlist protocol
the ``playlist`` context ("suggest more"), the Last.fm protocol the ``history`` context (home
recommendations from a listening history). Mixmap is trained once per protocol on its training
rows and its weight grid tried on the validation listeners only (``ml.mixmap_ranker.tune_mixmap``);
the winner becomes that context's settings with a source sentence saying so. Seed radio has no
protocol of its own, so it borrows the playlist context's choice and says that too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ml.evaluation import TUNING_METRIC, sample_listeners
from ml.mixmap_ranker import MIXMAP_GRID, RERANK_CAPS, MixmapRanker, tune_mixmap
from ml.protocols import Protocol
from ml.scoring_settings import default_settings
from ml.served_ranker import context_of


def tune_scoring_settings(
    protocols: Sequence[Protocol],
    *,
    seed: int = 0,
    sample: int | None = None,
    grid: Sequence[dict[str, float]] = MIXMAP_GRID,
    rerank_caps: Sequence[int] = RERANK_CAPS,
    progress: Callable[[str], None] | None = None,
    today: datetime | None = None,
) -> dict[str, dict[str, Any]]:
    """Per-context settings chosen on each protocol's validation split; untuned contexts keep
    the defaults (their source says "defaults")."""
    say = progress or (lambda _message: None)
    date = (today or datetime.now(UTC)).strftime("%Y-%m-%d")
    settings = default_settings()
    for protocol in protocols:
        validation = sample_listeners(protocol.validation, sample, seed)
        say(f"{protocol.name}: training Mixmap, tuning on {len(validation)} validation listeners")
        base = MixmapRanker(context=context_of(protocol)).fit(protocol.training)
        chosen, tried = tune_mixmap(base, protocol, validation, grid, rerank_caps, say)
        score = max(value for _, value in tried)
        weights = dict(chosen.weights)
        settings[context_of(protocol)] = {
            "weights": weights,
            "source": (
                f"tuned on {protocol.name} validation ({len(validation)} listeners, "
                f"{TUNING_METRIC} {score:.4f}, {chosen.describe()}), seed {seed}, {date}"
            ),
        }
    if settings["playlist"]["source"] != "defaults":
        settings["seed"] = {
            "weights": dict(settings["playlist"]["weights"]),
            "source": "borrowed from the playlist context (no seed-radio protocol): "
            + settings["playlist"]["source"],
        }
    return settings
