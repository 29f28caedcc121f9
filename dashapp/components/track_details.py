"""The Explore details card of one track: facts, moods, similar tracks and what to do with it.

The action buttons (``track_actions``) carry no user and no track: the page keeps the open track
in a store and takes the user from ``current_user``. Similar tracks are buttons with
``{"type": OPEN_TRACK, "track": id}`` ids, so clicking one opens its card (the page listens with
``ALL``).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashapp.services.enrichment import TrackEnrichmentView
from dashapp.services.explore import TrackDetails
from dashapp.services.track_filters import mood_label

OPEN_TRACK = "explore-open-track"
# (id, label, colour): ids the page's callbacks listen to.
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("details-like", "Like", "success"),
    ("details-ban-track", "Never suggest this track", "dark"),
    ("details-ban-artist", "Never suggest this artist", "dark"),
)
STAGING_ACTIONS: tuple[tuple[str, str], ...] = (
    ("details-stage", "Stage this track"),
    ("details-stage-cluster", "Stage its cluster"),
    ("details-stage-nearest", "Stage 25 nearest"),
)


def track_actions() -> html.Div:
    """Like / ban / stage buttons for the open track; always in the layout, disabled until a
    track is open (callbacks need their inputs present)."""
    feedback = [
        dbc.Button(label, id=button_id, color=colour, outline=True, size="sm", disabled=True)
        for button_id, label, colour in ACTIONS
    ]
    staging = [
        dbc.Button(label, id=button_id, color="primary", outline=True, size="sm", disabled=True)
        for button_id, label in STAGING_ACTIONS
    ]
    return html.Div(
        [
            html.Div(feedback, className="d-flex flex-wrap gap-1 mb-1"),
            html.Div(staging, className="d-flex flex-wrap gap-1"),
        ],
        className="my-2",
        id="details-actions",
    )


ACTION_IDS: tuple[str, ...] = (*(a[0] for a in ACTIONS), *(a[0] for a in STAGING_ACTIONS))


def details_placeholder() -> html.Div:
    return html.Div(
        "Click a point on the map (or search for a track) to see it here with similar tracks.",
        className="text-muted small",
        id="details-placeholder",
    )


def _feature_row(name: str, value: float) -> html.Tr:
    shown = f"{value:.0f} BPM" if name == "tempo" else f"{value:.2f}"
    return html.Tr([html.Td(name.capitalize(), className="pe-3"), html.Td(shown)])


def enrichment_section(extra: TrackEnrichmentView) -> html.Div:
    """What Spotify and Last.fm added (``catalog enrich``): art, preview, genres, tag moods,
    similar artists. Only the parts that exist are shown."""
    badges = [
        dbc.Badge(genre, color="secondary", className="me-1 fw-normal") for genre in extra.genres
    ] + [
        dbc.Badge(mood_label(mood), color="info", className="me-1 fw-normal")
        for mood in extra.moods
    ]
    parts: list = []
    if extra.album_image_url:
        parts.append(
            html.Img(src=extra.album_image_url, alt="Album cover", height=96, className="mb-2")
        )
    if badges:
        parts.append(html.Div(badges, className="mb-2", id="details-genres"))
    if extra.preview_url:
        parts.append(html.Audio(src=extra.preview_url, controls=True, className="w-100 mb-2"))
    if extra.similar_artists:
        parts.append(
            html.Div(
                ["Similar artists (Last.fm): ", ", ".join(extra.similar_artists)],
                className="small text-muted mb-2",
                id="details-similar-artists",
            )
        )
    return html.Div(parts, id="details-enrichment")


def track_details_card(
    details: TrackDetails,
    spotify_url: str | None = None,
    extra: TrackEnrichmentView | None = None,
) -> dbc.Card:
    """The card for ``details``; ``spotify_url`` None hides the link (generated demo tracks);
    ``extra`` is what ``catalog enrich`` stored, when it ran."""
    meta = " · ".join(
        part
        for part in (
            details.album,
            str(details.release_year) if details.release_year else "",
            details.genre,
            f"popularity {details.popularity}",
        )
        if part
    )
    moods = [
        dbc.Badge(mood_label(mood), color="light", text_color="dark", className="me-1")
        for mood in details.moods
    ]
    similar = [
        html.Li(
            [
                html.Button(
                    f"{s.title} · {s.artist}",
                    id={"type": OPEN_TRACK, "track": s.track_id},
                    className="btn btn-link btn-sm p-0 text-start similar-track",
                    n_clicks=0,
                ),
                html.Div(s.reason, className="small text-muted"),
            ],
            className="mb-1",
        )
        for s in details.similar
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5(details.title, className="card-title mb-0", id="details-title"),
                html.Div(details.artist, className="fw-semibold"),
                html.Div(meta, className="small text-muted mb-2"),
                html.Div(
                    [html.Span("Cluster: ", className="small"), html.Strong(details.cluster_name)],
                    className="mb-1",
                ),
                html.Div(moods, className="mb-2"),
                *([enrichment_section(extra)] if extra else []),
                html.Table(
                    [_feature_row(name, value) for name, value in details.features.items()],
                    className="small mb-2",
                ),
                *(
                    [html.A("Open in Spotify", href=spotify_url, target="_blank", rel="noopener")]
                    if spotify_url
                    else []
                ),
                html.H6("Similar tracks", className="mt-2"),
                html.Ol(similar, className="ps-3 mb-0", id="similar-tracks")
                if similar
                else html.Div("No similar tracks found.", className="small text-muted"),
            ]
        ),
        id="track-details-card",
    )
