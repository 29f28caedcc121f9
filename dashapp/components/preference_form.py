"""The taste form shared by onboarding and the profile: genre and mood chips, searchable artists
with suggestions that follow what the user picks.

Both pages use the same component ids, so the callbacks live here and are registered once. They
only read choices (genres, artist search, suggestions); saving is the page's job.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashapp.services import profile
from dashapp.services.profile import Choice, StoredPreferences

GENRES_ID = "pref-genres"
MOODS_ID = "pref-moods"
ARTISTS_ID = "pref-artists"
SUGGESTIONS_ID = "pref-suggestions"
SUGGEST_TYPE = "suggest-artist"
SEARCH_LIMIT = 20


def _options(choices: list[Choice]) -> list[dict[str, Any]]:
    return [{"label": c.label, "value": c.value} for c in choices]


def chips(component_id: str, choices: list[Choice], selected: tuple[str, ...]) -> dbc.Checklist:
    """A row of toggle buttons; Bootstrap's btn-check keeps them keyboard-usable."""
    return dbc.Checklist(
        id=component_id,
        options=_options(choices),
        value=list(selected),
        inline=True,
        input_class_name="btn-check",
        label_class_name="btn btn-outline-primary btn-sm",
        label_checked_class_name="active",
        class_name="chip-group",
    )


def preference_fields(prefs: StoredPreferences, artist_choices: list[Choice]) -> html.Div:
    return html.Div(
        [
            html.H2("Genres you like", className="h6 mt-2"),
            chips(GENRES_ID, profile.genre_choices(), prefs.genres),
            html.H2("Moods you reach for", className="h6 mt-3"),
            chips(MOODS_ID, profile.mood_choices(), prefs.moods),
            html.H2("Artists you love", className="h6 mt-3"),
            dcc.Dropdown(
                id=ARTISTS_ID,
                options=_options(artist_choices),
                value=[c.value for c in artist_choices],
                multi=True,
                searchable=True,
                placeholder="Type to search artists…",
            ),
            html.Div(id=SUGGESTIONS_ID, className="mt-2"),
        ]
    )


@callback(
    Output(ARTISTS_ID, "options"),
    Input(ARTISTS_ID, "search_value"),
    Input(ARTISTS_ID, "value"),
)
def artist_options(search: str | None, selected: list[int] | None) -> list[dict[str, Any]]:
    # Keep the picked artists among the options, or the dropdown would forget their names.
    picked = profile.artist_labels(selected or [])
    found = profile.search_artists(search or "", SEARCH_LIMIT) if search else []
    seen = {c.value for c in picked}
    return _options(picked + [c for c in found if c.value not in seen])


@callback(
    Output(SUGGESTIONS_ID, "children"),
    Input(GENRES_ID, "value"),
    Input(ARTISTS_ID, "value"),
)
def show_suggestions(genres: list[str] | None, selected: list[int] | None) -> Any:
    if not genres:
        return html.Small("Pick a genre to see artist suggestions.", className="text-secondary")
    suggestions = profile.suggested_artists(genres, exclude=selected or [])
    if not suggestions:
        return None
    return html.Div(
        [
            html.Small("Suggestions: ", className="text-secondary me-1"),
            *(
                dbc.Button(
                    ["+ ", c.label],
                    id={"type": SUGGEST_TYPE, "artist": c.value},
                    size="sm",
                    color="secondary",
                    outline=True,
                    className="me-1 mb-1 rounded-pill",
                    n_clicks=0,
                )
                for c in suggestions
            ),
        ]
    )


@callback(
    Output(ARTISTS_ID, "value"),
    Input({"type": SUGGEST_TYPE, "artist": ALL}, "n_clicks"),
    State(ARTISTS_ID, "value"),
    prevent_initial_call=True,
)
def add_suggested_artist(clicks: list[int | None], selected: list[int] | None) -> list[int]:
    # Re-rendered suggestion buttons also fire this with n_clicks 0: only a real click counts.
    if not isinstance(ctx.triggered_id, dict) or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    artist = int(ctx.triggered_id["artist"])
    selected = list(selected or [])
    if artist in selected:
        raise PreventUpdate
    return [*selected, artist]
