"""Home: live recommendations with feedback buttons, adventurousness, listeners like you, taste.

A click on a feedback button records it (``services.feedback``) and bumps a counter; the list and
the side panel listen to that counter and ask the services again, which read the new feedback from
the database, so the list changes at once without a reload or a retrain.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate
from flask_login import current_user

from dashapp.components.empty_state import empty_state
from dashapp.components.feedback_buttons import FEEDBACK_INPUT
from dashapp.components.track_card import track_list
from dashapp.services import feedback, insights, playlists, profile, recommendations

dash.register_page(__name__, path="/", title="Home · Mixmap")

RECOMMENDATIONS_SHOWN = 20
TICK_ID = "home-feedback-tick"
PAGE_VIEW_ID = "home-page-view"
DIAL_INPUT_ID = "adventurousness-input"
DIAL_STEP = 0.05  # the clientside snap below rounds to twentieths to match


def click_event_id(page_view: str | None, tick: int | None, button: dict, clicks: Any) -> str:
    """One id per click: the same callback delivered twice records one event.

    A page view, the feedback count so far (each recorded click re-renders the buttons) and the
    button's own click count single out a click; hashed to fit the 64-character column.
    """
    raw = f"{page_view}|{tick}|{button.get('track')}|{button.get('kind')}|{clicks}"
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
            dcc.Store(id=TICK_ID, data=0),
            dcc.Store(id=PAGE_VIEW_ID, data=uuid.uuid4().hex),
            *([onboarding_banner()] if profile.needs_onboarding(user_id) else []),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H1("Your recommendations", className="h4"),
                            adventurousness_slider(prefs.adventurousness),
                            html.Div(id="adventurousness-saved", hidden=True),
                            dbc.Alert(
                                id="feedback-toast",
                                is_open=False,
                                dismissable=True,
                                color="success",
                                className="py-2",
                            ),
                            dcc.Loading(html.Div(id="home-recommendations"), delay_show=200),
                        ],
                        lg=8,
                    ),
                    dbc.Col(
                        dcc.Loading(html.Div(id="home-side-panel"), delay_show=200),
                        lg=4,
                    ),
                ]
            ),
        ],
        id="home",
    )


@callback(
    Output(TICK_ID, "data"),
    Output("feedback-toast", "children"),
    Output("feedback-toast", "color"),
    Output("feedback-toast", "is_open"),
    FEEDBACK_INPUT,
    State(TICK_ID, "data"),
    State(PAGE_VIEW_ID, "data"),
    prevent_initial_call=True,
)
def record_click(_clicks: list[int | None], tick: int | None, page_view: str | None):
    # A re-rendered list inserts fresh buttons (n_clicks 0), which also fires this: skip those.
    if not isinstance(ctx.triggered_id, dict) or not any(t["value"] for t in ctx.triggered):
        raise PreventUpdate
    track_id, kind = ctx.triggered_id["track"], ctx.triggered_id["kind"]
    try:
        outcome = feedback.record_feedback(
            _user_id(),
            track_id,
            kind,
            context="home",
            event_id=click_event_id(page_view, tick, ctx.triggered_id, ctx.triggered[0]["value"]),
        )
    except feedback.FeedbackError as error:
        return dash.no_update, str(error), "danger", True
    return (tick or 0) + 1, outcome.message, "success", True


@callback(
    Output("home-recommendations", "children"),
    Input(TICK_ID, "data"),
    Input("adventurousness", "value"),
)
def show_recommendations(_tick: int, adventurousness: float | None) -> Any:
    result = recommendations.for_user(
        _user_id(), k=RECOMMENDATIONS_SHOWN, adventurousness=adventurousness
    )
    return render_recommendations(result)


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


@callback(Output("home-side-panel", "children"), Input(TICK_ID, "data"))
def show_side_panel(_tick: int) -> list[dbc.Card]:
    user_id = _user_id()
    return [
        listeners_card(recommendations.listeners_like_you(user_id)),
        taste_card(insights.taste_summary(user_id)),
        playlists_card(playlists.list_playlists(user_id, curated_limit=0)[0]),
    ]


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
