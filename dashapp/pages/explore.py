"""Explore: the catalogue as a 2D/3D map with filters, search, details and a staging list.

Over 400 lines because it is one page's layout and its dozen callbacks (the guide keeps a page's
callbacks with it); the controls are drawn by ``components/explore_controls.py`` and every
decision is a service call.

Callbacks read inputs, call ``dashapp.services.explore`` (and ``feedback`` for like/ban) and
render with components; the user always comes from ``current_user``. Map data is built from the
served model's bundle (cached per model version), never per track from the database.
"""

from __future__ import annotations

import logging
from typing import Any

import dash
import dash_bootstrap_components as dbc
import numpy as np
from dash import (
    ALL,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate
from flask_login import current_user

from dashapp.components.cluster_card import cluster_card
from dashapp.components.empty_state import empty_state
from dashapp.components.explore_controls import FILTERS_CLOSED, filters_drawer, map_toolbar
from dashapp.components.filter_panel import filter_inputs
from dashapp.components.map_figure import build_map_figure, highlight_values, rows_from_event
from dashapp.components.staging_store import STAGING_STORE_ID, staging_store
from dashapp.components.track_details import (
    ACTION_IDS,
    OPEN_TRACK,
    details_placeholder,
    track_actions,
    track_details_card,
)
from dashapp.services import enrichment, explore, feedback, model_store
from dashapp.services.explore import ExploreError, MapBase

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/explore", title="Explore · Mixmap")

PANEL = "explore"
NEAREST_K = 25
STAGED_SHOWN = 15  # titles listed under the staging count
LEGEND_MIN_WIDTH = 768  # px of window below which the legend starts hidden (phones)


def _user_id() -> int:
    return int(current_user.id)


def _base() -> MapBase | None:
    model = model_store.current()
    return explore.map_base(model) if model is not None else None


def layout(**_query: Any) -> html.Div:
    base = _base()
    if base is None:
        return html.Div(
            empty_state("No map yet", explore.NO_MODEL_MESSAGE, icon="bi-map"), id="explore-empty"
        )
    staging = dbc.Card(
        dbc.CardBody(
            [
                html.H6("Staging list", className="card-title"),
                html.Div(id="staging-count", className="small mb-1"),
                html.Ol(id="staging-list", className="small ps-3 mb-2"),
                html.Div(id="staging-message", className="small text-muted mb-2"),
                html.Div(
                    [
                        dbc.Button(
                            "Clear", id="staging-clear", size="sm", color="secondary", outline=True
                        ),
                        dbc.Button(
                            "Build a playlist", href="/playlists", size="sm", color="primary"
                        ),
                    ],
                    className="d-flex gap-1",
                ),
                html.Div(
                    "Pick Lasso or Box above the map, then drag on the 2D map to stage tracks.",
                    className="form-text",
                ),
            ]
        ),
        className="mt-3",
    )
    search = html.Div(
        [
            dbc.Button(
                [html.I(className="bi bi-funnel me-1"), "Filters"],
                id="explore-filters-open",
                color="primary",
                outline=True,
                size="sm",
                className="d-lg-none",
                n_clicks=0,
            ),
            html.Div(
                dcc.Dropdown(
                    id="explore-search",
                    placeholder="Search a title or artist…",
                    options=[],
                    searchable=True,
                    clearable=True,
                ),
                className="flex-grow-1",
            ),
        ],
        className="d-flex align-items-center gap-2 mb-2",
    )
    return html.Div(
        [
            staging_store(),
            dcc.Store(id="explore-track"),  # the open track's id
            dcc.Store(id="explore-centre"),  # the last searched track: the map centres on it
            dcc.Store(id="explore-view"),  # the drawn view's spec (see update_map)
            html.Div(
                [
                    filters_drawer(PANEL, base.genre_slugs, base.year_bounds),
                    html.Div(
                        [
                            search,
                            map_toolbar(),
                            html.Div(id="explore-status", className="small text-muted mb-1"),
                            dcc.Loading(
                                dcc.Graph(
                                    id="explore-map",
                                    config={"displaylogo": False, "scrollZoom": True},
                                    className="explore-map",
                                ),
                                delay_show=300,
                            ),
                        ],
                        className="explore-main",
                    ),
                    html.Div(
                        [
                            dcc.Loading(
                                html.Div(details_placeholder(), id="explore-details"),
                                delay_show=200,
                            ),
                            track_actions(),
                            html.Div(id="explore-feedback"),
                            html.Div(id="explore-cluster-card"),
                            staging,
                        ],
                        className="explore-side",
                    ),
                ],
                className="explore-layout",
            ),
        ],
        id="explore-page",
    )


# The filters drawer (below lg): the Filters button opens it, its close and done buttons shut it.
clientside_callback(
    f"""
    function(openClicks, closeClicks, doneClicks) {{
        const opening = dash_clientside.callback_context.triggered_id === "explore-filters-open";
        return opening ? "{FILTERS_CLOSED} show" : "{FILTERS_CLOSED}";
    }}
    """,
    Output("explore-filters", "className"),
    Input("explore-filters-open", "n_clicks"),
    Input("explore-filters-close", "n_clicks"),
    Input("explore-filters-done", "n_clicks"),
    prevent_initial_call=True,
)
# The legend starts hidden where it would take the map's width (phones).
clientside_callback(
    f"function(_id) {{ return window.innerWidth >= {LEGEND_MIN_WIDTH}; }}",
    Output("explore-legend", "value"),
    Input("explore-legend", "id"),
)


def _event_rows(base: MapBase, view: Any, event: Any) -> np.ndarray:
    if not isinstance(view, dict) or view.get("version") != base.version:
        return np.zeros(0, dtype=np.int64)
    try:
        return rows_from_event(explore.view_points(base, view), event)
    except ExploreError:
        return np.zeros(0, dtype=np.int64)


@callback(
    Output("explore-map", "figure"),
    Output("explore-status", "children"),
    Output("explore-view", "data"),
    inputs={
        "filters": filter_inputs(PANEL),
        "dims": Input("explore-dims", "value"),
        "colour_by": Input("explore-colour", "value"),
        "only": Input("explore-only", "value"),
        "dragmode": Input("explore-drag", "value"),
        "legend": Input("explore-legend", "value"),
        "track_id": Input("explore-track", "data"),
        "centre": Input("explore-centre", "data"),
        "zoom_to_matches": Input("explore-zoom-matches", "n_clicks"),
        "relayout": Input("explore-map", "relayoutData"),
        "staging": Input(STAGING_STORE_ID, "data"),
        "view": State("explore-view", "data"),
    },
)
def update_map(
    filters,
    dims,
    colour_by,
    only,
    dragmode,
    legend,
    track_id,
    centre,
    zoom_to_matches,
    relayout,
    staging,
    view,
):
    """Draw the map for the form's values.

    Zoom and camera survive redraws: every zoom, pan or turn is recorded in the view store
    (``relayoutData``), and each redraw sends those ranges or that camera back in the figure, so
    the new points appear where the user was looking. (``uirevision`` alone did not keep them:
    with autoranged axes plotly compares the new figure's missing range with the autorange it
    computed and takes the new one.) A search or "zoom to matches" imposes a window and bumps
    ``uirevision``, so it wins over the user's zoom once."""
    trigger = ctx.triggered_id
    # A search sets the open track and the centre together: that is a re-centring redraw.
    centring = "explore-centre.data" in ctx.triggered_prop_ids
    if view is not None:  # drawn already: skip redraws that would not change it
        if trigger == "explore-map":
            seen = {
                **view,
                "viewport": explore.viewport_from_relayout(relayout, view.get("viewport")),
                "camera": _camera(relayout, view.get("camera")),
            }
            # Zoom/pan only needs new points when the view is decimated (detail on zoom).
            if not view.get("decimated") or dims != 2:
                return no_update, no_update, seen
            view = seen
        if trigger == STAGING_STORE_ID and only != "staged":
            raise PreventUpdate
        if trigger in ("explore-drag", "explore-legend"):
            # Interaction settings only: patch the layout, keep every point and the zoom.
            patch = Patch()
            patch["layout"]["dragmode"] = dragmode
            patch["layout"]["showlegend"] = bool(legend)
            return patch, no_update, no_update
    base = _base()
    if base is None:
        raise PreventUpdate
    row = base.row_of.get(track_id) if track_id else None
    if (
        trigger == "explore-track"
        and not centring
        and view
        and view.get("version") == base.version
        and "highlight_trace" in view
    ):
        # A click only moves the highlight ring: patch that trace, leave the points alone.
        return _highlight_patch(base, view, row), no_update, no_update
    previous = view or {}
    same_axes = previous.get("dims") == (3 if dims == 3 else 2)
    mine = explore.staging_from_store(staging, _user_id(), base) if only == "staged" else None
    spec = explore.view_spec(
        base,
        filters=filters,
        dims=dims,
        colour_by=colour_by,
        only_rows=explore.show_only_rows(base, _user_id(), only, mine),
        viewport=previous.get("viewport") if same_axes else None,
    )
    try:
        points = explore.view_points(base, spec, highlight_row=row)
    except ExploreError as error:
        return no_update, dbc.Alert(str(error), color="warning", className="py-1 small"), view
    camera = previous.get("camera") if same_axes else None
    revision = int(previous.get("revision") or 0) + (0 if same_axes else 1)
    centre_row = base.row_of.get(centre) if centre else None
    if centring and centre_row is not None and spec["dims"] == 2:
        spec["viewport"], revision = explore.centre_window(base, centre_row), revision + 1
    if trigger == "explore-zoom-matches" and zoom_to_matches:
        # 2D: the matches' bounds; 3D: no camera, so plotly frames the drawn points itself.
        spec["viewport"], camera, revision = explore.matches_bounds(points), None, revision + 1
    figure = build_map_figure(
        points,
        uirevision=f"{spec['dims']}-{revision}",
        window=spec["viewport"],
        camera=camera,
        dragmode=dragmode,
        showlegend=bool(legend),
    )
    view = {
        **spec,
        "decimated": points.decimated,
        "highlight_trace": len(figure["data"]) - 1,
        "camera": camera,
        "revision": revision,
    }
    return figure, _status(points), view


def _camera(relayout: Any, previous: Any) -> Any:
    """The 3D camera after a turn or zoom (``relayoutData``), else what it was."""
    if isinstance(relayout, dict) and isinstance(relayout.get("scene.camera"), dict):
        return relayout["scene.camera"]
    return previous


def _highlight_patch(base: MapBase, view: dict[str, Any], row: int | None) -> Patch:
    dims = 3 if view.get("dims") == 3 else 2
    coords = None
    if row is not None:
        coords = tuple((base.coords3 if dims == 3 else base.coords2)[row])
    patch = Patch()
    values = highlight_values(dims, coords, str(base.labels[row]) if row is not None else "")
    for key, value in values.items():
        patch["data"][view["highlight_trace"]][key] = value
    return patch


def _status(points: explore.MapPoints) -> str:
    text = f"{points.matched:,} of {points.total:,} tracks match."
    if points.decimated:
        text += f" Showing {points.shown:,} of them; zoom in (2D) or filter to see every point."
    return text


@callback(
    Output("explore-search", "options"),
    Input("explore-search", "search_value"),
    State("explore-search", "value"),
)
def search_options(query: str | None, chosen: str | None):
    base = _base()
    if base is None or not query or len(query.strip()) < 2:
        raise PreventUpdate
    hits = explore.search_tracks(base, query, limit=20)
    options = [{"label": hit.label, "value": hit.track_id} for hit in hits]
    if chosen and chosen not in {o["value"] for o in options} and chosen in base.row_of:
        options.append({"label": str(base.labels[base.row_of[chosen]]), "value": chosen})
    return options


@callback(
    Output("explore-track", "data"),
    Output("explore-centre", "data"),
    Input("explore-map", "clickData"),
    Input("explore-search", "value"),
    Input({"type": OPEN_TRACK, "track": ALL}, "n_clicks"),
    State("explore-view", "data"),
    prevent_initial_call=True,
)
def open_track(click: Any, searched: str | None, _similar: list, view: Any):
    base = _base()
    if base is None:
        raise PreventUpdate
    trigger = ctx.triggered_id
    if trigger == "explore-search":
        if not searched:
            raise PreventUpdate
        return searched, searched
    if isinstance(trigger, dict):  # a similar track in the details card
        if not ctx.triggered[0].get("value"):
            raise PreventUpdate
        return trigger["track"], no_update
    rows = _event_rows(base, view, click)
    if not len(rows):
        raise PreventUpdate
    return str(base.tracks["track_id"].iat[int(rows[0])]), no_update


@callback(
    Output("explore-details", "children"),
    *(Output(button, "disabled") for button in ACTION_IDS),
    Input("explore-track", "data"),
)
def show_details(track_id: str | None):
    model = model_store.current()
    if model is None or not track_id:
        return (details_placeholder(), *([True] * len(ACTION_IDS)))
    try:
        details = explore.details_for_user(model, _user_id(), track_id)
    except ExploreError as error:
        return (dbc.Alert(str(error), color="warning"), *([True] * len(ACTION_IDS)))
    link = explore.spotify_link(explore.map_base(model), track_id)
    card = track_details_card(details, link, enrichment.for_track(track_id))
    return (card, *([False] * len(ACTION_IDS)))


@callback(Output("explore-cluster-card", "children"), Input("explore-track", "data"))
def show_cluster_card(track_id: str | None):
    """The open track's cluster card, as training stored it in the model."""
    model = model_store.current()
    if model is None or not track_id:
        return None
    try:
        card = explore.cluster_card(model, track_id)
    except ExploreError:
        return None
    return cluster_card(card) if card is not None else None


FEEDBACK_KINDS = {
    "details-like": "like",
    "details-ban-track": feedback.BAN_TRACK,
    "details-ban-artist": feedback.BAN_ARTIST,
}


@callback(
    Output("explore-feedback", "children"),
    *(Input(button, "n_clicks") for button in FEEDBACK_KINDS),
    State("explore-track", "data"),
    prevent_initial_call=True,
)
def record_feedback(*args: Any):
    track_id = args[-1]
    kind = FEEDBACK_KINDS.get(str(ctx.triggered_id))
    if not kind or not track_id or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    try:
        outcome = feedback.record_feedback(_user_id(), track_id, kind, context="explore")
    except feedback.FeedbackError as error:
        return dbc.Alert(str(error), color="warning", className="py-1 small")
    return dbc.Alert(outcome.message, color="success", className="py-1 small", duration=4000)


@callback(
    Output(STAGING_STORE_ID, "data"),
    Output("staging-message", "children"),
    Input("explore-map", "selectedData"),
    Input("details-stage", "n_clicks"),
    Input("details-stage-cluster", "n_clicks"),
    Input("details-stage-nearest", "n_clicks"),
    Input("staging-clear", "n_clicks"),
    State(STAGING_STORE_ID, "data"),
    State("explore-track", "data"),
    State("explore-view", "data"),
    prevent_initial_call=True,
)
def change_staging(selected, _one, _cluster, _nearest, _clear, store, track_id, view):
    base = _base()
    if base is None:
        raise PreventUpdate
    staging = explore.staging_from_store(store, _user_id(), base)
    trigger = ctx.triggered_id
    if trigger == "staging-clear":
        staging = explore.unstage(staging)
        return staging.to_store(), staging.message
    if trigger == "explore-map":
        rows = _event_rows(base, view, selected)
        if not len(rows):
            raise PreventUpdate
    else:
        row = base.row_of.get(track_id) if track_id else None
        if row is None:
            raise PreventUpdate
        view = view if isinstance(view, dict) else {}
        if trigger == "details-stage-cluster":
            same = explore.rows_of_category(base, view.get("colour_by") or "cluster", row)
            # Only what the map shows of it: the filters still apply.
            shown = (
                explore.view_points(base, view).rows
                if view.get("version") == base.version
                else same
            )
            rows = np.intersect1d(same, shown)
        elif trigger == "details-stage-nearest":
            rows = explore.nearest_rows(
                base, row, NEAREST_K, dims=3 if view.get("dims") == 3 else 2
            )
        else:
            rows = np.asarray([row])
    staging = explore.stage_rows(base, staging, rows)
    return staging.to_store(), staging.message


@callback(
    Output("staging-count", "children"),
    Output("staging-list", "children"),
    Input(STAGING_STORE_ID, "data"),
)
def show_staging(store: Any):
    base = _base()
    if base is None:
        raise PreventUpdate
    staging = explore.staging_from_store(store, _user_id(), base)
    count = len(staging.track_ids)
    items = [
        html.Li(str(base.labels[base.row_of[t]]), className="staged-track")
        for t in staging.track_ids[:STAGED_SHOWN]
    ]
    more = count - len(items)
    if more > 0:
        items.append(html.Li(f"… and {more} more", className="list-unstyled text-muted"))
    return f"{count} tracks staged." if count else "Nothing staged yet.", items
