"""The Playlists page's panels: the list of playlists, the generator form and the editor panel
around the grid (``playlist_editor``). Layout only: the page's callbacks give them behaviour."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp.components import playlist_editor as editor
from dashapp.components.empty_state import empty_state
from dashapp.components.filter_panel import filter_panel
from dashapp.services import playlists

FILTER_PANEL = "playlist"
PATH = "/playlists"


def minutes(ms: int) -> str:
    return f"{round(ms / 60_000)} min"


def playlist_list(summaries: list[playlists.PlaylistSummary], selected: int | None) -> Any:
    if not summaries:
        return html.P("None yet.", className="text-muted small")
    return dbc.ListGroup(
        [
            dbc.ListGroupItem(
                [
                    html.Span(p.name, className="me-2"),
                    dbc.Badge("smart", color="info", className="me-1") if p.is_smart else None,
                    html.Small(
                        f"{p.track_count} · {minutes(p.duration_ms)}",
                        className="text-muted float-end",
                    ),
                ],
                href=f"{PATH}?playlist={p.id}",
                active=p.id == selected,
                id={"type": "pl-link", "index": p.id},
            )
            for p in summaries
        ],
        flush=True,
        className="mb-3",
    )


def generator_form(genres: list[str]) -> dbc.Card:
    def field(label: str, component: Any, field_id: str) -> html.Div:
        return html.Div(
            [dbc.Label(label, className="small mb-0"), component], id=field_id, className="mb-2"
        )

    return dbc.Card(
        dbc.CardBody(
            [
                html.H6("Generate a playlist"),
                field(
                    "From",
                    dbc.Select(
                        id="gen-kind",
                        options=[
                            {"label": v, "value": k} for k, v in playlists.generator_kinds().items()
                        ],
                        value="mood",
                    ),
                    "gen-kind-field",
                ),
                field(
                    "Seed / start track",
                    dcc.Dropdown(id="gen-track-a", placeholder="Type 2+ letters of a title"),
                    "gen-track-a-field",
                ),
                field(
                    "End track",
                    dcc.Dropdown(id="gen-track-b", placeholder="Type 2+ letters of a title"),
                    "gen-track-b-field",
                ),
                field(
                    "…or an artist",
                    dcc.Dropdown(id="gen-artist", placeholder="Type 2+ letters of a name"),
                    "gen-artist-field",
                ),
                html.Div(id="gen-staged-note", className="small text-muted mb-2"),
                html.Details(
                    [
                        html.Summary(
                            "Filters (genre, mood, activity, ranges)", className="small mb-2"
                        ),
                        filter_panel(FILTER_PANEL, genres),
                    ],
                    open=True,
                    id="gen-filters",
                    className="mb-2",
                ),
                dbc.Row(
                    [
                        dbc.Col(dbc.Input(id="gen-length", type="number", min=1, value=25)),
                        dbc.Col(
                            dbc.Select(
                                id="gen-length-unit",
                                options=[
                                    {"label": "tracks", "value": "tracks"},
                                    {"label": "minutes", "value": "minutes"},
                                ],
                                value="tracks",
                            )
                        ),
                    ],
                    className="g-2 mb-2",
                ),
                dbc.Label("Adventurousness", className="small mb-0"),
                dcc.Slider(
                    id="gen-adventurousness",
                    min=0,
                    max=1,
                    step=0.05,
                    value=0.5,
                    marks={0: "familiar", 0.5: "", 1: "far out"},
                ),
                dbc.Checklist(
                    id="gen-options",
                    options=[
                        {"label": "Flow order", "value": "flow"},
                        {"label": "Smart (re-runnable)", "value": "smart"},
                    ],
                    value=["smart"],
                    inline=True,
                    className="small mb-2",
                ),
                dbc.Input(id="gen-name", placeholder="Name (optional)", className="mb-2"),
                dbc.Button("Generate", id="gen-go", color="primary", className="w-100"),
                # Generating at catalogue scale can take a moment: show it is under way.
                dcc.Loading(html.Div(id="gen-message", className="mt-2"), delay_show=200),
            ]
        ),
        className="mb-3",
    )


def editor_panel(detail: playlists.PlaylistDetail | None) -> Any:
    if detail is None:
        return empty_state(
            "Pick or make a playlist",
            "Open one on the left, generate one, or stage tracks on Explore and save them here.",
        )
    if detail.is_curated:
        return html.Div(
            [
                html.H4(detail.name),
                html.P(
                    "A curated playlist from the catalogue: duplicate it to edit your copy.",
                    className="text-muted",
                ),
                dbc.Button("Duplicate", id="pl-duplicate", color="primary", className="mb-2"),
                editor.track_grid(detail.items, editable=False),
            ],
            **{"data-playlist": str(detail.id)},
        )
    return html.Div(
        [
            editor.header(
                detail.name, detail.generator is not None, len(detail.items), detail.duration_ms
            ),
            html.Div([editor.toolbar(), editor.export_menu()]),
            html.Div(id="pl-message"),
            editor.track_grid(detail.items),
            html.Div(editor.sparkline(playlists.flow_of(detail)), className="mt-2"),
        ],
        # The open playlist's id, for the address bar (see the clientside callback below).
        **{"data-playlist": str(detail.id)},
    )
