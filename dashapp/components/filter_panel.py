"""The track filter form (genres, moods, activity preset, feature ranges), shared by Explore and
the playlist builder.

API (everything a page needs):

    filter_panel(id_prefix, genres, moods=MOODS, activities=PRESETS, year_bounds=(1950, 2025))
        -> the form; ``id_prefix`` keeps two panels on one page apart.
    filter_inputs(id_prefix, dependency=Input) -> {field: Input(...)}
        -> pass as ``inputs=dict(filters=filter_inputs("explore"))`` (or ``State``) to a callback.
    filter_from_values(values) -> TrackFilter
        -> the callback's ``filters`` dict turned into a validated ``ml.filters.TrackFilter``
           (raises ``FilterError`` with a message to show the user).

Choosing an activity preset copies its tempo and feature ranges into the sliders, where the user
can edit them; the preset's remaining ranges (speechiness, loudness, ...) are listed under the
preset and still apply. A slider left at its full range sets no condition.

Component ids are pattern-matching dicts ``{"type": "filter-<field>", "panel": id_prefix}``, so the
single preset callback below serves every panel on every page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, callback, dcc, html

from ml.activities import PRESETS, ActivityPreset
from ml.filters import FilterError, TrackFilter
from music.moods import MOOD_LABELS, MOODS

# Feature ranges with a slider: (label, low, high, step).
SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "energy": ("Energy", 0.0, 1.0, 0.05),
    "danceability": ("Danceability", 0.0, 1.0, 0.05),
    "valence": ("Positivity (valence)", 0.0, 1.0, 0.05),
    "acousticness": ("Acousticness", 0.0, 1.0, 0.05),
    "popularity": ("Popularity", 0.0, 100.0, 1.0),
}
TEMPO_SLIDER = (0.0, 250.0, 1.0)  # BPM; wide enough for every real track
PRESET_SLIDER_FEATURES = ("energy", "danceability", "valence", "acousticness")
FIELDS: tuple[str, ...] = (
    "genres_include",
    "genres_exclude",
    "moods",
    "activity",
    "tempo",
    "half_double_time",
    *SLIDERS,
    "release_year",
    "allow_explicit",
)


def field_id(id_prefix: str, field: str) -> dict[str, str]:
    return {"type": f"filter-{field}", "panel": id_prefix}


def filter_inputs(id_prefix: str, dependency: type = Input) -> dict[str, Any]:
    """Callback dependencies for every field, keyed like ``filter_from_values`` expects."""
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
        tooltip={"placement": "bottom", "always_visible": False},
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
    moods: Iterable[str] = MOODS,
    activities: Mapping[str, ActivityPreset] = PRESETS,
    year_bounds: tuple[int, int] = (1950, 2025),
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
                    options=[{"label": MOOD_LABELS.get(m, m), "value": m} for m in moods],
                    multi=True,
                    placeholder="Any mood",
                ),
            ),
            _labelled(
                "Activity",
                dcc.Dropdown(
                    id=field_id(id_prefix, "activity"),
                    options=[{"label": p.label, "value": name} for name, p in activities.items()],
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


def filter_from_values(
    values: Mapping[str, Any],
    *,
    year_bounds: tuple[int, int] = (1950, 2025),
    activities: Mapping[str, ActivityPreset] = PRESETS,
) -> TrackFilter:
    """A validated ``TrackFilter`` from the panel's values (``filter_inputs`` keys).

    ``year_bounds`` must be the ones the panel was built with (a full-span year range is no
    condition, and tracks without a year would otherwise be dropped).

    Sliders at their full range set no condition. With a preset chosen, the sliders already hold
    its (possibly edited) tempo and feature ranges; the preset contributes only the ranges the
    panel has no slider for.
    """
    activity = None
    name = values.get("activity")
    if name:
        preset = activities.get(name)
        if preset is None:
            raise FilterError(f"unknown activity {name!r}: choose from {', '.join(activities)}")
        shown = {feature: None for feature in PRESET_SLIDER_FEATURES}
        rest = preset.with_ranges(**shown)
        activity = ActivityPreset(
            rest.name, rest.label, rest.ranges, None, rest.half_double_time, rest.description
        )
    ranges = {
        field: _narrowed(values.get(field), low, high)
        for field, (_, low, high, _) in SLIDERS.items()
    }
    tempo = _narrowed(values.get("tempo"), TEMPO_SLIDER[0], TEMPO_SLIDER[1])
    return TrackFilter(
        genres_include=tuple(values.get("genres_include") or ()),
        genres_exclude=tuple(values.get("genres_exclude") or ()),
        moods=tuple(values.get("moods") or ()),
        activity=activity,
        tempo=tempo,
        # Only meaningful with a tempo range; without one it would make an empty filter non-empty.
        half_double_time=tempo is not None and _switched_on(values.get("half_double_time")),
        release_year=_narrowed(values.get("release_year"), *year_bounds),
        allow_explicit=_switched_on(values.get("allow_explicit"), default=True),
        **ranges,
    )


def _narrowed(value: Any, low: float, high: float) -> tuple[float, float] | None:
    """The range when it is narrower than the slider's full span, else None (no condition)."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    lo, hi = float(value[0]), float(value[1])
    if lo <= low and hi >= high:
        return None
    return max(lo, low), min(hi, high)


def _switched_on(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    return "on" in value if isinstance(value, list) else bool(value)


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
    preset = PRESETS.get(name) if name else None
    full = [TEMPO_SLIDER[0], TEMPO_SLIDER[1]]
    if preset is None:
        unit = [0.0, 1.0]
        return (full, ["on"], *([unit] * len(PRESET_SLIDER_FEATURES)), "")
    tempo = list(preset.tempo) if preset.tempo else full
    features = [list(preset.ranges.get(f, (0.0, 1.0))) for f in PRESET_SLIDER_FEATURES]
    others = [
        f"{feature} {lo:g} to {hi:g}"
        for feature, (lo, hi) in preset.ranges.items()
        if feature not in PRESET_SLIDER_FEATURES
    ]
    note = preset.description + (f" Also: {', '.join(others)}." if others else "")
    return (tempo, ["on"] if preset.half_double_time else [], *features, note)
