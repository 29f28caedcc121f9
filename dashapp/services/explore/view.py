"""Which points one map view draws, and the view state the page keeps between callbacks.

Beyond ``MAX_POINTS_2D`` / ``MAX_POINTS_3D`` points the map is decimated: a fixed random priority
per track picks which points stay, so points do not jump around as filters change. In 2D the
viewport narrows the candidates first, so zooming in shows every point of the zoomed area.
Hover labels ("title · artist") are sent only when at most ``HOVER_TEXT_LIMIT`` points are drawn;
beyond that the hover names the category and details are looked up on click.

A *view* is the plain dict the page stores after drawing (``view_spec``): the model version, the
filter form's values, dims, colouring, the "show only" rows and the 2D viewport. Clicks and
selections name points by trace and index, so they are mapped back through the same view's points
(``view_points``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from dashapp.services.explore.base import ExploreError, MapBase
from dashapp.services.explore.staging import Staging
from dashapp.services.track_filters import TrackFilterError, filter_from_values
from db.queries import listeners
from db.session import session_scope
from ml.activities import FEATURE_BOUNDS
from ml.filters import FilterError, TrackFilter
from music.schema import InteractionKind

Dims = Literal[2, 3]

# WebGL scattergl draws 114k points smoothly; scatter3d gets sluggish well before that.
MAX_POINTS_2D = 120_000
MAX_POINTS_3D = 40_000
# Above this many drawn points hover text would dominate the payload (~35 bytes per label).
HOVER_TEXT_LIMIT = 15_000

CATEGORICAL_COLOURINGS: dict[str, str] = {
    "cluster": "Cluster",
    "family": "Family",
    "genre": "Genre",
    "mood": "Mood",
}
FEATURE_COLOURINGS: dict[str, str] = {
    "energy": "Energy",
    "danceability": "Danceability",
    "valence": "Valence (positivity)",
    "acousticness": "Acousticness",
    "instrumentalness": "Instrumentalness",
    "speechiness": "Speechiness",
    "tempo": "Tempo (BPM)",
    "loudness": "Loudness (dB)",
    "popularity": "Popularity",
    "release_year": "Release year",
}
COLOURINGS: dict[str, str] = {**CATEGORICAL_COLOURINGS, **FEATURE_COLOURINGS}
# Features on a fixed scale keep it, so a colour means the same under any filter.
FIXED_SCALES = frozenset(
    {
        "energy",
        "danceability",
        "valence",
        "acousticness",
        "instrumentalness",
        "speechiness",
        "popularity",
    }
)


@dataclass(frozen=True)
class MapPoints:
    """The points one map view draws: plain arrays a figure builder renders without looking up."""

    dims: Dims
    colour_by: str
    colour_label: str
    rows: np.ndarray  # uint32 catalogue rows drawn, ascending
    coords: np.ndarray  # float32 (m, dims)
    codes: np.ndarray | None  # category code per point (categorical colourings)
    category_names: tuple[str, ...]  # names of every code (stable across filters)
    values: np.ndarray | None  # float32 value per point (feature colourings)
    value_range: tuple[float, float] | None
    size: np.ndarray  # uint8
    hover: list[str] | None  # "title · artist" per point, or None when too many points
    matched: int  # tracks passing the filter (before decimation)
    total: int  # tracks in the catalogue
    highlight: tuple[float, ...] | None = None  # coordinates of the searched/clicked track
    highlight_label: str = ""
    # Colouring by cluster with families known: each code's family, the family names, and the
    # family labels drawn on the 2D map ((name, x, y)).
    code_groups: tuple[int, ...] = ()
    group_names: tuple[str, ...] = ()
    group_labels: tuple[tuple[str, float, float], ...] = ()

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def decimated(self) -> bool:
        return self.shown < self.matched


def map_points(
    base: MapBase,
    *,
    dims: Dims = 2,
    colour_by: str = "cluster",
    track_filter: TrackFilter | None = None,
    only_rows: np.ndarray | None = None,
    viewport: tuple[tuple[float, float], tuple[float, float]] | None = None,
    highlight_row: int | None = None,
    max_points: int | None = None,
) -> MapPoints:
    """The points to draw: filtered, optionally restricted to ``only_rows``, decimated if needed.

    ``viewport`` ((x0, x1), (y0, y1)) applies to the 2D map when the view would be decimated: only
    points inside it compete for the point budget, which is how zooming in reveals detail.
    """
    if colour_by not in COLOURINGS:
        raise ExploreError(f"cannot colour by {colour_by!r}: choose from {', '.join(COLOURINGS)}")
    keep = (
        track_filter.mask(base.filter_index)
        if track_filter is not None and not track_filter.is_empty
        else np.ones(len(base), dtype=bool)
    )
    if only_rows is not None:
        restricted = np.zeros(len(base), dtype=bool)
        restricted[np.asarray(only_rows, dtype=np.int64)] = True
        keep &= restricted
    rows = np.flatnonzero(keep)
    matched = len(rows)
    coords_all = base.coords2 if dims == 2 else base.coords3
    budget = max_points or (MAX_POINTS_2D if dims == 2 else MAX_POINTS_3D)
    if len(rows) > budget and dims == 2 and viewport is not None:
        (x0, x1), (y0, y1) = viewport
        xy = coords_all[rows]
        inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
        rows = rows[inside]
    if len(rows) > budget:
        chosen = np.argpartition(base.priority[rows], budget - 1)[:budget]
        rows = np.sort(rows[chosen])
    codes, names, values, value_range = None, (), None, None
    if colour_by in CATEGORICAL_COLOURINGS:
        all_codes, names = base.categories[colour_by]
        codes = all_codes[rows]
    else:
        column = pd.to_numeric(base.tracks[colour_by], errors="coerce")
        all_values = column.to_numpy(dtype=np.float32, na_value=np.nan)
        values = all_values[rows]
        if colour_by in FIXED_SCALES:
            value_range = FEATURE_BOUNDS[colour_by]
        elif np.isfinite(all_values).any():
            value_range = (float(np.nanmin(all_values)), float(np.nanmax(all_values)))
    highlight = None
    highlight_label = ""
    if highlight_row is not None and 0 <= highlight_row < len(base):
        highlight = tuple(float(v) for v in coords_all[highlight_row])
        highlight_label = str(base.labels[highlight_row])
    return MapPoints(
        dims=dims,
        colour_by=colour_by,
        colour_label=COLOURINGS[colour_by],
        rows=rows.astype(np.uint32),
        coords=coords_all[rows],
        codes=codes,
        category_names=names,
        values=values,
        value_range=value_range,
        size=base.size[rows],
        hover=list(base.labels[rows]) if len(rows) <= HOVER_TEXT_LIMIT else None,
        matched=matched,
        total=len(base),
        highlight=highlight,
        highlight_label=highlight_label,
        code_groups=base.cluster_family if colour_by == "cluster" else (),
        group_names=base.family_names if colour_by == "cluster" else (),
        group_labels=base.family_labels if colour_by in ("cluster", "family") else (),
    )


def rows_of_category(base: MapBase, colour_by: str, row: int) -> np.ndarray:
    """Rows sharing ``row``'s category ("select this cluster" in 3D, which has no lasso)."""
    if colour_by not in CATEGORICAL_COLOURINGS:
        colour_by = "cluster"
    codes, _ = base.categories[colour_by]
    return np.flatnonzero(codes == codes[row])


def nearest_rows(base: MapBase, row: int, k: int, dims: Dims = 3) -> np.ndarray:
    """The ``k`` tracks nearest ``row`` on the map (``row`` itself first): "select k nearest"."""
    coords = base.coords2 if dims == 2 else base.coords3
    distance = np.square(coords - coords[row]).sum(axis=1)
    k = min(k, len(base))
    nearest = np.argpartition(distance, k - 1)[:k]
    return nearest[np.argsort(distance[nearest], kind="stable")]


SHOW_ONLY: dict[str, str] = {
    "all": "All tracks",
    "likes": "My likes",
    "plays": "My plays",
    "staged": "Staged tracks",
}
_LIKED_KINDS = frozenset({InteractionKind.LIKE, InteractionKind.FAVOURITE})


def my_rows(base: MapBase, user_id: int, which: str, staging: Staging | None = None) -> np.ndarray:
    """Catalogue rows for "show only" (my likes / my plays / staged); never another user's."""
    if which == "staged":
        return base.rows_of(staging.track_ids if staging else ())
    if which not in ("likes", "plays"):
        raise ExploreError(f"cannot show only {which!r}: choose from {', '.join(SHOW_ONLY)}")
    with session_scope() as session:
        events = listeners.history(session, user_id)
    kinds = _LIKED_KINDS if which == "likes" else frozenset({InteractionKind.PLAY})
    return base.rows_of(dict.fromkeys(e.track_id for e in events if e.kind in kinds))


# ---------------------------------------------------------------- the view the page keeps


def viewport_from_relayout(relayout: Any, previous: Any) -> list[list[float]] | None:
    """The zoomed 2D window from plotly's ``relayoutData``; None once the user resets the zoom,
    ``previous`` when the event says nothing about the axes (a drag-mode change, a legend click)."""
    if not isinstance(relayout, dict) or relayout.get("xaxis.autorange"):
        return None
    try:
        window = [
            [float(relayout["xaxis.range[0]"]), float(relayout["xaxis.range[1]"])],
            [float(relayout["yaxis.range[0]"]), float(relayout["yaxis.range[1]"])],
        ]
    except (KeyError, TypeError, ValueError):
        return previous
    # The client sends these: "nan" and "inf" parse as floats but are no window.
    return window if all(math.isfinite(v) for axis in window for v in axis) else previous


def view_spec(
    base: MapBase,
    *,
    filters: dict[str, Any],
    dims: Any,
    colour_by: str,
    only_rows: list[int] | None,
    viewport: list[list[float]] | None,
) -> dict[str, Any]:
    """The plain view dict the page stores (JSON-safe): what ``view_points`` redraws from."""
    return {
        "version": base.version,
        "filters": filters,
        "dims": 3 if dims == 3 else 2,
        "colour_by": colour_by,
        "only_rows": only_rows,
        "viewport": viewport,
    }


def view_points(base: MapBase, view: dict[str, Any], highlight_row: int | None = None) -> MapPoints:
    """The points of a stored view; form errors come back as ``ExploreError``."""
    only_rows = view.get("only_rows")
    viewport = view.get("viewport")
    try:
        track_filter = filter_from_values(view.get("filters") or {}, year_bounds=base.year_bounds)
        return map_points(
            base,
            dims=3 if view.get("dims") == 3 else 2,
            colour_by=view.get("colour_by") or "cluster",
            track_filter=track_filter,
            only_rows=np.asarray(only_rows, dtype=np.int64) if only_rows is not None else None,
            viewport=(tuple(viewport[0]), tuple(viewport[1])) if viewport else None,
            highlight_row=highlight_row,
        )
    except (TrackFilterError, FilterError) as error:
        raise ExploreError(str(error)) from None


def show_only_rows(
    base: MapBase, user_id: int, which: str | None, staging: Staging | None
) -> list[int] | None:
    """The rows "show only" keeps, as a JSON-safe list; None for all tracks."""
    if not which or which == "all":
        return None
    return my_rows(base, user_id, which, staging).tolist()


def matches_bounds(points: MapPoints) -> list[list[float]] | None:
    """Axis ranges framing the drawn 2D points ("zoom to matches"), with a margin; None when
    nothing is drawn or the map is 3D."""
    if points.dims != 2 or not len(points.coords):
        return None
    low = points.coords.min(axis=0).astype(float)
    high = points.coords.max(axis=0).astype(float)
    # A lone point (or a tight clump) still gets a window a user can read.
    margin = np.maximum((high - low) * 0.08, 0.05)
    return [[low[0] - margin[0], high[0] + margin[0]], [low[1] - margin[1], high[1] + margin[1]]]


def centre_window(base: MapBase, row: int) -> list[list[float]]:
    """2D axis ranges centred on ``row``, a tenth of the whole map wide (after a search).

    Sized from the whole catalogue's extent, not the filtered points, so the same search gives
    the same window under any filter and a later redraw does not move the user's view."""
    coords = base.coords2
    extent = coords.max(axis=0) - coords.min(axis=0) if len(coords) else np.ones(2)
    half = float(max(extent.max(), 1e-3)) / 10
    x, y = (float(v) for v in coords[row])
    return [[x - half, x + half], [y - half, y + half]]
