import numpy as np
import pandas as pd
import pytest

from ml.activities import PRESETS, ActivityPreset, get_preset, tempo_matches


def test_tempo_matching_counts_half_and_double_time():
    tempo = np.array([85.0, 170.0, 340.0, 120.0])
    assert list(tempo_matches(tempo, 160, 180)) == [True, True, True, False]
    assert list(tempo_matches(tempo, 160, 180, half_double_time=False)) == [
        False,
        True,
        False,
        False,
    ]


def test_running_preset_accepts_a_half_time_track_but_sleep_does_not_accept_double():
    tracks = pd.DataFrame(
        {"tempo": [85.0, 170.0, 140.0], "energy": [0.8, 0.8, 0.8], "loudness": [-8.0] * 3}
    )
    assert list(get_preset("running").mask(tracks)) == [True, True, False]
    quiet = pd.DataFrame({"tempo": [70.0, 140.0], "energy": [0.2, 0.2], "loudness": [-20.0] * 2})
    assert list(get_preset("sleep").mask(quiet)) == [True, False]


def test_every_builtin_preset_finds_some_tracks_and_not_all(make_catalogue):
    catalogue = make_catalogue(400)
    catalogue["speechiness"] = np.linspace(0.0, 0.3, 400)
    catalogue["loudness"] = np.linspace(-25.0, -3.0, 400)
    for name in ("workout", "party", "focus", "study", "commute", "dinner"):
        share = PRESETS[name].mask(catalogue).mean()
        assert 0 < share < 1, name


def test_presets_are_editable_and_round_trip_through_dicts():
    running = get_preset("running")
    edited = running.with_ranges(energy=(0.8, 1.0), valence=(0.5, 1.0))
    assert edited.ranges["energy"] == (0.8, 1.0) and running.ranges["energy"] == (0.6, 1.0)
    assert "energy" not in edited.with_ranges(energy=None).ranges
    assert ActivityPreset.from_dict(edited.to_dict()) == edited


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ranges": {"energy": (0.9, 0.1)}}, "empty"),
        ({"ranges": {"energy": (0.0, 2.0)}}, "within"),
        ({"ranges": {"mood": (0.0, 1.0)}}, "unknown feature"),
        ({"tempo": (-5.0, 10.0)}, "within"),
        ({"ranges": {"energy": "high"}}, "pair of numbers"),
    ],
)
def test_invalid_presets_explain_themselves(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ActivityPreset("mine", "Mine", **kwargs)


def test_unknown_preset_lists_the_valid_ones():
    with pytest.raises(ValueError, match="workout"):
        get_preset("yoga")
