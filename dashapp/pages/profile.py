"""Profile: name, taste (genres, moods, artists, adventurousness), bans, a data download,
password and deletion.

Password change and account deletion are the Jinja forms in ``dashapp.auth`` (they need the
password and a CSRF token); this page links to them. Every callback takes the user from
``current_user``; a ban id sent by the browser is only ever lifted if it is the user's own.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from dashapp.components import connections as connections_card
from dashapp.components import import_status
from dashapp.components import preference_form as form
from dashapp.services import (
    connections,
    feedback,
    history_import,
    lastfm_import,
    profile,
    spotify_account,
    user_data,
)
from dashapp.services.connections import IntegrationError
from dashapp.services.feedback import BanRow

dash.register_page(__name__, path="/profile", title="Profile · Mixmap")

UNBAN_TYPE = "unban"


def _user_id() -> int:
    return int(current_user.id)


def _card(title: str, body: list[Any], card_id: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody([html.H2(title, className="h5"), *body]), className="mb-3", id=card_id
    )


def bans_list(bans: list[BanRow]) -> Any:
    if not bans:
        return html.P("You have not banned anything.", className="text-secondary small mb-0")
    return dbc.ListGroup(
        [
            dbc.ListGroupItem(
                [
                    html.Span(
                        "Artist: " if ban.artist_id else "Track: ", className="text-secondary"
                    ),
                    html.Span(ban.label),
                    dbc.Button(
                        "Lift ban",
                        id={"type": UNBAN_TYPE, "ban": ban.id},
                        size="sm",
                        color="link",
                        className="float-end p-0",
                        n_clicks=0,
                    ),
                ]
            )
            for ban in bans
        ],
        flush=True,
    )


def layout(spotify: str | None = None, **_query: Any) -> html.Div:
    if not current_user or not current_user.is_authenticated:
        return html.Div()
    view = profile.get_profile(_user_id())
    prefs = view.preferences
    account = _card(
        "You",
        [
            dbc.Label("Name shown in the app", html_for="profile-name"),
            dbc.InputGroup(
                [
                    dbc.Input(id="profile-name", value=view.display_name, maxLength=80),
                    dbc.Button("Save name", id="profile-save-name", n_clicks=0),
                ],
                className="mb-2",
            ),
            html.Div(id="profile-name-status"),
            html.P(["Email: ", html.Strong(view.email)], className="small mb-2"),
            html.Div(
                [
                    html.A("Change password", href="/account/password", className="me-3"),
                    html.A("Delete account", href="/account/delete", className="text-danger"),
                ],
                className="small",
            ),
        ],
        "profile-account",
    )
    taste = _card(
        "Your taste",
        [
            form.preference_fields(prefs, view.artist_choices),
            dbc.Label("Adventurousness", html_for="profile-adventurousness", className="mt-3"),
            dcc.Slider(
                id="profile-adventurousness",
                min=0,
                max=1,
                step=0.05,
                value=prefs.adventurousness,
                marks={0: "familiar", 0.5: "balanced", 1: "far out"},
            ),
            dbc.Button("Save taste", id="profile-save-taste", className="mt-3", n_clicks=0),
            html.Div(id="profile-taste-status", className="mt-2"),
        ],
        "profile-taste",
    )
    bans = _card(
        "Bans",
        [html.Div(bans_list(feedback.list_bans(_user_id())), id="profile-bans")],
        "profile-bans-card",
    )
    data = _card(
        "Your data",
        [
            html.P(
                "Everything Mixmap keeps about you (profile, taste, feedback, bans, playlists) "
                "as one zip of JSON and CSV files. Deleting your account removes all of it.",
                className="small text-secondary",
            ),
            dbc.Button("Download my data (.zip)", id="profile-download-data", n_clicks=0),
            dcc.Download(id="profile-data-download"),
        ],
        "profile-data",
    )
    status = history_import.import_status(_user_id())
    history = _card(
        "Import your listening history",
        [
            import_status.upload_box(history_import.upload_limit()),
            html.Div(
                import_status.import_status_view(status),
                id=import_status.STATUS_ID,
                className="mt-3",
            ),
            dcc.Interval(
                id=import_status.POLL_ID,
                interval=import_status.POLL_MILLISECONDS,
                disabled=not (status and status.active),
            ),
        ],
        "profile-history",
    )
    linked = connections_card.connections_card(connections.connections_view(_user_id(), spotify))
    return dbc.Row(
        [dbc.Col([account, history, linked, bans, data], lg=5), dbc.Col(taste, lg=7)],
        id="profile",
    )


@callback(
    Output("profile-name-status", "children"),
    Input("profile-save-name", "n_clicks"),
    State("profile-name", "value"),
    prevent_initial_call=True,
)
def save_name(_clicks: int, name: str | None) -> Any:
    try:
        saved = profile.rename(_user_id(), name or "")
    except profile.ProfileError as error:
        return dbc.Alert(str(error), color="danger", className="py-2")
    return dbc.Alert(f"Saved: you are {saved}.", color="success", className="py-2", duration=4000)


@callback(
    Output("profile-taste-status", "children"),
    Input("profile-save-taste", "n_clicks"),
    State(form.GENRES_ID, "value"),
    State(form.MOODS_ID, "value"),
    State(form.ARTISTS_ID, "value"),
    State("profile-adventurousness", "value"),
    prevent_initial_call=True,
)
def save_taste(_clicks, genres, moods, artists, adventurousness) -> Any:
    try:
        profile.save_preferences(
            _user_id(),
            genres=genres or [],
            moods=moods or [],
            artist_ids=artists or [],
            adventurousness=adventurousness,
        )
    except profile.ProfileError as error:
        return dbc.Alert(str(error), color="danger", className="py-2")
    return dbc.Alert(
        "Saved. Your recommendations now follow it.",
        color="success",
        className="py-2",
        duration=4000,
    )


@callback(
    Output("profile-bans", "children"),
    Input({"type": UNBAN_TYPE, "ban": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def lift_ban(_clicks: list[int | None]) -> Any:
    if not isinstance(ctx.triggered_id, dict) or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    feedback.unban(_user_id(), int(ctx.triggered_id["ban"]))
    return bans_list(feedback.list_bans(_user_id()))


@callback(
    Output("profile-data-download", "data"),
    Input("profile-download-data", "n_clicks"),
    prevent_initial_call=True,
)
def download_data(_clicks: int) -> Any:
    exported = user_data.export_user_data(_user_id())
    return dcc.send_bytes(exported.content, exported.filename, type="application/zip")


@callback(
    Output(import_status.STATUS_ID, "children"),
    Output(import_status.POLL_ID, "disabled"),
    Input(import_status.UPLOAD_ID, "contents"),
    State(import_status.UPLOAD_ID, "filename"),
    prevent_initial_call=True,
)
def upload_history(contents: str | None, filename: str | None) -> tuple[Any, bool]:
    if not contents:
        raise PreventUpdate
    try:
        status = history_import.submit_browser_upload(_user_id(), filename or "", contents)
    except history_import.HistoryImportError as error:
        return dbc.Alert(str(error), color="danger", className="py-2 small"), True
    return import_status.import_status_view(status), False


@callback(
    Output(import_status.STATUS_ID, "children", allow_duplicate=True),
    Output(import_status.POLL_ID, "disabled", allow_duplicate=True),
    Input(import_status.POLL_ID, "n_intervals"),
    prevent_initial_call=True,
)
def poll_history_import(_ticks: int) -> tuple[Any, bool]:
    status = history_import.import_status(_user_id())
    return import_status.import_status_view(status), not (status and status.active)


# ---------------------------------------------------------------- connections (Spotify, Last.fm)


@callback(
    Output(connections_card.SPOTIFY_STATUS_ID, "children"),
    Output(connections_card.SPOTIFY_POLL_ID, "disabled"),
    Input("spotify-import", "n_clicks"),
    prevent_initial_call=True,
)
def import_spotify(clicks: int) -> tuple[Any, bool]:
    if not clicks:
        raise PreventUpdate
    try:
        status = spotify_account.submit_import(_user_id())
    except (IntegrationError, history_import.HistoryImportError) as error:
        return connections_card.outcome_alert(str(error), ok=False), True
    return import_status.import_status_view(status), False


@callback(
    Output(connections_card.SPOTIFY_STATUS_ID, "children", allow_duplicate=True),
    Output(connections_card.SPOTIFY_POLL_ID, "disabled", allow_duplicate=True),
    Input(connections_card.SPOTIFY_POLL_ID, "n_intervals"),
    prevent_initial_call=True,
)
def poll_spotify_import(_ticks: int) -> tuple[Any, bool]:
    status = spotify_account.import_job_status(_user_id())
    return import_status.import_status_view(status), not (status and status.active)


@callback(
    Output(connections_card.CARD_ID, "children"),
    Input("spotify-disconnect", "n_clicks"),
    prevent_initial_call=True,
)
def disconnect_spotify(clicks: int) -> Any:
    if not clicks:
        raise PreventUpdate
    spotify_account.disconnect(_user_id())
    return connections_card.connections_body(connections.connections_view(_user_id()))


@callback(
    Output("spotify-send-status", "children"),
    Input("spotify-send", "n_clicks"),
    State("spotify-playlist", "value"),
    prevent_initial_call=True,
)
def send_to_spotify(_clicks: int, playlist_id: Any) -> Any:
    try:
        sent = spotify_account.send_playlist(_user_id(), int(playlist_id))
    except (TypeError, ValueError):
        return connections_card.outcome_alert("Pick one of your playlists first.", ok=False)
    except IntegrationError as error:
        return connections_card.outcome_alert(str(error), ok=False)
    skipped = (
        f" ({sent.demo_tracks_skipped} demo tracks skipped)" if sent.demo_tracks_skipped else ""
    )
    link = html.A("Open it in Spotify", href=sent.url, target="_blank", rel="noopener")
    return dbc.Alert(
        [f"Sent {sent.tracks_sent} tracks{skipped}. ", link if sent.url else ""],
        color="success",
        className="py-2 small mb-0",
    )


@callback(
    Output(connections_card.LASTFM_STATUS_ID, "children"),
    Output(connections_card.LASTFM_POLL_ID, "disabled"),
    Input("lastfm-import", "n_clicks"),
    State("lastfm-username", "value"),
    prevent_initial_call=True,
)
def import_lastfm(clicks: int, username: str | None) -> tuple[Any, bool]:
    if not clicks:
        raise PreventUpdate
    try:
        status = lastfm_import.submit_import(_user_id(), username)
    except (IntegrationError, history_import.HistoryImportError) as error:
        return connections_card.outcome_alert(str(error), ok=False), True
    return import_status.import_status_view(status), False


@callback(
    Output(connections_card.LASTFM_STATUS_ID, "children", allow_duplicate=True),
    Output(connections_card.LASTFM_POLL_ID, "disabled", allow_duplicate=True),
    Input(connections_card.LASTFM_POLL_ID, "n_intervals"),
    prevent_initial_call=True,
)
def poll_lastfm_import(_ticks: int) -> tuple[Any, bool]:
    status = lastfm_import.import_job_status(_user_id())
    return import_status.import_status_view(status), not (status and status.active)
