import numpy as np
import pandas as pd
import pytest

from ml.moods import assign_moods, mood_bits, mood_flags, moods_mask
from music.moods import MOODS, QUADRANT_MOODS


def frame(**columns):
    base = {
        "energy": [0.5],
        "valence": [0.5],
        "tempo": [115.0],
        "danceability": [0.5],
        "acousticness": [0.1],
        "instrumentalness": [0.0],
    }
    base.update(columns)
    n = max(len(v) for v in base.values())
    return pd.DataFrame({k: v * n if len(v) == 1 else v for k, v in base.items()})


def test_each_quadrant_of_energy_and_valence_gets_its_mood():
    tracks = frame(energy=[0.9, 0.9, 0.1, 0.1], valence=[0.9, 0.1, 0.1, 0.9])
    primary, _ = assign_moods(tracks)
    assert list(primary) == ["happy", "tense", "sad", "calm"]


def test_every_track_has_exactly_one_quadrant_mood(make_catalogue):
    flags = mood_flags(make_catalogue(300))
    assert (flags[:, : len(QUADRANT_MOODS)].sum(axis=1) == 1).all()


@pytest.mark.parametrize(
    ("columns", "tag", "expected"),
    [
        ({"energy": [0.9], "tempo": [128.0]}, "amped", True),
        ({"energy": [0.9], "tempo": [100.0]}, "amped", False),  # energetic but not driving
        ({"energy": [0.3], "tempo": [90.0]}, "chill", True),
        ({"energy": [0.3], "tempo": [140.0]}, "chill", False),
        ({"danceability": [0.75]}, "danceable", True),  # threshold is inclusive
        ({"danceability": [0.74]}, "danceable", False),
        ({"acousticness": [0.51]}, "acoustic", True),
        ({"acousticness": [0.5]}, "acoustic", False),  # Spotify's 0.5 cut-off is exclusive
        ({"instrumentalness": [0.6]}, "instrumental", True),
        ({"instrumentalness": [0.5]}, "instrumental", False),
    ],
)
def test_tags_follow_the_published_thresholds(columns, tag, expected):
    _, moods = assign_moods(frame(**columns))
    assert (tag in moods.iloc[0]) is expected


def test_tuples_bits_and_flags_agree(make_catalogue):
    catalogue = make_catalogue(200)
    flags = mood_flags(catalogue)
    bits = mood_bits(catalogue)
    _, moods = assign_moods(catalogue)
    for row in range(len(catalogue)):
        expected = tuple(m for m, on in zip(MOODS, flags[row], strict=True) if on)
        assert moods.iloc[row] == expected
        assert bits[row] == moods_mask(expected)
    # The ambient tracks of the synthetic catalogue are quiet and acoustic; rock is not.
    ambient = catalogue["genre"].to_numpy() == "ambient"
    assert np.mean([("acoustic" in m) for m in moods[ambient]]) > 0.8
    assert np.mean([("acoustic" in m) for m in moods[~ambient]]) < 0.1


def test_unknown_mood_names_are_rejected_with_the_valid_ones():
    with pytest.raises(ValueError, match="choose from happy"):
        moods_mask(["groovy"])
