"""Editing and sequencing a playlist: dedupe, sort, artist separation and flow order.

A playlist here is a frame of its tracks in play order (rows of the catalogue frame: ``track_id``,
``artist_id``, ``name``, the audio features) and a boolean ``locked`` array of the same length.
Every re-ordering returns a permutation ``order`` (``items.iloc[order]`` is the new sequence) that
leaves locked tracks where they are: ``order[i] == i`` wherever ``locked[i]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.transitions import TransitionWeights, pair_costs, path_cost, transition_matrix
from music.schema import artist_name_key

# Artist separation: by default no artist plays twice within this many positions.
DEFAULT_ARTIST_GAP = 3
# 2-opt stops after this many improving passes; each pass is O(n^2) and playlists are short.
MAX_IMPROVEMENT_PASSES = 50


def _locked_array(locked: np.ndarray | None, n: int) -> np.ndarray:
    if locked is None:
        return np.zeros(n, dtype=bool)
    locked = np.asarray(locked, dtype=bool)
    if len(locked) != n:
        raise ValueError(f"locked has {len(locked)} flags for {n} tracks")
    return locked


def fill_free_positions(locked: np.ndarray, free_order: np.ndarray) -> np.ndarray:
    """The permutation that keeps locked positions and puts ``free_order`` into the free ones."""
    order = np.arange(len(locked))
    order[~locked] = free_order
    return order


def song_key(items: pd.DataFrame) -> pd.Series:
    """One key per song: the same recording often appears as a single and on an album with
    different track ids, so songs match on artist and case/space-insensitive title."""
    names = items["name"].astype(str).map(artist_name_key)
    return items["artist_id"].astype(str) + "\x1f" + names


def dedupe(items: pd.DataFrame, locked: np.ndarray | None = None) -> np.ndarray:
    """Positions to keep, in order: the first copy of each song, and every locked track.

    A song that has a locked copy keeps only its locked copies (the user pinned that one).
    """
    locked = _locked_array(locked, len(items))
    keys = song_key(items).to_numpy()
    pinned = set(keys[locked])
    seen: set[str] = set()
    keep = []
    for position, (key, is_locked) in enumerate(zip(keys, locked, strict=True)):
        if is_locked:
            keep.append(position)
        elif key not in pinned and key not in seen:
            keep.append(position)
            seen.add(key)
    return np.asarray(keep, dtype=np.int64)


def sort_by(
    items: pd.DataFrame, column: str, descending: bool = False, locked: np.ndarray | None = None
) -> np.ndarray:
    """Stable sort of the unlocked tracks by any column; locked tracks stay put."""
    if column not in items.columns:
        raise ValueError(f"cannot sort by {column!r}: no such column")
    locked = _locked_array(locked, len(items))
    free = np.flatnonzero(~locked)
    values = items[column].to_numpy()[free]
    ranked = pd.Series(values).rank(method="first", ascending=not descending, na_option="bottom")
    return fill_free_positions(locked, free[np.argsort(ranked.to_numpy(), kind="stable")])


def artist_violations(artist_ids: np.ndarray, gap: int = DEFAULT_ARTIST_GAP) -> int:
    """How many tracks follow another by the same artist within ``gap`` positions."""
    artist_ids = np.asarray(artist_ids)
    clashes = np.zeros(len(artist_ids), dtype=bool)
    for distance in range(1, gap + 1):
        clashes[distance:] |= artist_ids[distance:] == artist_ids[:-distance]
    return int(clashes.sum())


def _separate_greedily(
    artists: np.ndarray, locked: np.ndarray, gap: int, most_remaining_first: bool
) -> np.ndarray:
    """Fill the free positions one by one with a track whose artist is not within ``gap``.

    The earliest eligible track wins (keeps the user's order), or with ``most_remaining_first``
    the eligible track of the artist with most tracks left: the classic greedy for "rearrange so
    equal items are k apart", which succeeds whenever any arrangement does (without locks).
    """
    n = len(artists)
    placed = np.full(n, -1, dtype=np.int64)
    placed[locked] = np.flatnonzero(locked)
    remaining = [int(p) for p in np.flatnonzero(~locked)]
    left = pd.Series(artists[remaining]).value_counts().to_dict() if remaining else {}
    for position in range(n):
        if locked[position]:
            continue
        window = [
            artists[placed[p]]
            for p in range(max(0, position - gap), min(n, position + gap + 1))
            if p != position and placed[p] >= 0
        ]
        eligible = [p for p in remaining if artists[p] not in window] or remaining
        if most_remaining_first:
            choice = max(eligible, key=lambda p: left[artists[p]])  # max keeps the earliest tie
        else:
            choice = eligible[0]
        placed[position] = choice
        remaining.remove(choice)
        left[artists[choice]] -= 1
    return placed


def separate_artists(
    items: pd.DataFrame, gap: int = DEFAULT_ARTIST_GAP, locked: np.ndarray | None = None
) -> np.ndarray:
    """Re-order so no artist plays twice within ``gap`` positions, when that is possible.

    Changes as little as it can: an order-keeping pass wins unless the count-first pass leaves
    fewer clashes. When no arrangement avoids every clash, the one with fewest is returned.
    """
    if gap < 1:
        raise ValueError("the artist gap must be at least 1 position")
    locked = _locked_array(locked, len(items))
    artists = items["artist_id"].to_numpy()
    candidates = [np.arange(len(items))]
    candidates += [
        _separate_greedily(artists, locked, gap, most_remaining_first=count_first)
        for count_first in (False, True)
    ]
    clashes = [artist_violations(artists[order], gap) for order in candidates]
    return candidates[int(np.argmin(clashes))]  # argmin keeps the earliest of equals


def flow_cost_matrix(items: pd.DataFrame, weights: TransitionWeights | None = None) -> np.ndarray:
    return transition_matrix(
        items["key"].to_numpy(),
        items["mode"].to_numpy(),
        items["tempo"].to_numpy(),
        items["energy"].to_numpy(),
        weights,
    )


def _greedy_chain(cost: np.ndarray, locked: np.ndarray) -> np.ndarray:
    """Nearest-neighbour chain: each free position takes the unused track closest to the one
    before it (and, before a locked track, closest to that one too)."""
    n = len(locked)
    order = np.arange(n)
    unused = np.flatnonzero(~locked)
    available = np.ones(n, dtype=bool)
    available[locked] = False
    for position in range(n):
        if locked[position]:
            continue
        score = np.zeros(n)
        if position > 0:
            score += cost[order[position - 1]]
        if position + 1 < n and locked[position + 1]:
            score += cost[:, position + 1]
        if position == 0 and not (n > 1 and locked[1]):
            # No neighbour yet: open with the track that has the closest partner, so the chain
            # does not start from an outlier it must come back from.
            partner = np.where(np.eye(n, dtype=bool), np.inf, cost)[:, unused].min(axis=1)
            score = partner
        score = np.where(available, score, np.inf)
        choice = int(np.argmin(score))
        order[position] = choice
        available[choice] = False
    return order


def _two_opt(cost: np.ndarray, order: np.ndarray, locked: np.ndarray) -> np.ndarray:
    """Improve the chain by reversing runs of free positions (2-opt on an open path) and, when
    locks split the free positions, by swapping two free tracks. Costs are symmetric, so a
    reversal only changes its two boundary edges."""
    n = len(order)
    order = order.copy()
    free = np.flatnonzero(~locked)
    for _ in range(MAX_IMPROVEMENT_PASSES):
        improved = False
        # Reversals inside each run of consecutive free positions.
        for start in range(n):
            if locked[start]:
                continue
            end_limit = start
            while end_limit + 1 < n and not locked[end_limit + 1]:
                end_limit += 1
            if end_limit == start:
                continue
            ends = np.arange(start + 1, end_limit + 1)
            before = order[start - 1] if start > 0 else -1
            old = (cost[before, order[start]] if before >= 0 else 0.0) + np.where(
                ends + 1 < n, cost[order[ends], order[np.minimum(ends + 1, n - 1)]], 0.0
            )
            new = (cost[before, order[ends]] if before >= 0 else 0.0) + np.where(
                ends + 1 < n, cost[order[start], order[np.minimum(ends + 1, n - 1)]], 0.0
            )
            gain = old - new
            best = int(np.argmax(gain))
            if gain[best] > 1e-9:
                end = int(ends[best])
                order[start : end + 1] = order[start : end + 1][::-1]
                improved = True
        if locked.any():
            improved |= _swap_pass(cost, order, free)
        if not improved:
            break
    return order


def _swap_pass(cost: np.ndarray, order: np.ndarray, free: np.ndarray) -> bool:
    """For each free position, swap it with the free position that lowers the cost most.

    Works on a padded sequence (a sentinel "nothing" at both ends with zero cost) so the four
    edges a swap touches can be computed for every partner at once.
    """
    n = len(order)
    padded = np.zeros((n + 1, n + 1))
    padded[:n, :n] = cost
    improved = False
    for a in free:
        seq = np.concatenate([[n], order, [n]])  # position p sits at p + 1
        first = a + 1
        partners = free[free > a] + 1
        if len(partners) == 0:
            continue
        before, here, after = seq[first - 1], seq[first], seq[first + 1]
        prev_b, at_b, next_b = seq[partners - 1], seq[partners], seq[partners + 1]
        old = padded[before, here] + padded[here, after] + padded[prev_b, at_b]
        old = old + padded[at_b, next_b]
        new = padded[before, at_b] + padded[at_b, after] + padded[prev_b, here]
        new = new + padded[here, next_b]
        adjacent = partners == first + 1
        # Neighbours share the middle edge, which a swap leaves as it is (costs are symmetric).
        old = np.where(adjacent, padded[before, here] + padded[at_b, next_b], old)
        new = np.where(adjacent, padded[before, at_b] + padded[here, next_b], new)
        gain = old - new
        best = int(np.argmax(gain))
        if gain[best] > 1e-9:
            b = partners[best] - 1
            order[a], order[b] = order[b], order[a]
            improved = True
    return improved


def flow_order(
    items: pd.DataFrame,
    locked: np.ndarray | None = None,
    weights: TransitionWeights | None = None,
) -> np.ndarray:
    """Order for smooth transitions (key on the Camelot wheel, half/double-time aware tempo,
    energy): a nearest-neighbour chain improved by 2-opt. Never rougher than the input order."""
    locked = _locked_array(locked, len(items))
    identity = np.arange(len(items))
    if (~locked).sum() < 2:
        return identity
    cost = flow_cost_matrix(items, weights)
    order = _two_opt(cost, _greedy_chain(cost, locked), locked)
    return order if path_cost(cost, order) < path_cost(cost, identity) else identity


def transition_costs(items: pd.DataFrame, weights: TransitionWeights | None = None) -> np.ndarray:
    """The cost of each transition in play order (length ``len(items) - 1``).

    Pairs consecutive rows only: O(n) time and memory, so showing a playlist never builds the
    n x n matrix (a 12,000-track playlist once took 4.5 GB here).
    """
    if len(items) < 2:
        return np.zeros(0)
    columns = [items[c].to_numpy() for c in ("key", "mode", "tempo", "energy")]
    before = [column[:-1] for column in columns]
    after = [column[1:] for column in columns]
    return pair_costs(*before, *after, weights=weights)


def flow_series(items: pd.DataFrame) -> pd.DataFrame:
    """Energy, tempo and valence by position, with the cost of arriving at each track: the data
    behind a playlist's sparkline."""
    arrival = np.concatenate([[0.0], transition_costs(items)]) if len(items) else np.zeros(0)
    return pd.DataFrame(
        {
            "position": np.arange(len(items)),
            "energy": items["energy"].to_numpy(float),
            "tempo": items["tempo"].to_numpy(float),
            "valence": items["valence"].to_numpy(float),
            "transition_cost": arrival,
        }
    )
