"""Home's side panel: listeners like you, the user's taste at a glance, their playlists."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp.services import insights, playlists, recommendations


def _card(title: str, body: Any, card_id: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody([html.H2(title, className="h6"), body]), className="mb-3", id=card_id
    )


def listeners_card(matches: list[recommendations.ListenerLikeYou]) -> dbc.Card:
    if not matches:
        body = html.P(
            "Like or play a few tracks and we will find listeners who share your taste.",
            className="text-secondary small mb-0",
        )
    else:
        body = html.Ul(
            [
                html.Li(
                    [
                        html.Span(f"{m.similarity:.0%} alike", className="fw-semibold me-1"),
                        html.Span(
                            f"· {m.shared_tracks} shared tracks, {m.shared_artists} shared "
                            f"artists" + (f" · into {m.cluster_name}" if m.cluster_name else ""),
                            className="text-secondary",
                        ),
                    ],
                    className="small",
                )
                for m in matches
            ],
            className="list-unstyled mb-0",
        )
    return _card("Listeners like you", body, "listeners-like-you")


def _share_list(items: list[tuple[str, float]]) -> html.Ul:
    return html.Ul(
        [
            html.Li([html.Span(label), html.Span(f"{share:.0%}", className="float-end")])
            for label, share in items
        ],
        className="list-unstyled small mb-2",
    )


def taste_card(summary: insights.TasteSummary) -> dbc.Card:
    if summary.listens == 0:
        body = html.P("Your top genres and clusters appear here.", className="text-secondary small")
    else:
        body = html.Div(
            [
                html.Div("Genres", className="small text-secondary"),
                _share_list(summary.top_genres),
                *(
                    [
                        html.Div("Clusters", className="small text-secondary"),
                        _share_list(summary.top_clusters),
                    ]
                    if summary.top_clusters
                    else []
                ),
                dcc.Link("More in Insights", href="/insights", className="small"),
            ]
        )
    return _card("Your taste", body, "taste-summary")


def playlists_card(mine: list[playlists.PlaylistSummary]) -> dbc.Card:
    if not mine:
        body = html.P(
            ["No playlists yet. ", dcc.Link("Make one", href="/playlists")],
            className="small mb-0",
        )
    else:
        body = html.Ul(
            [
                html.Li(
                    [
                        dcc.Link(p.name, href=f"/playlists?playlist={p.id}"),
                        html.Span(f"{p.track_count} tracks", className="float-end text-secondary"),
                    ],
                    className="small",
                )
                for p in mine[:5]
            ],
            className="list-unstyled mb-0",
        )
    return _card("Your playlists", body, "playlists-summary")
