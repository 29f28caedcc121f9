"""The filter form's vocabulary and its translation into ``ml.filters.TrackFilter``.

Pages and the filter panel component deal in plain form values (lists from range sliders,
checklist values); this service owns what they mean: the slider spans, the activity presets the
form copies into sliders, and the validated ``TrackFilter`` the values make. Errors come back as
``TrackFilterError`` with a message to show the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
DEFAULT_YEAR_BOUNDS = (1950, 2025)
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


class TrackFilterError(ValueError):
    """Form values that make no valid filter; the message says what to change."""


@dataclass(frozen=True)
class PresetSliders:
    """What choosing an activity preset puts into the form."""

    tempo: list[float]
    half_double_time: bool
    features: dict[str, list[float]]  # PRESET_SLIDER_FEATURES -> [low, high]
    note: str  # the preset's description and the ranges the form has no slider for


def mood_label(mood: str) -> str:
    """A mood's display name ("calm" -> "Calm / peaceful")."""
    return MOOD_LABELS.get(mood, mood)


def mood_options() -> list[dict[str, str]]:
    return [{"label": MOOD_LABELS.get(m, m), "value": m} for m in MOODS]


def activity_options() -> list[dict[str, str]]:
    return [{"label": p.label, "value": name} for name, p in PRESETS.items()]


def preset_sliders(name: str | None) -> PresetSliders:
    """The slider values for an activity preset; full spans (no condition) for none."""
    preset = PRESETS.get(name) if name else None
    full_tempo = [TEMPO_SLIDER[0], TEMPO_SLIDER[1]]
    if preset is None:
        return PresetSliders(full_tempo, True, {f: [0.0, 1.0] for f in PRESET_SLIDER_FEATURES}, "")
    others = [
        f"{feature} {lo:g} to {hi:g}"
        for feature, (lo, hi) in preset.ranges.items()
        if feature not in PRESET_SLIDER_FEATURES
    ]
    return PresetSliders(
        tempo=list(preset.tempo) if preset.tempo else full_tempo,
        half_double_time=preset.half_double_time,
        features={f: list(preset.ranges.get(f, (0.0, 1.0))) for f in PRESET_SLIDER_FEATURES},
        note=preset.description + (f" Also: {', '.join(others)}." if others else ""),
    )


def filter_from_values(
    values: Mapping[str, Any],
    *,
    year_bounds: tuple[int, int] = DEFAULT_YEAR_BOUNDS,
    activities: Mapping[str, ActivityPreset] = PRESETS,
) -> TrackFilter:
    """A validated ``TrackFilter`` from the panel's values (``FIELDS`` keys).

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
            raise TrackFilterError(
                f"unknown activity {name!r}: choose from {', '.join(activities)}"
            )
        rest = preset.with_ranges(**{feature: None for feature in PRESET_SLIDER_FEATURES})
        activity = ActivityPreset(
            rest.name, rest.label, rest.ranges, None, rest.half_double_time, rest.description
        )
    ranges = {
        field: _narrowed(values.get(field), low, high)
        for field, (_, low, high, _) in SLIDERS.items()
    }
    tempo = _narrowed(values.get("tempo"), TEMPO_SLIDER[0], TEMPO_SLIDER[1])
    try:
        return TrackFilter(
            genres_include=tuple(values.get("genres_include") or ()),
            genres_exclude=tuple(values.get("genres_exclude") or ()),
            moods=tuple(values.get("moods") or ()),
            activity=activity,
            tempo=tempo,
            # Only meaningful with a tempo range; without one it would make an empty filter
            # non-empty.
            half_double_time=tempo is not None and _switched_on(values.get("half_double_time")),
            release_year=_narrowed(values.get("release_year"), *year_bounds),
            allow_explicit=_switched_on(values.get("allow_explicit"), default=True),
            **ranges,
        )
    except FilterError as error:
        raise TrackFilterError(str(error)) from None


def _narrowed(value: Any, low: float, high: float) -> tuple[float, float] | None:
    """The range when it is narrower than the slider's full span, else None (no condition).

    Typed values can arrive empty or reversed (the slider's number boxes): an empty end means
    the span's end, and the two ends are put in order."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    try:
        lo = low if value[0] in (None, "") else float(value[0])
        hi = high if value[1] in (None, "") else float(value[1])
    except (TypeError, ValueError):
        return None
    lo, hi = min(lo, hi), max(lo, hi)
    if lo <= low and hi >= high:
        return None
    return max(lo, low), min(hi, high)


def _switched_on(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    return "on" in value if isinstance(value, list) else bool(value)
