"""Insights: the user's listening patterns as charts, each with an empty state for a new user."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, callback, clientside_callback, dcc, html
from flask_login import current_user

from dashapp.components import charts
from dashapp.components.empty_state import empty_state
from dashapp.services import insights

dash.register_page(__name__, path="/insights", title="Insights · Mixmap")

NEEDS_HISTORY = "Play, like or favourite a few tracks on Home and this fills in."
NEEDS_MODEL = "This view appears once a recommendation model has been trained."


def layout(**_query: Any) -> html.Div:
    if not current_user or not current_user.is_authenticated:
        return html.Div()
    return html.Div(
        [
            html.H1("Your listening", className="h4"),
            html.P(id="insights-summary", className="text-secondary"),
            dcc.Store(id="insights-time-zone"),
            dcc.Loading(html.Div(id="insights-charts"), delay_show=200),
        ],
        id="insights",
    )


def chart_card(chart_id: str, figure: go.Figure | None, title: str, empty_text: str) -> dbc.Col:
    body = (
        dcc.Graph(id=chart_id, figure=figure, config={"displaylogo": False, "responsive": True})
        if figure is not None
        else html.Div(
            [html.H2(title, className="h6"), empty_state("Nothing to show yet", empty_text)]
        )
    )
    return dbc.Col(
        dbc.Card(dbc.CardBody(body), className="mb-3 shadow-sm"), lg=6, id=f"{chart_id}-card"
    )


def build_charts(data: insights.Insights) -> list[dbc.Col]:
    has_history = not data.is_empty
    has_model = data.model_version is not None
    return [
        chart_card(
            "chart-genres",
            charts.stacked_over_time(data.genres_by_week, "Genres over time")
            if has_history
            else None,
            "Genres over time",
            NEEDS_HISTORY,
        ),
        chart_card(
            "chart-artists",
            charts.stacked_over_time(data.artists_by_week, "Artists over time")
            if has_history
            else None,
            "Artists over time",
            NEEDS_HISTORY,
        ),
        chart_card(
            "chart-clusters",
            charts.stacked_over_time(data.clusters_by_week, "Clusters over time")
            if has_history and data.clusters_by_week is not None
            else None,
            "Clusters over time",
            NEEDS_HISTORY if has_model else NEEDS_MODEL,
        ),
        chart_card(
            "chart-moods",
            charts.mood_bars(data.moods) if has_history else None,
            "Moods",
            NEEDS_HISTORY,
        ),
        chart_card(
            "chart-valence-energy",
            charts.valence_energy(data.mood_points, data.catalogue_points) if has_history else None,
            "Mood map",
            NEEDS_HISTORY,
        ),
        chart_card(
            "chart-profile",
            charts.feature_profile(data.feature_profile) if has_history else None,
            "Your sound against the catalogue",
            NEEDS_HISTORY,
        ),
        chart_card(
            "chart-hours",
            charts.hour_weekday(data.hour_weekday, data.time_zone) if has_history else None,
            "When you listen",
            NEEDS_HISTORY,
        ),
        chart_card(
            "chart-map",
            charts.listening_map(data.map_you, data.map_catalogue)
            if has_history and data.map_you is not None and data.map_catalogue is not None
            else None,
            "Where your plays sit on the music map",
            NEEDS_HISTORY if has_model else NEEDS_MODEL,
        ),
    ]


def summary_text(data: insights.Insights) -> str:
    if data.is_empty:
        return "No listening yet: every chart below fills in as you use Mixmap."
    top = ", ".join(label for label, _ in data.top_genres[:3])
    return f"{data.listens} listens so far; mostly {top}."


# The browser knows the listener's time zone; the server only ever sees its name.
clientside_callback(
    "function(_) { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; }",
    Output("insights-time-zone", "data"),
    Input("insights", "id"),
)


@callback(
    Output("insights-charts", "children"),
    Output("insights-summary", "children"),
    Input("insights-time-zone", "data"),
)
def show_insights(zone_name: str | None) -> tuple[Any, str]:
    data = insights.for_user(int(current_user.id), zone_name)
    return dbc.Row(build_charts(data)), summary_text(data)
