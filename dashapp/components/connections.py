"""The Profile page's "Connections" card: Spotify (connect, import, send a playlist, disconnect)
and Last.fm (import scrobbles by user name). Renders a ``ConnectionsView``; no user, no ids.
Both imports run in the worker; their progress is shown like a history upload's."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp.components.import_status import POLL_MILLISECONDS, import_status_view
from dashapp.services.connections import ConnectionsView
from dashapp.services.history_import import ImportStatus

CARD_ID = "profile-connections"
SPOTIFY_STATUS_ID = "spotify-import-status"
SPOTIFY_POLL_ID = "spotify-import-poll"
LASTFM_STATUS_ID = "lastfm-import-status"
LASTFM_POLL_ID = "lastfm-import-poll"
NOT_CONFIGURED_HELP = "docs/INTEGRATIONS.md"


def _muted(text: str, element_id: str | None = None) -> html.P:
    return html.P(
        text, className="text-secondary small mb-2", **({"id": element_id} if element_id else {})
    )


def _spotify(view: ConnectionsView) -> list[Any]:
    status = view.spotify
    if not status.configured:
        return [
            _muted(
                "The Spotify integration is not configured on this server "
                f"(SPOTIFY_CLIENT_ID is not set; see {NOT_CONFIGURED_HELP}).",
                "spotify-not-configured",
            )
        ]
    if not status.connected:
        return [
            _muted("Connect to import your saved tracks, top tracks and recent plays."),
            dbc.Button(
                "Connect Spotify",
                href="/connect/spotify",
                external_link=True,
                color="success",
                size="sm",
                id="spotify-connect",
            ),
        ]
    choices = [{"label": name, "value": pid} for pid, name in view.playlists]
    return [
        html.P(
            ["Connected as ", html.Strong(status.display_name or "you"), "."], className="small"
        ),
        html.Div(
            [
                dbc.Button("Import my Spotify library", id="spotify-import", size="sm", n_clicks=0),
                dbc.Button(
                    "Disconnect",
                    id="spotify-disconnect",
                    size="sm",
                    color="link",
                    className="text-danger",
                    n_clicks=0,
                ),
            ],
            className="d-flex gap-2 mb-2",
        ),
        *_job_status(view.spotify_import, SPOTIFY_STATUS_ID, SPOTIFY_POLL_ID),
        dbc.Label(
            "Send a playlist to Spotify", html_for="spotify-playlist", className="small mt-2"
        ),
        dbc.InputGroup(
            [
                dbc.Select(id="spotify-playlist", options=choices, placeholder="Pick a playlist"),
                dbc.Button("Send", id="spotify-send", n_clicks=0, disabled=not choices),
            ],
            size="sm",
        ),
        dcc.Loading(html.Div(id="spotify-send-status", className="mt-2")),
    ]


def _lastfm(view: ConnectionsView) -> list[Any]:
    if not view.lastfm.configured:
        return [
            _muted(
                "The Last.fm integration is not configured on this server "
                f"(LASTFM_API_KEY is not set; see {NOT_CONFIGURED_HELP}).",
                "lastfm-not-configured",
            )
        ]
    return [
        _muted("Import your most recent scrobbles (up to 10,000 per import) as plays."),
        dbc.InputGroup(
            [
                dbc.Input(
                    id="lastfm-username",
                    placeholder="Last.fm user name",
                    value=view.lastfm.username or "",
                    maxLength=15,
                ),
                dbc.Button("Import scrobbles", id="lastfm-import", n_clicks=0),
            ],
            size="sm",
        ),
        *_job_status(view.lastfm_import, LASTFM_STATUS_ID, LASTFM_POLL_ID, "mt-2"),
    ]


def _job_status(
    status: ImportStatus | None, status_id: str, poll_id: str, class_name: str = "mb-2"
) -> list[Any]:
    """The latest import's progress or report, polled while the worker runs it."""
    return [
        html.Div(import_status_view(status), id=status_id, className=class_name),
        dcc.Interval(
            id=poll_id,
            interval=POLL_MILLISECONDS,
            disabled=not (status and status.active),
        ),
    ]


def connections_body(view: ConnectionsView) -> list[Any]:
    notice = (
        [dbc.Alert(view.notice[0], color=view.notice[1], className="py-2", id="spotify-notice")]
        if view.notice
        else []
    )
    return [
        html.H2("Connections", className="h5"),
        *notice,
        html.H3("Spotify", className="h6 mt-2"),
        *_spotify(view),
        html.H3("Last.fm", className="h6 mt-3"),
        *_lastfm(view),
    ]


def connections_card(view: ConnectionsView) -> dbc.Card:
    return dbc.Card(dbc.CardBody(connections_body(view), id=CARD_ID), className="mb-3")


def outcome_alert(message: str, ok: bool) -> dbc.Alert:
    return dbc.Alert(message, color="success" if ok else "danger", className="py-2 small mb-0")
