"""``TrackFilter``: the one definition of "filters" (recommendations, the Explore map, playlists).

A filter is a small serialisable value; ``mask(tracks)`` turns it into a boolean array over a
catalogue frame. Everything is vectorised. Genre and mood tests work on codes computed once per
catalogue (``FilterIndex``): genre combinations and mood sets repeat a few hundred times over up to
a million rows, so each distinct combination is tested once and the answer gathered by code. Callers
that filter the same catalogue repeatedly (the recommender, the map) keep one ``FilterIndex``.

Semantics a user sees:
- genres: a slug matches a top-level genre ("rock") or a subgenre ("rock/hard rock"); include keeps
  tracks carrying any included slug, exclude drops tracks carrying any excluded one.
- moods: keeps tracks carrying any of the chosen moods (``music.moods.MOODS``).
- ranges are inclusive; a track with no release year fails a release-year range.
- tempo: optionally counts half and double time (a 170 BPM track fits 80-90 BPM).
- allow_explicit=False drops tracks marked explicit; tracks of unknown explicitness stay (the
  TidyTuesday catalogue does not say).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ml.activities import (
    FEATURE_BOUNDS,
    TEMPO_BOUNDS,
    ActivityPreset,
    check_range,
    get_preset,
    tempo_matches,
)
from ml.moods import mood_bits, moods_mask
from music.moods import MOODS

RANGE_FIELDS: tuple[str, ...] = (
    "energy",
    "danceability",
    "valence",
    "acousticness",
    "popularity",
    "release_year",
)


class FilterError(ValueError):
    """A filter a user built cannot be applied; the message says which part and why."""


class FilterIndex:
    """Per-catalogue arrays the filters test against, computed on first use and then reused."""

    def __init__(self, tracks: pd.DataFrame) -> None:
        self.tracks = tracks
        self._numeric: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.tracks)

    def numeric(self, column: str) -> np.ndarray:
        if column not in self._numeric:
            self._numeric[column] = pd.to_numeric(self.tracks[column], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        return self._numeric[column]

    @cached_property
    def genre_codes(self) -> tuple[np.ndarray, list[frozenset[str]]]:
        """(code per track, the distinct sets of genre + subgenre slugs the codes point into)."""
        genres = self.tracks["genres"].map(_as_tuple)
        subgenres = self.tracks["subgenres"].map(_as_tuple)
        pairs = pd.Series(list(zip(genres, subgenres, strict=True)), dtype=object)
        codes, distinct = pd.factorize(pairs, sort=False)
        sets = [frozenset(genres) | frozenset(subgenres) for genres, subgenres in distinct]
        return codes, sets

    @cached_property
    def mood_bits(self) -> np.ndarray:
        if "moods" not in self.tracks.columns:
            return mood_bits(self.tracks)
        codes, distinct = pd.factorize(self.tracks["moods"].map(_as_tuple), sort=False)
        per_distinct = np.array(
            [moods_mask([m for m in moods if m in MOODS]) for moods in distinct], dtype=np.uint16
        )
        return per_distinct[codes] if len(codes) else np.zeros(0, dtype=np.uint16)

    @cached_property
    def explicit(self) -> np.ndarray:
        """True only where a track is known to be explicit."""
        return self.tracks["explicit"].astype("boolean").fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class TrackFilter:
    genres_include: tuple[str, ...] = ()
    genres_exclude: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    activity: ActivityPreset | None = None  # a built-in name is accepted and resolved
    tempo: tuple[float, float] | None = None
    half_double_time: bool = False
    energy: tuple[float, float] | None = None
    danceability: tuple[float, float] | None = None
    valence: tuple[float, float] | None = None
    acousticness: tuple[float, float] | None = None
    popularity: tuple[float, float] | None = None
    release_year: tuple[float, float] | None = None
    allow_explicit: bool = True

    def __post_init__(self) -> None:
        try:
            self._validate()
        except ValueError as error:
            raise FilterError(str(error)) from None

    def _validate(self) -> None:
        set_ = object.__setattr__
        set_(self, "genres_include", _slugs(self.genres_include, "genres_include"))
        set_(self, "genres_exclude", _slugs(self.genres_exclude, "genres_exclude"))
        both = set(self.genres_include) & set(self.genres_exclude)
        if both:
            raise ValueError(f"genre {sorted(both)[0]!r} is both included and excluded: pick one")
        moods = tuple(_as_tuple(self.moods)) if not isinstance(self.moods, str) else (self.moods,)
        moods_mask(moods)  # raises on unknown names
        set_(self, "moods", moods)
        if isinstance(self.activity, str):
            set_(self, "activity", get_preset(self.activity))
        elif isinstance(self.activity, Mapping):
            set_(self, "activity", ActivityPreset.from_dict(self.activity))
        elif self.activity is not None and not isinstance(self.activity, ActivityPreset):
            raise ValueError(f"activity must be a preset name or preset, got {self.activity!r}")
        if self.tempo is not None:
            set_(self, "tempo", check_range("tempo", self.tempo, TEMPO_BOUNDS))
        for name in RANGE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                set_(self, name, check_range(name.replace("_", " "), value, FEATURE_BOUNDS[name]))

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps every track."""
        return self == TrackFilter()

    def mask(self, tracks: pd.DataFrame | FilterIndex) -> np.ndarray:
        """Boolean array over the rows of ``tracks``: True where a track passes every condition."""
        index = tracks if isinstance(tracks, FilterIndex) else FilterIndex(tracks)
        keep = np.ones(len(index), dtype=bool)
        if self.genres_include or self.genres_exclude:
            codes, sets = index.genre_codes
            include, exclude = set(self.genres_include), set(self.genres_exclude)
            per_set = np.array(
                [(not include or bool(include & s)) and not (exclude & s) for s in sets],
                dtype=bool,
            )
            keep &= per_set[codes] if len(codes) else keep
        if self.moods:
            keep &= (index.mood_bits & np.uint16(moods_mask(self.moods))) != 0
        if self.activity is not None:
            keep &= self.activity.mask(index.tracks)
        if self.tempo is not None:
            keep &= tempo_matches(index.numeric("tempo"), *self.tempo, self.half_double_time)
        for name in RANGE_FIELDS:
            bounds = getattr(self, name)
            if bounds is not None:
                values = index.numeric(name)
                keep &= (values >= bounds[0]) & (values <= bounds[1])
        if not self.allow_explicit:
            keep &= ~index.explicit
        return keep

    def to_dict(self) -> dict[str, Any]:
        """Only what is set, JSON-friendly (lists for tuples; the activity as its full preset)."""
        data: dict[str, Any] = {}
        default = TrackFilter()
        for item in fields(self):
            value = getattr(self, item.name)
            if value == getattr(default, item.name):
                continue
            if isinstance(value, ActivityPreset):
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = list(value)
            data[item.name] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TrackFilter:
        if not data:
            return cls()
        if not isinstance(data, Mapping):
            raise FilterError(f"a filter must be a mapping, got {type(data).__name__}")
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise FilterError(
                f"unknown filter field {unknown[0]!r}: use {', '.join(sorted(known))}"
            )
        values = dict(data)
        for name in ("tempo", *RANGE_FIELDS):
            if values.get(name) is not None:
                values[name] = tuple(values[name]) if _is_sequence(values[name]) else values[name]
        for name in ("genres_include", "genres_exclude", "moods"):
            if values.get(name) is not None and not isinstance(values[name], str):
                values[name] = tuple(values[name])
        return cls(**values)


def _as_tuple(value: object) -> tuple:
    if isinstance(value, tuple):
        return value
    if isinstance(value, list | np.ndarray):
        return tuple(value)
    return ()


def _is_sequence(value: object) -> bool:
    return isinstance(value, list | tuple)


def _slugs(values: object, label: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    if not isinstance(values, tuple | list):
        raise ValueError(f"{label} must be a list of genre slugs, got {values!r}")
    slugs = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{label} must hold genre names, got {value!r}")
        # Same normalisation as music.schema.genre_slug, applied to both sides of "rock/hard rock".
        slugs.append("/".join(" ".join(part.casefold().split()) for part in value.split("/", 1)))
    return tuple(dict.fromkeys(slugs))
