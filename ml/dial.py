"""What the adventurousness dial does to the scores, beyond the terms it already bends.

The dial a in [0, 1] caps the content term (the distance band), turns the cluster term around
and tilts the base popularity term inside ``Recommender._score``. These are its own levers
(issue #11, measured by bench/dial.py, docs/benchmarks/dial.md), each **zero at the default
0.5**, so the settings ``ml tune`` chose there keep their meaning:

- ``popularity_term``: below 0.5 a slope towards the head; above it a pull towards a target
  percentile sliding from the middle to the tail (1 - a);
- ``familiar_term``: below 0.5 a pull towards the taste vector itself (uncapped cosine);
- ``explore``: above 0.5 a seeded shuffle of the shortlist before MMR;
- ``mmr_diversity``: MMR's lambda, growing with the dial, at half the slope above 0.5.

Above 0.5 the levers grow slowly at first and fastest near 1 (the tail pull with the power
``FAR_POWER``, the shuffle with ``EXPLORATION_POWER``), and the tail pull reaches only
``FAR_SHARE`` of the familiar side's strength: on bench/dial.py, established listeners' catalogue
coverage stopped rising (it fell at 1) when the tail pull, the shuffle or MMR's spread grew
faster, because the obscure tracks the listener's evidence reaches, and the feature-space
outliers MMR prefers, are the same for listeners of one genre (docs/benchmarks/dial.md).

The first two are shares of ``reach``, how strongly the request's own evidence pulls (the peaks
of the terms that pull towards the history or the onboarding choices), so a cold start and a
full history keep their balance whatever weights were tuned.
"""

from __future__ import annotations

import zlib

import numpy as np

from ml.reasons import ScoredRequest
from ml.scoring_settings import ScoringWeights

# Above 0.5: the tail pull's share of ``dial_popularity`` at dial 1, and the powers of (2a - 1)
# the tail pull and the shuffle grow with (chosen with bench/dial.py; docs/benchmarks/dial.md).
FAR_SHARE = 0.5
FAR_POWER = 1.5
EXPLORATION_POWER = 3.0
# MMR's lambda grows at this share of ``diversity_span`` per unit of dial above 0.5.
FAR_DIVERSITY_SLOPE = 0.5


def popularity_term(
    w: ScoringWeights, a: float, reach: float, percentile: np.ndarray
) -> np.ndarray:
    """The popularity term at dial ``a``: the base tilt plus the dial's own lever."""
    # 1 at adventurousness 0, 0 at 2/3, -1/2 at 1: popular first when playing safe, the
    # long tail first when exploring.
    term = w.popularity * (1.0 - 1.5 * a) * percentile
    if a <= 0.5:
        return term + w.dial_popularity * reach * (1.0 - 2.0 * a) * (percentile - 0.5)
    # A plain slope above 0.5 sent cold-start picks (whose other terms tie over a whole genre)
    # to the far tail as soon as the dial passed 0.5 (mean popularity 3.6 at 0.75).
    far = FAR_SHARE * (2.0 * a - 1.0) ** FAR_POWER
    return term - w.dial_popularity * reach * far * np.abs(percentile - (1.0 - a))


def familiar_term(w: ScoringWeights, a: float, reach: float, closeness: np.ndarray) -> np.ndarray:
    """Below 0.5: playing safe also means sounding like what you like, not only being popular."""
    return w.dial_closeness * reach * max(1.0 - 2.0 * a, 0.0) * closeness


def mmr_diversity(w: ScoringWeights, a: float, mode: str) -> float:
    """MMR's lambda at dial ``a`` (seed radio keeps ``diversity_min``: tracks like one track)."""
    if mode == "seed":
        return w.diversity_min
    far = FAR_DIVERSITY_SLOPE * max(a - 0.5, 0.0)
    return w.diversity_min + w.diversity_span * (min(a, 0.5) + far)


def explore(
    pool: np.ndarray, scores: np.ndarray, scored: ScoredRequest, w: ScoringWeights
) -> tuple[np.ndarray, np.ndarray]:
    """Above 0.5, a uniform jitter on the shortlist's scores, up to ``dial_exploration`` x their
    spread at dial 1 (growing with (2a - 1) ** ``EXPLORATION_POWER``: fastest at the far end,
    since a stronger shuffle at 0.75 left nothing for 1 to add to coverage); returns the
    shortlist re-sorted best first, as ``ml.rerank.mmr`` takes it.

    Only the listener's own shortlist is shuffled: jitter on the whole catalogue let the
    tracks every history term points to win everyone's far-out lists (coverage fell). Seeded by
    the request, so one history gets one list.
    """
    a = scored.adventurousness
    if a <= 0.5 or not w.dial_exploration or len(scores) < 2:
        return pool, scores
    request = (scored.weights.positive.tolist(), scored.weights.negative.tolist())
    seed = [zlib.crc32(repr(request).encode()), zlib.crc32(repr(scored.preferences).encode())]
    spread = float(scores.max() - scores.min())
    jittered = scores + np.random.default_rng(seed).random(len(scores)) * (
        w.dial_exploration * (2.0 * a - 1.0) ** EXPLORATION_POWER * spread
    )
    order = np.argsort(-jittered, kind="stable")
    return pool[order], jittered[order]
