import numpy as np
import pytest

from music.keys import camelot, camelot_labels

# Spotify pitch classes: C=0, E=4, G=7, A=9, B=11.
C, E, G, A, B = 0, 4, 7, 9, 11
MAJOR, MINOR = 1, 0


@pytest.mark.parametrize(
    ("key", "mode", "expected"),
    [
        (C, MAJOR, (8, True)),  # the published wheel: C major is 8B
        (A, MINOR, (8, False)),  # A minor is 8A
        (G, MAJOR, (9, True)),
        (E, MINOR, (9, False)),
        (B, MAJOR, (1, True)),
        (-1, MAJOR, (0, True)),  # unknown key
    ],
)
def test_camelot_positions_match_the_wheel(key, mode, expected):
    number, major = camelot(np.array([key]), np.array([mode]))
    assert (int(number[0]), bool(major[0])) == expected


def test_labels_read_like_the_wheel_and_mark_unknown_keys():
    assert camelot_labels([C, A, -1], [MAJOR, MINOR, MAJOR]) == ["8B", "8A", "?"]
