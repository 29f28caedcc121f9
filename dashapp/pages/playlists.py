"""Playlists: my playlists and curated ones, the generator form and the editor.

``/playlists?playlist=<id>`` opens one playlist in the editor. Every callback reads the user from
``current_user`` and calls one ``services.playlists`` function; the service checks ownership, so
a playlist id sent by the client is never trusted on its own.

Over 400 lines because it is one page with its dozen callbacks (the guide keeps a page's callbacks
with it); the panels are drawn by ``components/playlist_panels.py``.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import (
    Input,
    Output,
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

from dashapp.components import playlist_editor as editor
from dashapp.components.filter_panel import filter_inputs
from dashapp.components.playlist_panels import (
    FILTER_PANEL,
    PATH,
    editor_panel,
    generator_form,
    minutes,
    playlist_list,
)
from dashapp.components.staging_store import STAGING_STORE_ID, staging_store
from dashapp.services import explore, playlists

dash.register_page(__name__, path="/playlists", title="Playlists · Mixmap")


def _user_id() -> int:
    return int(current_user.id)


def layout(playlist: str | None = None, **_query: Any) -> html.Div:
    user = _user_id()
    mine, curated = playlists.list_playlists(user)
    selected = int(playlist) if playlist and str(playlist).isdigit() else None
    detail = None
    if selected is not None:
        try:
            detail = playlists.get_playlist(user, selected)
        except playlists.PlaylistNotFound:
            selected = None
    return html.Div(
        [
            dcc.Location(id="pl-url", refresh="callback-nav"),
            dcc.Store(id="pl-current", data={"id": selected}),
            dcc.Store(id="pl-changed"),  # bumped by every change: the lists on the left refresh
            staging_store(),
            dbc.Row(
                [
                    # On a phone the editor comes first: a generated playlist is what the user
                    # came for. From md up it sits beside the form and stays in view (sticky).
                    dbc.Col(
                        html.Div(
                            editor_panel(detail),
                            id="pl-editor",
                            className="playlists-editor",
                            tabIndex="-1",
                        ),
                        md={"size": 8, "order": 2},
                        xs={"order": 1},
                    ),
                    dbc.Col(
                        [
                            html.H5("My playlists"),
                            dbc.Button(
                                "Save staged tracks as a playlist",
                                id="pl-save-staged",
                                size="sm",
                                color="primary",
                                outline=True,
                                className="mb-2",
                            ),
                            dcc.Loading(html.Div(id="pl-save-message"), delay_show=200),
                            html.Div(playlist_list(mine, selected), id="pl-mine"),
                            generator_form(playlists.genre_slugs()),
                            html.H5("Curated"),
                            playlist_list(curated, selected),
                        ],
                        md={"size": 4, "order": 1},
                        xs={"order": 2},
                    ),
                ],
                className="g-3",
            ),
        ],
        id="playlists-page",
    )


def _alert(message: str | None, color: str = "warning") -> Any:
    if not message:
        return None
    return dbc.Alert(message, color=color, dismissable=True, className="py-2 small")


def _staged(store: Any) -> list[str]:
    """The staged track ids if the store belongs to this user (the service re-checks them)."""
    return list(explore.staging_from_store(store, _user_id()).track_ids)


def _opened(detail: playlists.PlaylistDetail, message: Any) -> dict[str, Any]:
    """Show ``detail`` in the editor in place: no navigation, so the form keeps its values for
    a tweak and another run (the URL is for links and reloads; the list has each playlist's)."""
    return {
        "editor": editor_panel(detail),
        "current": {"id": detail.id},
        "changed": _change_token(detail),
        "message": message,
    }


def _clicked() -> bool:
    """Whether a button really was clicked: an editor opened in place mounts its buttons with no
    clicks, and Dash calls their callbacks for the new components."""
    return bool(ctx.triggered and ctx.triggered[0].get("value"))


def _change_token(detail: playlists.PlaylistDetail) -> str:
    """A new value for every stored change of a playlist, so the list refresh always fires."""
    return f"{detail.id}@{detail.updated_at.isoformat()}"


OPENED = {
    "editor": Output("pl-editor", "children"),
    "current": Output("pl-current", "data"),
    "changed": Output("pl-changed", "data", allow_duplicate=True),
}
NOT_OPENED = {key: no_update for key in OPENED}


@callback(
    Output("pl-mine", "children"),
    Input("pl-changed", "data"),
    State("pl-current", "data"),
    prevent_initial_call=True,
)
def refresh_list(_changed: Any, current: Any):
    """The user's playlists again after a change (counts, names, a new or deleted playlist)."""
    mine, _curated = playlists.list_playlists(_user_id(), curated_limit=0)
    return playlist_list(mine, (current or {}).get("id"))


# The result opens where the user is looking: on a phone (editor above the form) and whenever
# the editor's top is off screen, scroll it into view; then focus it for keyboard users. Only the
# open actions (generate, save staged, duplicate) replace the editor's children. The address bar
# gets the playlist's link without a navigation (replaceState: Dash's router does not see it, so
# the form keeps its values), so a reload or a shared link opens the same playlist.
clientside_callback(
    """
    function(_children) {
        const panel = document.getElementById("pl-editor");
        if (!panel) { return dash_clientside.no_update; }
        const opened = panel.querySelector("[data-playlist]");
        if (opened) {
            const link = "?playlist=" + opened.dataset.playlist;
            window.history.replaceState(window.history.state, "", link);
        }
        const top = panel.getBoundingClientRect().top;
        if (top < 0 || top > window.innerHeight / 3) {
            panel.scrollIntoView({block: "start"});
        }
        panel.focus({preventScroll: true});
        return dash_clientside.no_update;
    }
    """,
    Output("pl-editor", "className"),
    Input("pl-editor", "children"),
    prevent_initial_call=True,
)


# --- generator form ---------------------------------------------------------------------------

FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "tracks": (),
    "radio": ("gen-track-a-field", "gen-artist-field"),
    "path": ("gen-track-a-field", "gen-track-b-field"),
    "genre": (),
    "mood": (),
    "activity": (),
}
ALL_FIELDS = ("gen-track-a-field", "gen-track-b-field", "gen-artist-field")


@callback(
    [Output(f, "style") for f in ALL_FIELDS],
    Output("gen-staged-note", "children"),
    Input("gen-kind", "value"),
    State(STAGING_STORE_ID, "data"),
)
def show_generator_fields(kind: str, staging: Any):
    shown = FORM_FIELDS.get(kind, ())
    styles = [None if f in shown else {"display": "none"} for f in ALL_FIELDS]
    note = ""
    if kind == "tracks":
        count = len(_staged(staging))
        note = f"{count} tracks staged on Explore." if count else "Nothing staged on Explore yet."
    return *styles, note


@callback(
    Output("gen-track-a", "options"),
    Input("gen-track-a", "search_value"),
    State("gen-track-a", "value"),
)
def search_start_track(text: str | None, value: str | None):
    if not text:
        raise PreventUpdate
    return playlists.track_options(text, [value] if value else [])


@callback(
    Output("gen-track-b", "options"),
    Input("gen-track-b", "search_value"),
    State("gen-track-b", "value"),
)
def search_end_track(text: str | None, value: str | None):
    if not text:
        raise PreventUpdate
    return playlists.track_options(text, [value] if value else [])


@callback(Output("gen-artist", "options"), Input("gen-artist", "search_value"))
def search_artist(text: str | None):
    if not text:
        raise PreventUpdate
    return playlists.artist_options(text)


@callback(
    output={**OPENED, "message": Output("gen-message", "children")},
    inputs={
        "_clicks": Input("gen-go", "n_clicks"),
        "form": {
            "kind": State("gen-kind", "value"),
            "track_a": State("gen-track-a", "value"),
            "track_b": State("gen-track-b", "value"),
            "artist": State("gen-artist", "value"),
            "length": State("gen-length", "value"),
            "unit": State("gen-length-unit", "value"),
            "adventurousness": State("gen-adventurousness", "value"),
            "options": State("gen-options", "value"),
            "name": State("gen-name", "value"),
        },
        "filters": filter_inputs(FILTER_PANEL, State),
        "staging": State(STAGING_STORE_ID, "data"),
    },
    prevent_initial_call=True,
)
def generate(_clicks, form, filters, staging):
    name = (form.get("name") or "").strip() or None
    try:
        spec = playlists.spec_from_form(form, filters, _staged(staging))
        detail = playlists.generate_playlist(
            _user_id(), spec, name, smart="smart" in (form.get("options") or [])
        )
    except playlists.PlaylistServiceError as error:
        return {**NOT_OPENED, "message": _alert(str(error))}
    made = f"Made “{detail.name}”: {len(detail.items)} tracks, {minutes(detail.duration_ms)}."
    message = html.Div([_alert(made, "success"), _alert(detail.note, "info")], id="gen-success")
    return _opened(detail, message)


@callback(
    output={**OPENED, "message": Output("pl-save-message", "children")},
    inputs={
        "_clicks": Input("pl-save-staged", "n_clicks"),
        "staging": State(STAGING_STORE_ID, "data"),
    },
    prevent_initial_call=True,
)
def save_staged(_clicks, staging):
    staged = _staged(staging)
    if not staged:
        message = "Nothing is staged: select tracks on the Explore map first."
        return {**NOT_OPENED, "message": _alert(message)}
    try:
        detail = playlists.create_playlist(_user_id(), "Staged tracks", staged)
    except playlists.PlaylistServiceError as error:
        return {**NOT_OPENED, "message": _alert(str(error))}
    return _opened(detail, _alert(f"Saved {len(staged)} staged tracks.", "success"))


# --- editor -----------------------------------------------------------------------------------


def _render(detail: playlists.PlaylistDetail):
    stats = f"{len(detail.items)} tracks · {minutes(detail.duration_ms)}"
    flow = editor.sparkline_figure(playlists.flow_of(detail))
    return editor.grid_rows(detail.items), flow, stats


@callback(
    Output(editor.GRID, "rowData"),
    Output(editor.SPARKLINE, "figure"),
    Output("pl-stats", "children"),
    Output("pl-message", "children"),
    Output("pl-changed", "data", allow_duplicate=True),
    Input("pl-remove", "n_clicks"),
    Input("pl-dedupe", "n_clicks"),
    Input("pl-flow", "n_clicks"),
    Input("pl-separate", "n_clicks"),
    Input("pl-sort", "n_clicks"),
    Input("pl-more", "n_clicks"),
    Input("pl-refresh", "n_clicks"),
    Input(editor.GRID, "cellValueChanged"),
    Input(editor.GRID, "virtualRowData"),
    State(editor.GRID, "rowData"),
    State(editor.GRID, "selectedRows"),
    State("pl-sort-column", "value"),
    State("pl-sort-direction", "value"),
    State("pl-current", "data"),
    prevent_initial_call=True,
)
def edit_playlist(*args):
    *_, changed, virtual, rows, selected, sort_column, direction, current = args
    playlist_id = (current or {}).get("id")
    if playlist_id is None:
        raise PreventUpdate
    user = _user_id()
    # A click wins over the grid's echo of the order it was just sent: both can arrive in one
    # dispatch (a click right after a sort), and the echo alone changes nothing.
    button = next((key for key in ctx.triggered_prop_ids if key.endswith(".n_clicks")), None)
    if button is not None:
        trigger = ctx.triggered_prop_ids[button]
        if not ctx.inputs.get(button):  # an editor opened in place mounts unclicked buttons
            raise PreventUpdate
    else:
        trigger = ctx.triggered_id
        if trigger != editor.GRID:
            raise PreventUpdate
    try:
        if button is None and f"{editor.GRID}.virtualRowData" in ctx.triggered_prop_ids:
            new_order = [r["track_id"] for r in virtual or []]
            if not new_order or new_order == [r["track_id"] for r in rows or []]:
                raise PreventUpdate  # the grid echoing the order we just sent
            detail = playlists.reorder(user, playlist_id, new_order)
        elif trigger == editor.GRID:
            change = (changed or [{}])[0]
            if change.get("colId") != "locked":
                raise PreventUpdate
            detail = playlists.edit_playlist(
                user,
                playlist_id,
                "lock",
                position=int(change["rowIndex"]),
                locked=bool(change["value"]),
            )
        elif trigger == "pl-remove":
            positions = [int(r["number"]) - 1 for r in selected or []]
            if not positions:
                return *UNCHANGED, _alert("Tick the tracks to remove first."), no_update
            detail = playlists.edit_playlist(user, playlist_id, "remove", positions=positions)
        elif trigger == "pl-sort":
            detail = playlists.edit_playlist(
                user, playlist_id, "sort", column=sort_column, descending=direction == "desc"
            )
        elif trigger == "pl-more":
            detail = playlists.suggest_more(user, playlist_id, {"tracks": 10})
        elif trigger == "pl-refresh":
            detail = playlists.refresh(user, playlist_id)
        else:
            operation = {"pl-dedupe": "dedupe", "pl-flow": "flow", "pl-separate": "separate"}
            detail = playlists.edit_playlist(user, playlist_id, operation[trigger])
    except playlists.PlaylistServiceError as error:
        return *UNCHANGED, _alert(str(error)), no_update
    except playlists.PlaylistNotFound:
        return *UNCHANGED, _alert("That playlist no longer exists."), no_update
    return *_render(detail), _alert(detail.note, "info"), _change_token(detail)


UNCHANGED = (no_update, no_update, no_update)


@callback(
    Output("pl-url", "href", allow_duplicate=True),
    Output("pl-message", "children", allow_duplicate=True),
    Output("pl-changed", "data", allow_duplicate=True),
    Input("pl-rename", "n_clicks"),
    Input("pl-delete", "n_clicks"),
    State("pl-name", "value"),
    State("pl-current", "data"),
    prevent_initial_call=True,
)
def rename_or_delete(_rename, _delete, name, current):
    playlist_id = (current or {}).get("id")
    if playlist_id is None or not _clicked():
        raise PreventUpdate
    try:
        if ctx.triggered_id == "pl-delete":
            playlists.delete(_user_id(), playlist_id)
            return PATH, None, no_update
        detail = playlists.rename(_user_id(), playlist_id, name)
    except (playlists.PlaylistServiceError, playlists.PlaylistNotFound) as error:
        return no_update, _alert(str(error)), no_update
    return no_update, _alert(f"Renamed to “{detail.name}”.", "success"), _change_token(detail)


@callback(
    output={**OPENED, "message": Output("pl-message", "children", allow_duplicate=True)},
    inputs={"clicks": Input("pl-duplicate", "n_clicks"), "current": State("pl-current", "data")},
    prevent_initial_call=True,
)
def duplicate(clicks, current):
    playlist_id = (current or {}).get("id")
    if not clicks or playlist_id is None:
        raise PreventUpdate
    try:
        copy = playlists.duplicate(_user_id(), playlist_id)
    except (playlists.PlaylistServiceError, playlists.PlaylistNotFound) as error:
        return {**NOT_OPENED, "message": _alert(str(error))}
    return _opened(copy, None)


@callback(
    Output("pl-download", "data"),
    *(Input(f"pl-export-{fmt}", "n_clicks") for fmt, _label in editor.EXPORT_MENU),
    State("pl-current", "data"),
    prevent_initial_call=True,
)
def export(*args):
    current = args[-1]
    playlist_id = (current or {}).get("id")
    if playlist_id is None or not ctx.triggered_id or not _clicked():
        raise PreventUpdate
    fmt = str(ctx.triggered_id).removeprefix("pl-export-")
    try:
        exported = playlists.export(_user_id(), playlist_id, fmt)
    except (playlists.PlaylistNotFound, playlists.PlaylistServiceError):
        raise PreventUpdate from None  # not this user's playlist (or gone): nothing to send
    return {"content": exported.content, "filename": exported.filename, "type": exported.mimetype}
