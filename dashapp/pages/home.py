"""Home: live recommendations with feedback buttons, adventurousness, listeners like you, taste.

The list stays put under the user's cursor. A click on a feedback button becomes one small action
in the browser (``home-action``); the server records it and answers with a ``Patch`` of the list:
a like or favourite marks its card in place, a skip or ban replaces only the cards it removes,
and a note says how many new picks the feedback brought ("3 new picks since you liked X"). The
whole list is rebuilt only on arrival, on "Refresh" and when the dial moves, and the side panel
only on arrival; each user action reads the listener's state once (``home_feed.home_view`` /
``record_and_update``).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, Patch, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from dashapp.components.empty_state import empty_state
from dashapp.components.feedback_buttons import FEEDBACK_ACTION_JS, FEEDBACK_INPUT
from dashapp.components.home_panel import listeners_card, playlists_card, taste_card
from dashapp.components.track_card import (
    PLAYER_BOX_ID,
    PLAYER_ID,
    PLAYER_OPEN_JS,
    mark_card,
    play_inputs,
    player,
    track_card,
    track_list,
)
from dashapp.services import feedback, home_feed, insights, playlists, profile, recommendations

dash.register_page(__name__, path="/", title="Home · Mixmap")

RECOMMENDATIONS_SHOWN = 20
PAGE_VIEW_ID = "home-page-view"
ACTION_ID = "home-action"  # the clicked feedback button, as {track, kind, seq}
SHOWN_ID = "home-shown"  # the track ids on screen, in order (what a Patch indexes)
LIST_ID = "home-list"
CHANGES_ID = "home-changes"
REFRESH_ID = "home-refresh"
SIDE_PANEL_ID = "home-side-panel"
ACTION_WORDS = {
    "like": "liked",
    "favourite": "favourited",
    "skip": "skipped",
    "ban_track": "banned",
    "ban_artist": "banned the artist of",
}
DIAL_INPUT_ID = "adventurousness-input"
DIAL_STEP = 0.05  # the clientside snap below rounds to twentieths to match


def click_event_id(page_view: str | None, track_id: str, kind: str, seq: Any) -> str:
    """One id per click: the same callback delivered twice records one event.

    A page view and the click's number on that page (``seq``, counted in the browser) single out
    a click; the button is part of it too. Hashed to fit the 64-character column.
    """
    raw = f"{page_view}|{seq}|{track_id}|{kind}"
    return "home-" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def _user_id() -> int:
    return int(current_user.id)


def adventurousness_slider(value: float) -> html.Div:
    return html.Div(
        [
            dbc.Label("Adventurousness", html_for="adventurousness", className="small mb-0"),
            html.Div(
                [
                    html.Div(
                        dcc.Slider(
                            id="adventurousness",
                            min=0,
                            max=1,
                            step=DIAL_STEP,
                            value=value,
                            marks={0: "familiar", 0.5: "balanced", 1: "far out"},
                            updatemode="mouseup",
                            # The slider's own number box commits on blur only; ours below
                            # commits on Enter too.
                            allow_direct_input=False,
                        ),
                        className="flex-grow-1",
                    ),
                    dcc.Input(
                        id=DIAL_INPUT_ID,
                        type="number",
                        min=0,
                        max=1,
                        step=DIAL_STEP,
                        value=value,
                        debounce=True,  # sent on Enter or when the box loses focus
                        className="form-control form-control-sm dial-number",
                    ),
                    html.Label(
                        "Adventurousness, 0 to 1",
                        htmlFor=DIAL_INPUT_ID,
                        className="visually-hidden",
                    ),
                ],
                className="d-flex align-items-start gap-2",
            ),
        ],
        className="mb-3",
    )


# The box and the slider mirror each other in the browser (pure UI state); a typed value is
# clamped to 0..1 and snapped to the slider's step, and only a new value reaches the server.
dash.clientside_callback(
    """
    function (sliderValue, typed) {
        const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
        const none = dash_clientside.no_update;
        if (!trigger.startsWith("adventurousness-input")) {
            return [none, sliderValue];
        }
        const number = parseFloat(typed);
        if (typed === null || typed === undefined || isNaN(number)) {
            return [none, sliderValue];
        }
        const snapped = Math.round(Math.min(1, Math.max(0, number)) * 20) / 20;
        return [snapped === sliderValue ? none : snapped, snapped];
    }
    """,
    Output("adventurousness", "value"),
    Output(DIAL_INPUT_ID, "value"),
    Input("adventurousness", "value"),
    Input(DIAL_INPUT_ID, "value"),
    prevent_initial_call=True,
)


def onboarding_banner() -> dbc.Alert:
    return dbc.Alert(
        [
            "Tell us a few genres, moods or artists you like and your recommendations get "
            "personal at once. ",
            dcc.Link("Pick your taste", href="/welcome", className="alert-link"),
        ],
        color="info",
        id="onboarding-banner",
    )


def layout(**_query: Any) -> html.Div:
    if not current_user or not current_user.is_authenticated:
        return html.Div()
    user_id = _user_id()
    prefs = profile.preferences(user_id)
    return html.Div(
        [
            dcc.Store(id=PAGE_VIEW_ID, data=uuid.uuid4().hex),
            dcc.Store(id=ACTION_ID),
            dcc.Store(id=SHOWN_ID, data=[]),
            *([onboarding_banner()] if profile.needs_onboarding(user_id) else []),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Div(
                                [
                                    html.H1("Your recommendations", className="h4 mb-0 me-auto"),
                                    html.Span(id=CHANGES_ID, className="small text-secondary"),
                                    dbc.Button(
                                        [html.I(className="bi bi-arrow-clockwise me-1"), "Refresh"],
                                        id=REFRESH_ID,
                                        n_clicks=0,
                                        size="sm",
                                        color="primary",
                                        outline=True,
                                        title="Refresh picks",
                                    ),
                                ],
                                className="d-flex align-items-center gap-2 mb-2 flex-wrap",
                            ),
                            adventurousness_slider(prefs.adventurousness),
                            html.Div(id="adventurousness-saved", hidden=True),
                            dbc.Alert(
                                id="feedback-toast",
                                is_open=False,
                                dismissable=True,
                                color="success",
                                className="py-1 small",
                            ),
                            html.Div(
                                html.P("Finding your picks…", className="text-secondary small"),
                                id=LIST_ID,
                                className="track-list",
                            ),
                            player(),
                        ],
                        lg=8,
                    ),
                    dbc.Col(html.Div(id=SIDE_PANEL_ID), lg=4),
                ]
            ),
        ],
        id="home",
    )


# Pure UI state stays in the browser: which button was clicked (one small value for the server
# instead of the click counts of all 100 buttons) and the player opening and closing.
dash.clientside_callback(
    FEEDBACK_ACTION_JS, Output(ACTION_ID, "data"), FEEDBACK_INPUT, State(ACTION_ID, "data")
)
dash.clientside_callback(
    PLAYER_OPEN_JS,
    Output(PLAYER_ID, "src"),
    Output(PLAYER_BOX_ID, "hidden"),
    *play_inputs(),
    prevent_initial_call=True,
)


@callback(
    Output(LIST_ID, "children"),
    Output(SHOWN_ID, "data"),
    Output(CHANGES_ID, "children"),
    Output(SIDE_PANEL_ID, "children"),
    Input(REFRESH_ID, "n_clicks"),
    Input("adventurousness", "value"),
)
def show_home(_refreshes: int | None, adventurousness: float | None):
    """The whole list: on arrival (with the side panel), on "Refresh" and on a new dial value."""
    user_id = _user_id()
    arriving = ctx.triggered_id is None
    view = home_feed.home_view(
        user_id,
        k=RECOMMENDATIONS_SHOWN,
        adventurousness=adventurousness,
        with_listeners=arriving,
    )
    shown = [t.track_id for t in view.picks.tracks] if view.picks.status == "ok" else []
    # The side panel (taste, playlists) changes slowly: drawn once per visit, not per refresh.
    side = side_panel(user_id, view.listeners) if arriving else no_update
    return render_recommendations(view.picks), shown, "", side


def side_panel(user_id: int, listeners: list[recommendations.ListenerLikeYou]) -> list[dbc.Card]:
    return [
        listeners_card(listeners),
        taste_card(insights.taste_summary(user_id)),
        playlists_card(playlists.list_playlists(user_id, curated_limit=0)[0]),
    ]


@callback(
    Output(LIST_ID, "children", allow_duplicate=True),
    Output(SHOWN_ID, "data", allow_duplicate=True),
    Output(CHANGES_ID, "children", allow_duplicate=True),
    Output("feedback-toast", "children"),
    Output("feedback-toast", "color"),
    Output("feedback-toast", "is_open"),
    Input(ACTION_ID, "data"),
    State(SHOWN_ID, "data"),
    State(PAGE_VIEW_ID, "data"),
    State("adventurousness", "value"),
    prevent_initial_call=True,
)
def act_on_card(action: Any, shown: Any, page_view: str | None, adventurousness: float | None):
    """One feedback click: record it, then change only the cards it concerns."""
    if not isinstance(action, dict) or not action.get("seq"):
        raise PreventUpdate
    track_id, kind = str(action.get("track")), str(action.get("kind"))
    try:
        outcome, change = home_feed.record_and_update(
            _user_id(),
            shown,
            track_id,
            kind,
            event_id=click_event_id(page_view, track_id, kind, action.get("seq")),
            adventurousness=adventurousness,
        )
    except (feedback.FeedbackError, recommendations.RecommendationError) as error:
        return no_update, no_update, no_update, str(error), "danger", True
    if change.status != "ok":
        return no_update, no_update, no_update, outcome.message, "success", True
    patch = Patch()
    for index, track in change.replaced.items():
        patch[index] = track_card(track, index + 1)
    for index, marked in change.marked.items():
        mark_card(patch, index, marked)
    note = changes_note(change.new_picks, kind, outcome.track_name)
    return patch, change.shown, note, outcome.message, "success", True


def changes_note(new_picks: int, kind: str, track_name: str) -> str:
    """ "3 new picks since you liked “Song”": what "Refresh" would bring in now."""
    if not new_picks:
        return ""
    picks = "new pick" if new_picks == 1 else "new picks"
    return f"{new_picks} {picks} since you {ACTION_WORDS.get(kind, 'rated')} “{track_name}”"


def render_recommendations(result: recommendations.RecommendationList) -> Any:
    if result.status == "no_model":
        return empty_state("No recommendations yet", result.message, icon="bi-hourglass-split")
    if result.status == "error":
        return dbc.Alert(result.message, color="danger", id="recommendations-error")
    if not result.tracks:
        return empty_state(
            "Nothing left to suggest",
            "Your bans and ratings rule out everything we would pick. Lift a ban on your profile "
            "or raise the adventurousness.",
        )
    return track_list(result.tracks)


@callback(
    Output("adventurousness-saved", "children"),
    Input("adventurousness", "value"),
    prevent_initial_call=True,
)
def save_adventurousness(value: float | None) -> str:
    if value is None:
        raise PreventUpdate
    return str(profile.set_adventurousness(_user_id(), value))
