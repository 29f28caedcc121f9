"""The Explore page's controls around the map: the toolbar above it (dims, drag mode, zoom to
matches, legend, colouring, "show only") and the filters, a column on desktops and a drawer on
phones. Layout only: the page's callbacks give them their behaviour."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp.components.filter_panel import filter_panel
from dashapp.services.explore import COLOURINGS, SHOW_ONLY


def map_toolbar() -> html.Div:
    """The map's own controls, above it: dims, drag mode, zoom to matches, legend, colouring."""
    return html.Div(
        [
            dbc.RadioItems(
                id="explore-dims",
                options=[{"label": "2D", "value": 2}, {"label": "3D", "value": 3}],
                value=2,
                inline=True,
                className="explore-radio",
            ),
            dbc.RadioItems(
                id="explore-drag",
                options=[
                    {"label": "Pan", "value": "pan"},
                    {"label": "Lasso", "value": "lasso"},
                    {"label": "Box", "value": "select"},
                ],
                value="pan",
                inline=True,
                className="explore-radio",
            ),
            dbc.Button(
                [html.I(className="bi bi-bullseye me-1"), "Zoom to matches"],
                id="explore-zoom-matches",
                size="sm",
                color="secondary",
                outline=True,
            ),
            dbc.Switch(id="explore-legend", label="Legend", value=True, className="mb-0"),
            html.Div(
                [
                    dbc.Label("Colour", html_for="explore-colour", className="small mb-0 me-1"),
                    dcc.Dropdown(
                        id="explore-colour",
                        options=[{"label": v, "value": k} for k, v in COLOURINGS.items()],
                        value="cluster",
                        clearable=False,
                        className="explore-colour",
                    ),
                ],
                className="d-flex align-items-center",
            ),
            dcc.Dropdown(
                id="explore-only",
                options=[{"label": v, "value": k} for k, v in SHOW_ONLY.items()],
                value="all",
                clearable=False,
                className="explore-only",
            ),
        ],
        className="explore-toolbar d-flex flex-wrap align-items-center gap-2 mb-1",
    )


FILTERS_CLOSED = "offcanvas-lg offcanvas-start explore-filters"


def filters_drawer(
    panel: str, genre_slugs: Sequence[str], year_bounds: tuple[int, int]
) -> html.Div:
    """The filters: a column beside the map from ``lg`` up, a drawer from the left below it.

    Bootstrap's responsive offcanvas (``offcanvas-lg``) rather than ``dbc.Offcanvas``: the latter
    unmounts its children while closed, which would reset the form and remove the inputs the map
    callback reads. A clientside callback adds and removes ``show``."""
    return html.Div(
        [
            html.Div(
                [
                    html.H5("Filters", className="offcanvas-title"),
                    html.Button(
                        className="btn-close",
                        id="explore-filters-close",
                        n_clicks=0,
                        **{"aria-label": "Close the filters"},
                    ),
                ],
                className="offcanvas-header",
            ),
            html.Div(
                html.Div(
                    [
                        filter_panel(panel, genre_slugs, year_bounds=year_bounds),
                        dbc.Button(
                            "Show the map",
                            id="explore-filters-done",
                            color="primary",
                            className="w-100 d-lg-none mt-2",
                            n_clicks=0,
                        ),
                    ],
                    className="w-100",
                ),
                className="offcanvas-body",
            ),
        ],
        id="explore-filters",
        className=FILTERS_CLOSED,
        tabIndex="-1",
    )
