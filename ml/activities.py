"""Activity presets: named, editable bundles of feature ranges ("running" = 150-180 BPM, energetic).

A preset is data, not code: the UI edits its ranges and playlists store it (``to_dict``), so a
"smart playlist" re-runs with exactly the ranges it was made with. Tempo matching counts half and
double time: beat trackers often report half or double the felt pulse, and a runner stepping at
170 per minute is just as happy with an 85 BPM track felt in half time.

Where the numbers come from (rounded; these are starting points users can edit):
- running: 150-180 BPM matches running cadence (steps per minute); Heiderscheit et al. 2011,
  "Effects of step rate manipulation on joint mechanics during running" (Med Sci Sports Exerc
  43(2)) report recreational runners around 160-175 steps/min.
- workout: 120-145 BPM; Karageorghis et al. 2011, "Revisiting the relationship between exercise
  heart rate and music tempo preference" (Res Q Exerc Sport 82(2)) found preferred tempi of
  ~125-140 BPM across exercise intensities.
- sleep: 60-80 BPM, low energy, no half/double time (a 140 BPM track "in half time" is not a
  lullaby); the slow, steady tempi music-for-sleep studies describe (Dickson & Schubert 2019, "How
  does music aid sleep? Literature review", Sleep Medicine; Trahan et al. 2018, PLoS ONE 13(11)).
- focus / study: little speech (speechiness <= 0.1, Spotify's "mostly music" end of the scale),
  because intelligible speech disrupts reading and memory tasks (the irrelevant-speech effect,
  Salame & Baddeley 1989, Q J Exp Psychol 41(1)); study is calmer and more acoustic.
- party, commute, dinner: our own bands over Spotify's 0..1 scales (see docs/MODEL.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# Features a preset (or a filter) may constrain, with the widest range each can take.
FEATURE_BOUNDS: dict[str, tuple[float, float]] = {
    "danceability": (0.0, 1.0),
    "energy": (0.0, 1.0),
    "valence": (0.0, 1.0),
    "acousticness": (0.0, 1.0),
    "instrumentalness": (0.0, 1.0),
    "speechiness": (0.0, 1.0),
    "liveness": (0.0, 1.0),
    "loudness": (-60.0, 5.0),  # dB
    "popularity": (0.0, 100.0),
    "release_year": (1900.0, 2100.0),
}
TEMPO_BOUNDS: tuple[float, float] = (0.0, 300.0)  # BPM


def check_range(label: str, value: Any, bounds: tuple[float, float]) -> tuple[float, float]:
    """A validated (lo, hi) pair; raises ValueError with a message a user can act on."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a pair of numbers (low, high), got {value!r}") from None
    if np.isnan(lo) or np.isnan(hi):
        raise ValueError(f"{label} must be a pair of numbers (low, high), got {value!r}")
    if lo > hi:
        raise ValueError(
            f"{label} range {lo:g}..{hi:g} is empty: the low end must not exceed the high end"
        )
    if lo < bounds[0] or hi > bounds[1]:
        raise ValueError(
            f"{label} range {lo:g}..{hi:g} must lie within {bounds[0]:g}..{bounds[1]:g}"
        )
    return lo, hi


def tempo_matches(
    tempo: np.ndarray, lo: float, hi: float, half_double_time: bool = True
) -> np.ndarray:
    """Tracks whose tempo is in [lo, hi], or (with half/double time) whose half or double is."""
    tempo = np.asarray(tempo, dtype=np.float64)
    hit = (tempo >= lo) & (tempo <= hi)
    if half_double_time:
        hit |= (tempo * 2.0 >= lo) & (tempo * 2.0 <= hi)
        hit |= (tempo / 2.0 >= lo) & (tempo / 2.0 <= hi)
    return hit


@dataclass(frozen=True)
class ActivityPreset:
    """A named bundle of ranges; a track fits when every range (and the tempo) holds."""

    name: str
    label: str
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    tempo: tuple[float, float] | None = None
    half_double_time: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise ValueError("an activity preset needs a name")
        ranges = {}
        for feature, value in dict(self.ranges).items():
            if feature not in FEATURE_BOUNDS:
                raise ValueError(
                    f"preset {self.name!r}: unknown feature {feature!r}; "
                    f"choose from {', '.join(FEATURE_BOUNDS)}"
                )
            ranges[feature] = check_range(f"{feature}", value, FEATURE_BOUNDS[feature])
        object.__setattr__(self, "ranges", ranges)
        if self.tempo is not None:
            object.__setattr__(self, "tempo", check_range("tempo", self.tempo, TEMPO_BOUNDS))

    def mask(self, tracks: pd.DataFrame) -> np.ndarray:
        """Boolean array: which rows of ``tracks`` fit this preset (vectorised)."""
        keep = np.ones(len(tracks), dtype=bool)
        for feature, (lo, hi) in self.ranges.items():
            values = pd.to_numeric(tracks[feature], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            keep &= (values >= lo) & (values <= hi)
        if self.tempo is not None:
            keep &= tempo_matches(tracks["tempo"].to_numpy(), *self.tempo, self.half_double_time)
        return keep

    def with_ranges(self, **ranges: tuple[float, float] | None) -> ActivityPreset:
        """A copy with some ranges replaced (``None`` removes one): how the UI edits a preset."""
        updated = dict(self.ranges)
        for feature, value in ranges.items():
            if value is None:
                updated.pop(feature, None)
            else:
                updated[feature] = value
        return ActivityPreset(
            self.name, self.label, updated, self.tempo, self.half_double_time, self.description
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "ranges": {feature: [lo, hi] for feature, (lo, hi) in self.ranges.items()},
            "tempo": list(self.tempo) if self.tempo is not None else None,
            "half_double_time": self.half_double_time,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActivityPreset:
        if not isinstance(data, Mapping) or "name" not in data:
            raise ValueError("an activity preset must be a mapping with at least a 'name'")
        tempo = data.get("tempo")
        return cls(
            name=str(data["name"]),
            label=str(data.get("label") or data["name"]),
            ranges={k: tuple(v) for k, v in dict(data.get("ranges") or {}).items()},
            tempo=tuple(tempo) if tempo is not None else None,
            half_double_time=bool(data.get("half_double_time", True)),
            description=str(data.get("description") or ""),
        )


PRESETS: dict[str, ActivityPreset] = {
    preset.name: preset
    for preset in (
        ActivityPreset(
            "workout",
            "Workout",
            {"energy": (0.7, 1.0), "danceability": (0.55, 1.0)},
            tempo=(120.0, 145.0),
            description="Driving, high-energy tracks at a gym pace.",
        ),
        ActivityPreset(
            "running",
            "Running",
            {"energy": (0.6, 1.0)},
            tempo=(150.0, 180.0),
            description="Beats that match a running cadence (half time counts).",
        ),
        ActivityPreset(
            "focus",
            "Focus",
            {"speechiness": (0.0, 0.1), "energy": (0.2, 0.7)},
            description="Steady, mostly wordless music that stays out of the way.",
        ),
        ActivityPreset(
            "study",
            "Study",
            {"speechiness": (0.0, 0.1), "energy": (0.0, 0.55), "acousticness": (0.2, 1.0)},
            description="Calm, acoustic, little talking.",
        ),
        ActivityPreset(
            "party",
            "Party",
            {"danceability": (0.7, 1.0), "energy": (0.7, 1.0), "valence": (0.5, 1.0)},
            tempo=(100.0, 135.0),
            description="Danceable, bright and loud.",
        ),
        ActivityPreset(
            "sleep",
            "Sleep",
            {"energy": (0.0, 0.35), "loudness": (-60.0, -10.0)},
            tempo=(60.0, 80.0),
            half_double_time=False,
            description="Slow, soft and quiet.",
        ),
        ActivityPreset(
            "commute",
            "Commute",
            {"energy": (0.45, 0.85), "valence": (0.4, 1.0)},
            tempo=(90.0, 130.0),
            description="Upbeat and moving, not exhausting.",
        ),
        ActivityPreset(
            "dinner",
            "Dinner / chill",
            {"energy": (0.2, 0.6), "speechiness": (0.0, 0.15), "loudness": (-60.0, -6.0)},
            description="Relaxed background music that leaves room to talk.",
        ),
    )
}


def get_preset(name: str) -> ActivityPreset:
    """A built-in preset by name; unknown names raise ValueError listing the valid ones."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown activity preset {name!r}: choose from {', '.join(PRESETS)}"
        ) from None
