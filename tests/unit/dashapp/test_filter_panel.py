"""The shared filter panel: the form, its callback dependencies, and activity presets copied
into its sliders."""

from __future__ import annotations

from dash import Input, State

from dashapp.components.filter_panel import (
    FIELDS,
    apply_activity_preset,
    field_id,
    filter_inputs,
    filter_panel,
)
from ml.activities import PRESETS


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
