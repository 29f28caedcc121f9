"""Onboarding (``/welcome``): pick genres, moods and artists, then see personal recommendations.

Three clicks are enough: a genre, a mood, "Show my recommendations". Artist suggestions appear as
the user picks genres. Saving goes through ``services.profile``; the user is ``current_user``.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from flask_login import current_user

from dashapp.components import preference_form as form
from dashapp.services import profile

dash.register_page(__name__, path="/welcome", title="Welcome · Mixmap")


def layout(**_query: Any) -> html.Div:
    if not current_user or not current_user.is_authenticated:
        return html.Div()
    view = profile.get_profile(int(current_user.id))
    return dbc.Row(
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        dcc.Location(id="welcome-location", refresh="callback-nav"),
                        html.H1(f"Welcome, {view.display_name}", className="h4"),
                        html.P(
                            "Pick what you like; your first recommendations follow straight "
                            "away. You can change all of this later on your profile.",
                            className="text-secondary",
                        ),
                        form.preference_fields(view.preferences, view.artist_choices),
                        html.Div(id="welcome-error", className="mt-3"),
                        html.Div(
                            [
                                dbc.Button(
                                    "Show my recommendations",
                                    id="welcome-save",
                                    color="primary",
                                    n_clicks=0,
                                ),
                                dcc.Link("Skip for now", href="/", className="ms-3 small"),
                            ],
                            className="mt-3 d-flex align-items-center",
                        ),
                    ]
                ),
                className="shadow-sm",
            ),
            lg={"size": 8, "offset": 2},
        ),
        id="welcome",
    )


@callback(
    Output("welcome-location", "href"),
    Output("welcome-error", "children"),
    Input("welcome-save", "n_clicks"),
    State(form.GENRES_ID, "value"),
    State(form.MOODS_ID, "value"),
    State(form.ARTISTS_ID, "value"),
    prevent_initial_call=True,
)
def save_and_go_home(_clicks: int, genres: list[str], moods: list[str], artists: list[int]):
    if not (genres or moods or artists):
        alert = dbc.Alert(
            "Pick at least one genre, mood or artist, or skip for now.", color="warning"
        )
        return dash.no_update, alert
    try:
        profile.save_preferences(
            int(current_user.id), genres=genres or [], moods=moods or [], artist_ids=artists or []
        )
    except profile.ProfileError as error:
        return dash.no_update, dbc.Alert(str(error), color="danger")
    return "/", None
