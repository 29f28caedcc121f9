"""The playlist editor: a drag-to-reorder track grid, its toolbar and the sequence sparkline.

Rendering only: the page wires the ids below to callbacks that call ``services.playlists``.
Reordering is dash-ag-grid's managed row drag (the grid reports the new order in
``virtualRowData``); locking is an editable checkbox column (``cellValueChanged``); removing
acts on the ticked rows (``selectedRows``).
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashapp.components.sparkline import sparkline_figure
from dashapp.services.playlists import camelot_labels

GRID = "playlist-grid"
SPARKLINE = "playlist-sparkline"

SORTABLE: dict[str, str] = {
    "energy": "Energy",
    "tempo": "Tempo",
    "valence": "Positivity (valence)",
    "danceability": "Danceability",
    "acousticness": "Acousticness",
    "popularity": "Popularity",
    "duration_ms": "Duration",
    "release_year": "Release year",
    "name": "Title",
    "artist_names": "Artist",
}

COLUMNS: list[dict[str, Any]] = [
    {"field": "number", "headerName": "#", "rowDrag": True, "width": 80, "editable": False},
    {
        "field": "locked",
        "headerName": "Lock",
        "width": 70,
        "editable": True,
        "cellDataType": "boolean",
        "headerTooltip": "Locked tracks stay in place when you sort, flow-order or re-run",
    },
    {"field": "name", "headerName": "Title", "flex": 3, "minWidth": 160},
    {"field": "artist_names", "headerName": "Artist", "flex": 2, "minWidth": 120},
    {"field": "length", "headerName": "Time", "width": 80},
    {"field": "tempo", "headerName": "BPM", "width": 80},
    {"field": "energy", "headerName": "Energy", "width": 90},
    {"field": "camelot", "headerName": "Key", "width": 75},
]


def grid_rows(items: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per playlist item, keyed by its item id (a track may appear twice)."""
    if items.empty:
        return []
    seconds = (items["duration_ms"].astype(int) // 1000).to_numpy()
    frame = pd.DataFrame(
        {
            "row_id": items["item_id"].astype(int).astype(str),
            "track_id": items["track_id"].astype(str),
            "number": items["position"].astype(int) + 1,
            "name": items["name"].astype(str),
            "artist_names": items["artist_names"].astype(str),
            "length": [f"{s // 60}:{s % 60:02d}" for s in seconds],
            "tempo": items["tempo"].astype(float).round(0).astype(int),
            "energy": items["energy"].astype(float).round(2),
            "camelot": camelot_labels(items["key"], items["mode"]),
            "locked": items["locked"].astype(bool),
        }
    )
    return frame.astype(object).to_dict(orient="records")


def track_grid(items: pd.DataFrame, editable: bool = True) -> dag.AgGrid:
    """The grid; read-only (no drag, no lock, no ticks) for a curated playlist."""
    columns = (
        COLUMNS
        if editable
        else [{k: v for k, v in c.items() if k not in ("rowDrag", "editable")} for c in COLUMNS]
    )
    options: dict[str, Any] = {
        "animateRows": True,
        "localeText": {"noRowsToShow": "No tracks yet: generate some or stage them on Explore."},
    }
    if editable:
        options |= {
            "rowDragManaged": True,
            "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": True},
            "singleClickEdit": True,
            "stopEditingWhenCellsLoseFocus": True,
        }
    return dag.AgGrid(
        id=GRID,
        rowData=grid_rows(items),
        columnDefs=columns,
        defaultColDef={"sortable": False, "resizable": True, "editable": False},
        getRowId="params.data.row_id",
        dashGridOptions=options,
        # Columns shrink to the container, so Lock never scrolls out of sight on a narrow screen.
        columnSize="responsiveSizeToFit",
        style={"height": "480px"},
        className="ag-theme-quartz",
    )


def toolbar() -> html.Div:
    button = {"size": "sm", "color": "secondary", "outline": True, "className": "me-1 mb-1"}
    return html.Div(
        [
            dbc.Button("Remove ticked", id="pl-remove", **button),
            dbc.Button("Dedupe", id="pl-dedupe", title="Drop repeated songs", **button),
            dbc.Button(
                "Flow order",
                id="pl-flow",
                title="Smooth key, tempo and energy changes",
                **button,
            ),
            dbc.Button(
                "Separate artists", id="pl-separate", title="Spread out each artist", **button
            ),
            dbc.InputGroup(
                [
                    dbc.Select(
                        id="pl-sort-column",
                        options=[{"label": v, "value": k} for k, v in SORTABLE.items()],
                        value="energy",
                    ),
                    dbc.Select(
                        id="pl-sort-direction",
                        options=[
                            {"label": "rising", "value": "asc"},
                            {"label": "falling", "value": "desc"},
                        ],
                        value="asc",
                    ),
                    dbc.Button("Sort", id="pl-sort", color="secondary", outline=True),
                ],
                size="sm",
                className="d-inline-flex w-auto me-1 mb-1 align-middle",
            ),
            dbc.Button("Suggest 10 more", id="pl-more", **button),
            dbc.Button("Re-run generator", id="pl-refresh", **button),
        ],
        className="mb-2",
    )


def header(name: str, is_smart: bool, track_count: int, duration_ms: int) -> html.Div:
    minutes = round(duration_ms / 60_000)
    return html.Div(
        [
            dbc.InputGroup(
                [
                    dbc.Input(id="pl-name", value=name, maxLength=200, debounce=True),
                    dbc.Button("Rename", id="pl-rename", color="secondary", outline=True),
                    dbc.Button("Duplicate", id="pl-duplicate", color="secondary", outline=True),
                    dbc.Button("Delete", id="pl-delete", color="danger", outline=True),
                ],
                className="mb-1",
            ),
            html.Small(
                [
                    html.Span(f"{track_count} tracks · {minutes} min", id="pl-stats"),
                    dbc.Badge("smart", color="info", className="ms-2") if is_smart else None,
                ],
                className="text-muted",
            ),
        ],
        className="mb-2",
    )


# Export formats the Playlists page offers, with what people know them as.
EXPORT_MENU: tuple[tuple[str, str], ...] = (
    ("m3u8", "M3U8 (players)"),
    ("xspf", "XSPF"),
    ("jspf", "JSPF (ListenBrainz)"),
    ("csv", "CSV (Exportify columns)"),
    ("json", "JSON (Mixmap)"),
)


def export_menu() -> html.Div:
    return html.Div(
        [
            dbc.DropdownMenu(
                [dbc.DropdownMenuItem(label, id=f"pl-export-{fmt}") for fmt, label in EXPORT_MENU],
                label="Export",
                size="sm",
                color="secondary",
                className="d-inline-block",
            ),
            dcc.Download(id="pl-download"),
        ],
        className="d-inline-block",
    )


def sparkline(flow: pd.DataFrame) -> dcc.Graph:
    return dcc.Graph(
        id=SPARKLINE,
        figure=sparkline_figure(flow),
        config={"displayModeBar": False},
        style={"height": "140px"},
    )
