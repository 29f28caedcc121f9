"""Filter form values -> TrackFilter: full spans set no condition, presets keep only what has no
slider, typed values are put in order, and user errors come back with a message."""

from __future__ import annotations

import pytest

from dashapp.services.track_filters import TrackFilterError, filter_from_values
from ml.filters import TrackFilter

UNTOUCHED = {
    "genres_include": None,
    "genres_exclude": None,
    "moods": None,
    "activity": None,
    "tempo": [0, 250],
    "half_double_time": ["on"],
    "energy": [0, 1],
    "danceability": [0, 1],
    "valence": [0, 1],
    "acousticness": [0, 1],
    "popularity": [0, 100],
    "release_year": [1970, 2020],
    "allow_explicit": ["on"],
}


def test_untouched_form_keeps_every_track():
    assert filter_from_values(UNTOUCHED, year_bounds=(1970, 2020)).is_empty


def test_narrowed_ranges_and_choices_become_conditions():
    values = {
        **UNTOUCHED,
        "genres_include": ["rock"],
        "genres_exclude": ["rock/hard rock"],
        "moods": ["calm"],
        "tempo": [80, 100],
        "energy": [0.2, 1],
        "release_year": [1990, 2020],
        "allow_explicit": [],
    }
    track_filter = filter_from_values(values, year_bounds=(1970, 2020))
    assert track_filter == TrackFilter(
        genres_include=("rock",),
        genres_exclude=("rock/hard rock",),
        moods=("calm",),
        tempo=(80.0, 100.0),
        half_double_time=True,
        energy=(0.2, 1.0),
        release_year=(1990.0, 2020.0),
        allow_explicit=False,
    )


def test_preset_keeps_only_the_ranges_without_a_slider():
    values = {**UNTOUCHED, "activity": "sleep", "tempo": [60, 80], "energy": [0, 0.35]}
    track_filter = filter_from_values(values, year_bounds=(1970, 2020))
    assert track_filter.tempo == (60.0, 80.0) and track_filter.energy == (0.0, 0.35)
    assert track_filter.activity.tempo is None
    assert dict(track_filter.activity.ranges) == {"loudness": (-60.0, -10.0)}


def test_user_errors_surface_as_track_filter_errors():
    with pytest.raises(TrackFilterError, match="unknown activity"):
        filter_from_values({**UNTOUCHED, "activity": "juggling"})
    with pytest.raises(TrackFilterError, match="both included and excluded"):
        filter_from_values({**UNTOUCHED, "genres_include": ["pop"], "genres_exclude": ["pop"]})


def test_typed_ends_in_the_wrong_order_or_empty_still_make_a_range():
    values = {**UNTOUCHED, "energy": [0.8, 0.3], "tempo": [None, 120]}
    track_filter = filter_from_values(values, year_bounds=(1970, 2020))
    assert track_filter.energy == (0.3, 0.8)
    assert track_filter.tempo == (0.0, 120.0)
