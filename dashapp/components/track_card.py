"""Recommended tracks as cards: title, artist, genre, mood, cluster, reasons, Spotify, feedback."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html

from dashapp.components.feedback_buttons import feedback_buttons
from dashapp.services.recommendations import RecommendedTrack
from music.links import spotify_embed_url
from music.moods import MOOD_LABELS


def spotify_embed(track_id: str) -> html.Iframe:
    """Spotify's own player; it only plays when the browser is online."""
    return html.Iframe(
        src=spotify_embed_url(track_id),
        className="spotify-embed mt-2",
        title="Spotify player",
        allow="encrypted-media",
    )


def track_card(track: RecommendedTrack, rank: int, embed: bool = False) -> dbc.Card:
    badges = [
        dbc.Badge(track.genre or "unknown genre", color="primary", className="me-1"),
        *(
            [dbc.Badge(MOOD_LABELS.get(track.mood, track.mood), color="info", className="me-1")]
            if track.mood
            else []
        ),
        dbc.Badge(track.cluster_name, color="secondary", className="me-1"),
    ]
    links = (
        [
            html.A(
                [html.I(className="bi bi-spotify me-1"), "Open in Spotify"],
                href=track.spotify_url,
                target="_blank",
                rel="noopener noreferrer",
                className="small ms-auto",
            )
        ]
        if track.spotify_url
        else []
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.Span(f"{rank}.", className="text-secondary me-2"),
                        html.Div(
                            [
                                html.H3(
                                    track.name,
                                    className="card-title h6 track-title",
                                    **{"data-track-id": track.track_id},
                                ),
                                html.Div(
                                    track.artist_name,
                                    className="text-secondary small track-artist",
                                    **{"data-artist-id": str(track.artist_id)},
                                ),
                            ],
                            className="flex-grow-1",
                        ),
                    ],
                    className="d-flex align-items-start",
                ),
                html.Div(badges, className="my-2"),
                html.Ul([html.Li(reason) for reason in track.reasons], className="reasons"),
                html.Div(
                    [feedback_buttons(track.track_id, track.artist_name), *links],
                    className="d-flex align-items-center flex-wrap gap-2",
                ),
                *([spotify_embed(track.track_id)] if embed and track.spotify_url else []),
            ]
        ),
        className="track-card mb-2 shadow-sm",
        id={"type": "track-card", "track": track.track_id},
    )


def track_list(tracks: Sequence[RecommendedTrack], embed_first: bool = True) -> html.Div:
    return html.Div(
        [track_card(t, i + 1, embed=embed_first and i == 0) for i, t in enumerate(tracks)],
        className="track-list",
    )
