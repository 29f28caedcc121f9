"""The shared filter panel: form values -> TrackFilter, and activity presets copied into sliders."""

from __future__ import annotations

import pytest
from dash import Input, State

from dashapp.components.filter_panel import (
    FIELDS,
    apply_activity_preset,
    field_id,
    filter_from_values,
    filter_inputs,
    filter_panel,
)
from ml.activities import PRESETS
from ml.filters import FilterError, TrackFilter

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


def test_user_errors_surface_as_filter_errors():
    with pytest.raises(FilterError, match="unknown activity"):
        filter_from_values({**UNTOUCHED, "activity": "juggling"})
    with pytest.raises(FilterError, match="both included and excluded"):
        filter_from_values({**UNTOUCHED, "genres_include": ["pop"], "genres_exclude": ["pop"]})


def test_choosing_a_preset_fills_the_sliders_with_its_ranges():
    tempo, half_double, energy, danceability, valence, acousticness, note = apply_activity_preset(
        "running"
    )
    running = PRESETS["running"]
    assert tempo == list(running.tempo) and energy == list(running.ranges["energy"])
    assert danceability == [0.0, 1.0] and valence == [0.0, 1.0] and acousticness == [0.0, 1.0]
    assert half_double == ["on"] and note == running.description
    assert apply_activity_preset("sleep")[1] == []  # sleep does not count half/double time
    assert "loudness" in apply_activity_preset("sleep")[-1]
    assert apply_activity_preset(None)[0] == [0.0, 250.0]


def test_inputs_cover_every_field_of_one_panel():
    inputs = filter_inputs("builder", State)
    assert set(inputs) == set(FIELDS)
    assert all(isinstance(d, State) for d in inputs.values())
    assert inputs["moods"].component_id == field_id("builder", "moods")
    assert isinstance(filter_inputs("explore")["tempo"], Input)
    panel = filter_panel("builder", ["pop", "pop/dance pop"], year_bounds=(1990, 2020))
    assert panel.id == "builder-filter-panel"
