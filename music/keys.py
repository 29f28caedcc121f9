"""Musical keys as Spotify numbers them, read the way a DJ does: the Camelot wheel.

``ml.transitions`` prices key changes on the wheel; the playlist editor shows each track's
position on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def camelot(key: np.ndarray, mode: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Camelot wheel position of Spotify keys: (number 1..12 or 0 when unknown, is_major).

    ``key`` is the pitch class (0 = C .. 11 = B, -1 unknown) and ``mode`` 1 major / 0 minor.
    C major is 8B and each fifth up is one step clockwise (G major 9B); a minor key shares its
    number with its relative major three semitones up (A minor is 8A, like C major 8B).
    """
    key = np.asarray(key, dtype=np.int64)
    is_major = np.asarray(mode, dtype=np.int64) == 1
    relative_major = np.where(is_major, key, key + 3) % 12
    number = (7 * relative_major + 7) % 12 + 1
    return np.where(key < 0, 0, number), is_major


def camelot_labels(key: Sequence[int] | np.ndarray, mode: Sequence[int] | np.ndarray) -> list[str]:
    """The key as a DJ reads it: Camelot number and A (minor) / B (major); "?" when unknown."""
    number, major = camelot(np.asarray(key), np.asarray(mode))
    return [f"{n}{'B' if m else 'A'}" if n else "?" for n, m in zip(number, major, strict=True)]
