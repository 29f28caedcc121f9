"""Recommended tracks as compact cards: title, artist, genre · mood · cluster, why, play, feedback.

A card is about 90 px tall (was ~240 px with three badges, a reasons list and a wrapped button row)
so a laptop shows about eight picks above the fold and a phone four or five. The first reason is
shown; all of them are in its tooltip. Tracks that are on Spotify get a play button that opens
Spotify's player in the page's one player slot (``PLAYER_ID``): one iframe for the whole list,
not one per card.

The card's structure is known here only: pages change a shown card through ``mark_card`` (a like
or favourite marks it in place) or replace it with a new ``track_card``, both as Dash ``Patch``
operations on the list's children.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from dash import ALL, Input, Patch, html

from dashapp.components.feedback_buttons import feedback_buttons
from dashapp.services.recommendations import RecommendedTrack, mood_label
from music.links import spotify_embed_url

CARD_TYPE = "track-card"
PLAY_TYPE = "track-play"
PLAYER_ID = "track-player"
PLAYER_BOX_ID = "track-player-box"
PLAYER_CLOSE_ID = "track-player-close"
CARD_CLASS = "track-card card shadow-sm"
# Kinds that keep the card on screen, marked (the others replace it).
MARKING_KINDS = ("like", "favourite")


def card_class(marked: str | None = None) -> str:
    return f"{CARD_CLASS} is-{marked}" if marked else CARD_CLASS


def _meta(track: RecommendedTrack) -> str:
    parts = [track.genre or "unknown genre", mood_label(track.mood), track.cluster_name]
    return " · ".join(p for p in parts if p)


def track_card(track: RecommendedTrack, rank: int, marked: str | None = None) -> html.Div:
    play = (
        [
            html.Button(
                id={"type": PLAY_TYPE, "track": track.track_id},
                className="btn btn-sm btn-outline-success bi bi-play-fill track-play",
                title=f"Play {track.name} (Spotify)",
                n_clicks=0,
                **{"aria-label": f"Play {track.name}"},
            )
        ]
        if track.spotify_url
        else []
    )
    return html.Div(
        [
            html.Div(
                [
                    html.Span(f"{rank}", className="track-rank"),
                    *play,
                    html.Div(
                        [
                            html.H3(
                                track.name,
                                className="track-title",
                                **{"data-track-id": track.track_id},
                            ),
                            html.Div(
                                [
                                    html.Span(
                                        track.artist_name,
                                        className="track-artist",
                                        **{"data-artist-id": str(track.artist_id)},
                                    ),
                                    f" · {_meta(track)}",
                                ],
                                className="track-meta",
                            ),
                        ],
                        className="track-text",
                    ),
                    feedback_buttons(track.track_id, track.artist_name),
                ],
                className="track-main",
            ),
            html.Div(
                track.reasons[0] if track.reasons else "",
                className="track-reason",
                title="\n".join(track.reasons),
            ),
        ],
        className=card_class(marked),
        id={"type": CARD_TYPE, "track": track.track_id},
    )


def track_list(tracks: Sequence[RecommendedTrack]) -> list[html.Div]:
    """The list's children: one card per track, ranked from 1."""
    return [track_card(t, i + 1) for i, t in enumerate(tracks)]


def mark_card(patch: Patch, index: int, kind: str) -> None:
    """Mark the card at ``index`` of a list's children as liked / favourited, in place."""
    patch[index]["props"]["className"] = card_class(kind)


def player() -> html.Div:
    """The page's one Spotify player, opened by a card's play button (see ``PLAYER_OPEN_JS``)."""
    return html.Div(
        [
            html.Button(
                id=PLAYER_CLOSE_ID,
                className="btn-close track-player-close",
                title="Close the player",
                n_clicks=0,
                **{"aria-label": "Close the player"},
            ),
            html.Iframe(
                id=PLAYER_ID,
                className="spotify-embed",
                title="Spotify player",
                allow="encrypted-media",
            ),
        ],
        id=PLAYER_BOX_ID,
        className="track-player",
        hidden=True,
    )


# Opening and closing the player is pure UI state: it never leaves the browser.
PLAYER_OPEN_JS = """
function (plays, closes) {
    const EMBED = EMBED_PREFIX;
    const ctx = dash_clientside.callback_context;
    const none = dash_clientside.no_update;
    const trigger = (ctx.triggered[0] || {});
    if (!trigger.value) { return [none, none]; }
    if (trigger.prop_id.startsWith("track-player-close")) { return ["", true]; }
    const id = JSON.parse(trigger.prop_id.slice(0, trigger.prop_id.lastIndexOf(".")));
    return [EMBED + encodeURIComponent(id.track), false];
}
""".replace("EMBED_PREFIX", json.dumps(spotify_embed_url("")))  # the one spelling, music.links


def play_inputs() -> tuple[Input, Input]:
    return (
        Input({"type": PLAY_TYPE, "track": ALL}, "n_clicks"),
        Input(PLAYER_CLOSE_ID, "n_clicks"),
    )
