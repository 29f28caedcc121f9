"""Row-level checks for catalogue files: every bad cell becomes a (line, column, reason) problem.

Checks are vectorised over whole columns (a 114k-row file is checked in well under a second) and
never stop at the first problem, so one run reports everything wrong with a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from db.importers.csv_source import RawTable
from db.importers.report import RowProblem, ValidationReport

# Valid ranges, inclusive, from the Spotify Web API reference for audio features. Loudness is
# "typically -60..0 dB"; real files carry a few mastered-hot tracks slightly above 0 (the
# TidyTuesday maximum is +1.3 dB), so the ceiling is +5. Tempo 0 marks "no beat detected".
FEATURE_RANGES: dict[str, tuple[float, float]] = {
    "danceability": (0.0, 1.0),
    "energy": (0.0, 1.0),
    "loudness": (-60.0, 5.0),
    "speechiness": (0.0, 1.0),
    "acousticness": (0.0, 1.0),
    "instrumentalness": (0.0, 1.0),
    "liveness": (0.0, 1.0),
    "valence": (0.0, 1.0),
    "tempo": (0.0, 300.0),
}
POPULARITY_RANGE = (0, 100)
KEY_RANGE = (-1, 11)  # pitch class; -1 = no key detected
MODE_RANGE = (0, 1)  # 0 minor, 1 major
# Spotify documents 3..7; real exports also carry 0 and 1 for "unknown".
TIME_SIGNATURE_RANGE = (0, 7)
# Longer than a day is a unit mistake (seconds or microseconds), not a track.
DURATION_MS_RANGE = (1, 86_400_000)
RELEASE_YEAR_RANGE = (1900, 2100)

_TRUE = {"true", "t", "yes", "1"}
_FALSE = {"false", "f", "no", "0"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _to_float(cells: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Parse numbers, NaN where empty or not a number (numpy's float() path is the fast one)."""
    raw = cells.copy()
    raw[empty] = "nan"
    try:
        return raw.astype(np.float64)
    except ValueError:
        raw[empty] = None
        return pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )


Reason = str | Callable[[int], str]  # fixed text, or built from the row position when flagged


class RowChecker:
    """Parses the string columns of a ``RawTable`` and collects problems with them.

    ``invalid`` is a boolean mask over rows that turns True for any row with a problem. Reasons
    are only formatted for flagged rows, so checking a clean file builds no strings.
    """

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.index = pd.RangeIndex(len(table))
        self.invalid = np.zeros(len(table), dtype=bool)
        self.problems: list[RowProblem] = list(table.problems)
        for problem in table.problems:
            self.invalid |= table.lines == problem.line

    def has(self, column: str) -> bool:
        return column in self.table.columns

    def cells(self, column: str) -> np.ndarray:
        return self.table.columns[column]

    def flag(self, column: str, mask: np.ndarray, reason: Reason) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        for position in np.flatnonzero(mask):
            text = reason if isinstance(reason, str) else reason(int(position))
            self.problems.append(RowProblem(int(self.table.lines[position]), column, text))
        self.invalid |= mask

    def report(self) -> ValidationReport:
        return ValidationReport(rows_read=len(self.table), problems=sorted(self.problems))

    # --- typed columns ------------------------------------------------------------------------

    def text(
        self, column: str, max_length: int, *, required: bool, default: str | None = None
    ) -> pd.Series:
        """Trimmed text; empty becomes ``default`` (or a problem when ``required``)."""
        cells = self.cells(column)
        empty = cells == ""
        if required:
            self.flag(column, empty, "is empty")
        too_long = np.fromiter(map(len, cells), np.int64, len(cells)) > max_length
        self.flag(column, too_long, f"is longer than {max_length} characters")
        values = cells.copy()
        values[empty] = default
        return pd.Series(values, index=self.index, dtype=object)

    def number(
        self,
        column: str,
        bounds: tuple[float, float],
        *,
        integer: bool = False,
        required: bool = True,
    ) -> pd.Series:
        """A float (or ``Int64`` when ``integer``) column, checked against inclusive ``bounds``."""
        cells = self.cells(column)
        empty = cells == ""
        values = _to_float(cells, empty)
        finite = np.isfinite(values)
        if required:
            self.flag(column, empty, "is empty")
        self.flag(column, ~empty & ~finite, lambda i: f"'{cells[i]}' is not a number")
        ok = finite.copy()
        if integer:
            fractional = ok & (values != np.floor(np.where(ok, values, 0.0)))
            self.flag(column, fractional, lambda i: f"{cells[i]} is not a whole number")
            ok &= ~fractional
        low, high = bounds
        with np.errstate(invalid="ignore"):
            below = ok & (values < low)
            above = ok & (values > high)
        self.flag(column, below, lambda i: f"{cells[i]} is below the minimum {_format_number(low)}")
        self.flag(
            column, above, lambda i: f"{cells[i]} is above the maximum {_format_number(high)}"
        )
        values = np.where(ok & ~below & ~above, values, np.nan)
        series = pd.Series(values, index=self.index, dtype="float64")
        return series.round().astype("Int64") if integer else series

    def boolean(self, column: str, *, required: bool = True) -> pd.Series:
        cells = self.cells(column)
        lowered = np.array([c.lower() for c in cells], dtype=object)
        empty = cells == ""
        is_true = np.isin(lowered, list(_TRUE))
        is_false = np.isin(lowered, list(_FALSE))
        if required:
            self.flag(column, empty, "is empty")
        self.flag(
            column, ~empty & ~is_true & ~is_false, lambda i: f"'{cells[i]}' is not true or false"
        )
        values = pd.Series(pd.NA, index=self.index, dtype="boolean")
        values[is_true] = True
        values[is_false] = False
        return values

    def release_date(self, column: str) -> tuple[pd.Series, pd.Series]:
        """(date or None, year) from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; empty is allowed."""
        cells = self.cells(column)
        dates: list[date | None] = []
        years: list[int | None] = []
        reasons: dict[int, str] = {}
        low, high = RELEASE_YEAR_RANGE
        for i, text in enumerate(cells):
            reason = ""
            parsed: date | None = None
            year: int | None = None
            if text:
                match = _DATE.match(text)
                if not match:
                    reason = f"'{text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
                else:
                    year = int(match.group(1))
                    month, day = match.group(2), match.group(3)
                    if not low <= year <= high:
                        reason = f"year {year} is outside {low}..{high}"
                    elif month and not 1 <= int(month) <= 12:
                        reason = f"'{text}' has no month {month}"
                    elif day:
                        try:
                            parsed = date(year, int(month), int(day))
                        except ValueError:
                            reason = f"'{text}' is not a calendar date"
            if reason:
                reasons[i] = reason
                parsed = year = None
            dates.append(parsed)
            years.append(year)
        bad = np.zeros(len(cells), dtype=bool)
        bad[list(reasons)] = True
        self.flag(column, bad, reasons.__getitem__)
        return (
            pd.Series(dates, index=self.index, dtype=object),
            pd.Series(years, index=self.index, dtype="Int64"),
        )

    # --- whole rows ---------------------------------------------------------------------------

    def conflicting_duplicates(self, key: pd.Series, values: dict[str, pd.Series]) -> None:
        """Rows that repeat ``key`` must repeat its values; later rows that differ are problems.

        Only rows valid so far are compared, so the first valid occurrence is the reference.
        """
        candidates = ~self.invalid
        repeated = np.zeros(len(key), dtype=bool)
        repeated[candidates] = key[candidates].duplicated(keep=False).to_numpy()
        if not repeated.any():
            return
        positions = np.flatnonzero(repeated)
        keys = key.iloc[positions].reset_index(drop=True)
        first = keys.groupby(keys, sort=False).cumcount() == 0
        reference_position = (
            pd.Series(positions).groupby(keys, sort=False).transform("first").to_numpy()
        )
        reasons: dict[int, str] = {}
        for column, series in values.items():
            subset = series.iloc[positions].reset_index(drop=True)
            reference = series.iloc[reference_position].reset_index(drop=True)
            same = (subset.astype(object) == reference.astype(object)).fillna(False)
            same |= subset.isna() & reference.isna()
            for j in np.flatnonzero(~same.to_numpy(dtype=bool) & ~first.to_numpy()):
                position = int(positions[j])
                if position in reasons:
                    continue
                line = int(self.table.lines[reference_position[j]])
                reasons[position] = (
                    f"track {keys[j]} has {column} {subset[j]} here "
                    f"but {reference[j]} on line {line}"
                )
        mask = np.zeros(len(key), dtype=bool)
        mask[list(reasons)] = True
        self.flag("", mask, reasons.__getitem__)


# Track titles may be long: the Kaggle file's longest is 511 characters, a real Spanish single
# that credits 30 artists in its "(feat. ...)" part. tracks.name holds this many (migration 0002).
TITLE_MAX_LENGTH = 1000
# Placeholders for the few real rows with no title or artist (TidyTuesday has five): the track is
# still a real, playable catalogue entry with audio features, so it is kept, visibly unnamed.
UNKNOWN_TITLE = "(untitled)"
UNKNOWN_ARTIST = "(unknown artist)"
# Track columns that must agree when a file repeats a track id (one row per genre or playlist).
# Popularity is left out on purpose: it is a snapshot that differs between collection passes,
# and the first row's value is kept.
CONSISTENT_TRACK_COLUMNS: tuple[str, ...] = (
    "name",
    "artist_names",
    "album_id",
    "album_name",
    "release_date",
    "duration_ms",
    "explicit",
    "key",
    "mode",
    *FEATURE_RANGES,
    "time_signature",
)


def audio_features(checker: RowChecker) -> dict[str, pd.Series]:
    """Every Spotify audio feature as float, range-checked, plus integer key and mode."""
    values = {name: checker.number(name, bounds) for name, bounds in FEATURE_RANGES.items()}
    values["key"] = checker.number("key", KEY_RANGE, integer=True)
    values["mode"] = checker.number("mode", MODE_RANGE, integer=True)
    values["duration_ms"] = checker.number("duration_ms", DURATION_MS_RANGE, integer=True)
    return values
