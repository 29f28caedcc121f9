"""The Explore map as a plotly figure dict: ``scattergl`` in 2D, ``scatter3d`` in 3D.

Built as a plain dict, not ``go.Figure``: plotly's validators would copy and check every array of a
114k-point figure on each callback, and the dict is what Dash serialises anyway.

Arrays travel as plotly.js typed arrays (``{"dtype": "f4", "bdata": <base64>}``), which plotly.js
reads natively: 4 bytes per float32 coordinate instead of ~10 characters of JSON text; feature
colours go as uint8 steps on the colour scale (256 shades are more than the eye separates).

No ``customdata``: dcc.Graph reads it back from ``figure.data`` and cannot index a typed array,
and as a JSON list of 114k row numbers it cost more to serialise than the rest of the figure.
Clicks and selections name points by (curveNumber, pointNumber); ``rows_from_event`` maps them
back to catalogue rows through ``trace_rows``, which rebuilds the same trace order from the same
``MapPoints``.

Categorical colourings get one trace per category, so the legend names clusters and
a legend click hides one; feature colourings are one trace on a continuous colour scale. Legend
entries are short (``LEGEND_CHARS``) so the legend leaves the map its width; the full name is in
each point's hover. The page can hide the legend altogether (``showlegend``; phones start without).

The map pans by default (``dragmode="pan"``): a drag that selects is a mode the user picks, since a
stray lasso would stage hundreds of tracks.

Colouring by cluster reads as an atlas when the model has families: the legend lists each family
as a titled group of its clusters (``legendgroup`` / ``legendgrouptitle``; a click on the title
hides the whole family), clusters of one family share a hue in different shades, and the 2D map
writes each family's name at its tracks' median position (layout annotations).
"""

from __future__ import annotations

import base64
import colorsys
from typing import Any

import numpy as np

from dashapp.services.explore import MapPoints

# Plotly's "Alphabet" (26) then "Dark24": distinct hues; clusters beyond 50 reuse them.
PALETTE: tuple[str, ...] = (
    "#AA0DFE", "#3283FE", "#85660D", "#782AB6", "#565656", "#1C8356", "#16FF32", "#F7E1A0",
    "#E2E2E2", "#1CBE4F", "#C4451C", "#DEA0FD", "#FE00FA", "#325A9B", "#FEAF16", "#F8A19F",
    "#90AD1C", "#F6222E", "#1CFFCE", "#2ED9FF", "#B10DA1", "#C075A6", "#FC1CBF", "#B00068",
    "#FBE426", "#FA0087", "#2E91E5", "#E15F99", "#1CA71C", "#FB0D0D", "#DA16FF", "#222A2A",
    "#B68100", "#750D86", "#EB663B", "#511CFB", "#00A08B", "#FB00D1", "#FC0080", "#B2828D",
    "#6C7C32", "#778AAE", "#862A16", "#A777F1", "#620042", "#1616A7", "#DA60CA", "#6C4516",
    "#0D2A63", "#AF0038",
)  # fmt: skip
FEATURE_COLOURSCALE = "Viridis"
HIGHLIGHT_COLOUR = "#000000"
LEGEND_CHARS = 16  # a legend entry's length; longer names end in "…" (hover shows them whole)
DRAGMODES = ("pan", "select", "lasso")
PLOTLY_DTYPES = {
    "float32": "f4",
    "float64": "f8",
    "int8": "i1",
    "int16": "i2",
    "int32": "i4",
    "uint8": "u1",
    "uint16": "u2",
    "uint32": "u4",
}


def typed_array(values: np.ndarray) -> dict[str, str]:
    """A plotly.js typed-array spec: the raw little-endian bytes, base64-encoded."""
    array = np.ascontiguousarray(values)
    dtype = PLOTLY_DTYPES.get(str(array.dtype))
    if dtype is None:
        raise TypeError(f"plotly.js has no typed array for {array.dtype}")
    little_endian = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return {"dtype": dtype, "bdata": base64.b64encode(little_endian.tobytes()).decode("ascii")}


def category_colour(code: int) -> str:
    return PALETTE[code % len(PALETTE)]


def family_shade(family: int, n_families: int, rank: int, n_members: int) -> str:
    """Hue per family (evenly spaced), lightness and saturation per cluster within it."""
    hue = (family / max(n_families, 1) + 0.03) % 1.0
    spread = rank / max(n_members - 1, 1)
    lightness = 0.32 + 0.36 * spread
    saturation = 0.85 - 0.35 * ((rank * 0.618) % 1.0)
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def trace_groups(points: MapPoints) -> list[tuple[int | None, np.ndarray]]:
    """(category code or None, positions into ``points``) of each point trace, in trace order."""
    if points.codes is None:
        return [(None, np.arange(len(points.rows)))]
    order = np.argsort(points.codes, kind="stable")
    present, starts = np.unique(points.codes[order], return_index=True)
    stops = [*starts[1:], len(order)]
    return [
        (int(code), order[start:stop])
        for code, start, stop in zip(present, starts, stops, strict=True)
    ]


def trace_rows(points: MapPoints) -> list[np.ndarray]:
    """The catalogue rows each point trace draws, in trace and point order."""
    return [points.rows[positions] for _, positions in trace_groups(points)]


def rows_from_event(points: MapPoints, event: Any) -> np.ndarray:
    """Catalogue rows of the points in a plotly click/selection event (``clickData``,
    ``selectedData``) on the figure built from ``points``; unknown points are skipped."""
    if not isinstance(event, dict):
        return np.zeros(0, dtype=np.int64)
    per_trace = trace_rows(points)
    rows = []
    for point in event.get("points") or []:
        if not isinstance(point, dict):
            continue
        curve, index = point.get("curveNumber"), point.get("pointNumber", point.get("pointIndex"))
        if not isinstance(curve, int) or not isinstance(index, int):
            continue
        if 0 <= curve < len(per_trace) and 0 <= index < len(per_trace[curve]):
            rows.append(int(per_trace[curve][index]))
    return np.asarray(rows, dtype=np.int64)


def build_map_figure(
    points: MapPoints,
    *,
    uirevision: str = "map",
    window: list[list[float]] | None = None,
    camera: dict[str, Any] | None = None,
    dragmode: str = "pan",
    showlegend: bool = True,
) -> dict[str, Any]:
    """The figure for ``points``; ``uirevision`` unchanged keeps the user's zoom and camera.

    ``window`` ([[x0, x1], [y0, y1]]) sets the 2D axis ranges and ``camera`` the 3D camera: the
    page sends back what the user was looking at, so a redraw keeps the zoom.
    """
    groups = trace_groups(points)
    traces = (
        _category_traces(points, groups) if points.codes is not None else [_feature_trace(points)]
    )
    # Always last, empty when no track is open: a click then patches just this trace
    # (``highlight_values``) instead of sending every point again.
    traces.append(_highlight_trace(points))
    layout = _layout(points, uirevision, window, dragmode if dragmode in DRAGMODES else "pan")
    layout["showlegend"] = bool(showlegend)
    if camera is not None and points.dims == 3:
        layout["scene"]["camera"] = camera
    return {"data": traces, "layout": layout}


def short_name(name: str, limit: int = LEGEND_CHARS) -> str:
    """A legend-sized name: cut at a word where it can be, with an ellipsis."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rstrip()
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut).rstrip(" ,·&-") + "…"


def _base_trace(points: MapPoints, order: np.ndarray | slice, name: str) -> dict[str, Any]:
    coords = points.coords[order]
    trace: dict[str, Any] = {
        "type": "scattergl" if points.dims == 2 else "scatter3d",
        "mode": "markers",
        "name": short_name(name),
        "x": typed_array(coords[:, 0]),
        "y": typed_array(coords[:, 1]),
        "marker": {
            # 3D points overlap much more on screen; smaller markers keep structure visible.
            "size": typed_array(points.size[order]) if points.dims == 2 else 2,
            "opacity": 0.75,
            "line": {"width": 0},
        },
    }
    if points.dims == 3:
        trace["z"] = typed_array(coords[:, 2])
    if points.hover is not None:
        indices = np.arange(len(points.rows))[order]
        trace["text"] = [points.hover[i] for i in indices]
        trace["hovertemplate"] = f"%{{text}}<extra>{_escape(name)}</extra>"
    else:
        # Too many points to ship a label each: name the group, details come on click.
        trace["hovertemplate"] = f"{_escape(name)} · click for details<extra></extra>"
    return trace


def _category_traces(
    points: MapPoints, groups: list[tuple[int | None, np.ndarray]]
) -> list[dict[str, Any]]:
    traces = []
    families = points.code_groups
    members: dict[int, list[int]] = {}
    for code, family in enumerate(families):
        members.setdefault(family, []).append(code)
    for code, positions in groups:
        assert code is not None
        name = points.category_names[code] if code < len(points.category_names) else "Other"
        trace = _base_trace(points, positions, name)
        family = families[code] if code < len(families) else -1
        if family >= 0:
            siblings = members[family]
            trace["marker"]["color"] = family_shade(
                family, len(points.group_names), siblings.index(code), len(siblings)
            )
            trace["legendgroup"] = f"family-{family}"
            trace["legendgrouptitle"] = {"text": short_name(points.group_names[family], 22)}
            # Families in order, their clusters inside: rank = family block + cluster code.
            trace["legendrank"] = 1000 * (family + 1) + code
        else:
            trace["marker"]["color"] = category_colour(code)
            trace["legendrank"] = 1000 * (len(points.group_names) + 1) + code
        traces.append(trace)
    return traces


def _feature_trace(points: MapPoints) -> dict[str, Any]:
    trace = _base_trace(points, slice(None), points.colour_label)
    assert points.values is not None
    values = points.values.astype(np.float64)
    lo, hi = points.value_range or (0.0, 1.0)
    span = hi - lo if hi > lo else 1.0
    steps = np.rint(np.clip(np.nan_to_num((values - lo) / span, nan=0.0), 0, 1) * 255)
    ticks = np.linspace(0, 255, 5)
    trace["marker"].update(
        color=typed_array(steps.astype(np.uint8)),
        colorscale=FEATURE_COLOURSCALE,
        cmin=0,
        cmax=255,
        showscale=True,
        colorbar={
            "title": {"text": points.colour_label},
            "thickness": 12,
            # The steps are 0..255; the ticks name the feature's own values.
            "tickvals": ticks.tolist(),
            "ticktext": [f"{lo + span * t / 255:.3g}" for t in ticks],
        },
    )
    trace["showlegend"] = False
    return trace


HIGHLIGHT_NAME = "Selected track"


def highlight_values(
    dims: int, coords: tuple[float, ...] | None, label: str = ""
) -> dict[str, list[Any]]:
    """The highlight trace's data for one track (or none): what a click patches into the figure."""
    axes = ("x", "y", "z")[:dims]
    if coords is None:
        return {**{axis: [] for axis in axes}, "text": []}
    return {**{axis: [float(coords[i])] for i, axis in enumerate(axes)}, "text": [label]}


def _highlight_trace(points: MapPoints) -> dict[str, Any]:
    trace: dict[str, Any] = {
        "type": "scattergl" if points.dims == 2 else "scatter3d",
        "mode": "markers",
        "name": HIGHLIGHT_NAME,
        **highlight_values(points.dims, points.highlight, points.highlight_label),
        "hovertemplate": "%{text}<extra>selected</extra>",
        "marker": {
            "size": 18 if points.dims == 2 else 8,
            "color": "rgba(0,0,0,0)",
            "line": {"width": 3, "color": HIGHLIGHT_COLOUR},
            "symbol": "circle-open" if points.dims == 2 else "diamond-open",
        },
        "showlegend": False,
    }
    return trace


def _layout(
    points: MapPoints, uirevision: str, window: list[list[float]] | None, dragmode: str
) -> dict[str, Any]:
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    layout: dict[str, Any] = {
        "uirevision": uirevision,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "hovermode": "closest",
        "legend": {
            "itemsizing": "constant",
            "title": {"text": points.colour_label},
            # A click on a cluster hides that cluster; on a family title, the whole family.
            "groupclick": "toggleitem",
            "font": {"size": 11},
            "tracegroupgap": 4,
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
    }
    if points.dims == 2:
        layout.update(
            dragmode=dragmode,
            xaxis=dict(hidden),
            yaxis={**hidden, "scaleanchor": "x"},
        )
        if window is not None:
            layout["xaxis"]["range"], layout["yaxis"]["range"] = list(window[0]), list(window[1])
        if points.group_labels:
            layout["annotations"] = [
                {
                    "x": x,
                    "y": y,
                    "text": f"<b>{_escape(name)}</b>",
                    "showarrow": False,
                    "font": {"size": 13, "color": "#222"},
                    "bgcolor": "rgba(255,255,255,0.7)",
                    "borderpad": 2,
                }
                for name, x, y in points.group_labels
            ]
    else:
        layout["scene"] = {
            "xaxis": dict(hidden),
            "yaxis": dict(hidden),
            "zaxis": dict(hidden),
            "aspectmode": "data",
        }
    return layout


def _escape(text: str) -> str:
    # Plotly's hovertemplate reads "%{...}" as a placeholder and renders tags; names are text.
    return text.replace("%{", "% {").replace("<", "&lt;").replace(">", "&gt;")
