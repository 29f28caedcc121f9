"""How smoothly one track leads into the next: key on the Camelot wheel, tempo and energy.

Costs are in one unit so they can be added: 1.0 is "a listener notices the change". A DJ mixing
harmonically moves one step round the Camelot wheel (or to the relative major/minor) at a time,
keeps tempo within a turntable pitch fader's +-8 % and avoids sudden energy jumps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from music.keys import camelot

# Cost of one compatible key move (one step round the wheel, or A <-> B at the same number).
KEY_STEP_COST = 0.5
# Tracks whose key is unknown (Spotify's key -1) get a neutral cost: neither a clash nor a match.
UNKNOWN_KEY_COST = 1.0
# A tempo change of 8 % (a turntable pitch fader's range) costs 1.0; measured in octaves so that
# 120 -> 130 and 60 -> 65 bpm cost the same.
TEMPO_UNIT_OCTAVES = float(np.log2(1.08))
# An energy jump of 0.2 (on Spotify's 0..1 scale) costs 1.0.
ENERGY_UNIT = 0.2


@dataclass(frozen=True, slots=True)
class TransitionWeights:
    """How much each part of a transition counts; all three default to equal weight."""

    key: float = 1.0
    tempo: float = 1.0
    energy: float = 1.0


def key_cost(key_a, mode_a, key_b, mode_b) -> np.ndarray:
    """Cost of moving between keys: ``KEY_STEP_COST`` per wheel step and per A/B switch.

    Arguments broadcast, so a column against a row gives the whole matrix.
    """
    number_a, major_a = camelot(key_a, mode_a)
    number_b, major_b = camelot(key_b, mode_b)
    apart = np.abs(number_a - number_b)
    steps = np.minimum(apart, 12 - apart) + (major_a != major_b)
    unknown = (number_a == 0) | (number_b == 0)
    return np.where(unknown, UNKNOWN_KEY_COST, KEY_STEP_COST * steps)


def tempo_octaves(tempo_a, tempo_b) -> np.ndarray:
    """Tempo distance in octaves, half/double-time aware: 70 and 140 bpm are 0 apart.

    The distance is folded into 0..0.5 octave; a missing or zero tempo counts as 0.5 (the worst).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        octaves = np.abs(np.log2(np.asarray(tempo_b, float) / np.asarray(tempo_a, float)))
        folded = np.abs(octaves - np.round(octaves))
    return np.where(np.isfinite(folded), folded, 0.5)


def pair_costs(
    key_a,
    mode_a,
    tempo_a,
    energy_a,
    key_b,
    mode_b,
    tempo_b,
    energy_b,
    weights: TransitionWeights | None = None,
) -> np.ndarray:
    """Cost of going from each track a to the matching track b; the arguments broadcast.

    Element-wise arrays give one cost per pair (O(n) for consecutive tracks); a column against
    a row gives the whole matrix.
    """
    weights = weights or TransitionWeights()
    cost = weights.key * key_cost(key_a, mode_a, key_b, mode_b)
    cost = cost + weights.tempo * tempo_octaves(tempo_a, tempo_b) / TEMPO_UNIT_OCTAVES
    energy_jump = np.abs(np.asarray(energy_a, float) - np.asarray(energy_b, float))
    return cost + weights.energy * energy_jump / ENERGY_UNIT


def transition_matrix(
    key: np.ndarray,
    mode: np.ndarray,
    tempo: np.ndarray,
    energy: np.ndarray,
    weights: TransitionWeights | None = None,
) -> np.ndarray:
    """``cost[i, j]``: how rough going from track i to track j sounds. Symmetric, zero diagonal.

    O(n^2) memory: only for re-ordering, whose input is bounded by the playlist length cap.
    """
    key = np.asarray(key)
    mode = np.asarray(mode)
    tempo = np.asarray(tempo, float)
    energy = np.asarray(energy, float)
    column = (key[:, None], mode[:, None], tempo[:, None], energy[:, None])
    row = (key[None, :], mode[None, :], tempo[None, :], energy[None, :])
    cost = pair_costs(*column, *row, weights=weights)
    np.fill_diagonal(cost, 0.0)
    return cost


def path_cost(cost: np.ndarray, order: np.ndarray) -> float:
    """Total cost of playing the tracks in ``order`` (positions into ``cost``'s rows)."""
    order = np.asarray(order)
    if len(order) < 2:
        return 0.0
    return float(cost[order[:-1], order[1:]].sum())
