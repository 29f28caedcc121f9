"""The track filter form (genres, moods, activity preset, feature ranges), shared by Explore and
the playlist builder.

API (everything a page needs):

    filter_panel(id_prefix, genres, year_bounds=(1950, 2025))
        -> the form; ``id_prefix`` keeps two panels on one page apart.
    filter_inputs(id_prefix, dependency=Input) -> {field: Input(...)}
        -> pass as ``inputs=dict(filters=filter_inputs("explore"))`` (or ``State``) to a callback.

The callback hands the ``filters`` dict to a service, which turns it into a filter
(``dashapp.services.track_filters.filter_from_values``): this module only draws the form.

Choosing an activity preset copies its tempo and feature ranges into the sliders, where the user
can edit them; the preset's remaining ranges (speechiness, loudness, ...) are listed under the
preset and still apply. A slider left at its full range sets no condition. Each range slider shows
its two ends as number boxes the user can type into (Dash's ``allow_direct_input``; they need a
container at least 300 px wide, which both pages give the panel).

Component ids are pattern-matching dicts ``{"type": "filter-<field>", "panel": id_prefix}``, so the
single preset callback below serves every panel on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, callback, dcc, html

from dashapp.services.track_filters import (
    DEFAULT_YEAR_BOUNDS,
    FIELDS,
    PRESET_SLIDER_FEATURES,
    SLIDERS,
    TEMPO_SLIDER,
    activity_options,
    mood_options,
    preset_sliders,
)


def field_id(id_prefix: str, field: str) -> dict[str, str]:
    return {"type": f"filter-{field}", "panel": id_prefix}


def filter_inputs(id_prefix: str, dependency: type = Input) -> dict[str, Any]:
    """Callback dependencies for every field, keyed like ``track_filters.filter_from_values``
    expects."""
    properties = {"half_double_time": "value", "allow_explicit": "value"}
    return {
        field: dependency(field_id(id_prefix, field), properties.get(field, "value"))
        for field in FIELDS
    }


def _range_slider(
    id_prefix: str, field: str, low: float, high: float, step: float
) -> dcc.RangeSlider:
    return dcc.RangeSlider(
        id=field_id(id_prefix, field),
        min=low,
        max=high,
        step=step,
        value=[low, high],
        marks=None,
        updatemode="mouseup",
        allowCross=False,
        allow_direct_input=True,
    )


def _labelled(label: str, control: Any, hint: str = "") -> html.Div:
    return html.Div(
        [
            dbc.Label(label, className="small fw-semibold mb-1"),
            control,
            *([html.Div(hint, className="form-text mt-0")] if hint else []),
        ],
        className="mb-2",
    )


def filter_panel(
    id_prefix: str,
    genres: Sequence[str],
    year_bounds: tuple[int, int] = DEFAULT_YEAR_BOUNDS,
) -> html.Div:
    """The filter form; ``genres`` are genre and subgenre slugs ("rock", "rock/hard rock")."""
    genre_options = [{"label": _genre_label(slug), "value": slug} for slug in genres]
    sliders = [
        _labelled(label, _range_slider(id_prefix, field, low, high, step))
        for field, (label, low, high, step) in SLIDERS.items()
    ]
    return html.Div(
        [
            _labelled(
                "Genres",
                dcc.Dropdown(
                    id=field_id(id_prefix, "genres_include"),
                    options=genre_options,
                    multi=True,
                    placeholder="Any genre",
                ),
            ),
            _labelled(
                "Leave out genres",
                dcc.Dropdown(
                    id=field_id(id_prefix, "genres_exclude"),
                    options=genre_options,
                    multi=True,
                    placeholder="None",
                ),
            ),
            _labelled(
                "Moods",
                dcc.Dropdown(
                    id=field_id(id_prefix, "moods"),
                    options=mood_options(),
                    multi=True,
                    placeholder="Any mood",
                ),
            ),
            _labelled(
                "Activity",
                dcc.Dropdown(
                    id=field_id(id_prefix, "activity"),
                    options=activity_options(),
                    placeholder="None",
                ),
            ),
            html.Div(id=field_id(id_prefix, "activity_note"), className="form-text mb-2"),
            _labelled("Tempo (BPM)", _range_slider(id_prefix, "tempo", *TEMPO_SLIDER)),
            dbc.Checklist(
                id=field_id(id_prefix, "half_double_time"),
                options=[{"label": "Count half / double time", "value": "on"}],
                value=["on"],
                switch=True,
                className="small mb-2",
            ),
            *sliders,
            _labelled(
                "Release year",
                _range_slider(id_prefix, "release_year", year_bounds[0], year_bounds[1], 1),
            ),
            dbc.Checklist(
                id=field_id(id_prefix, "allow_explicit"),
                options=[{"label": "Allow explicit tracks", "value": "on"}],
                value=["on"],
                switch=True,
                className="small",
            ),
        ],
        className="filter-panel",
        id=f"{id_prefix}-filter-panel",
    )


def _genre_label(slug: str) -> str:
    top, _, sub = slug.partition("/")
    return f"{top.title()}: {sub}" if sub else top.title()


@callback(
    Output(field_id(MATCH, "tempo"), "value"),
    Output(field_id(MATCH, "half_double_time"), "value"),
    *(Output(field_id(MATCH, feature), "value") for feature in PRESET_SLIDER_FEATURES),
    Output(field_id(MATCH, "activity_note"), "children"),
    Input(field_id(MATCH, "activity"), "value"),
    prevent_initial_call=True,
)
def apply_activity_preset(name: str | None):
    """Copy a preset's ranges into the sliders, where the user can edit them."""
    sliders = preset_sliders(name)
    return (
        sliders.tempo,
        ["on"] if sliders.half_double_time else [],
        *(sliders.features[feature] for feature in PRESET_SLIDER_FEATURES),
        sliders.note,
    )
