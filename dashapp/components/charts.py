"""Plotly figures for the Insights page, built from the plain frames ``services.insights`` returns.

Each builder takes data and returns a figure; none reads the database or the model.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

TEMPLATE = "plotly_white"
HEIGHT = 320
YOU = "#0d6efd"
EVERYONE = "#adb5bd"


def _layout(figure: go.Figure, title: str, **extra) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        template=TEMPLATE,
        height=HEIGHT,
        margin={"l": 40, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        **extra,
    )
    return figure


def stacked_over_time(frame: pd.DataFrame, title: str) -> go.Figure:
    """Stacked weekly bars, one series per label (``week, label, listens``)."""
    figure = go.Figure()
    order = frame.groupby("label")["listens"].sum().sort_values(ascending=False).index
    for label in order:
        part = frame[frame["label"] == label]
        figure.add_bar(x=part["week"], y=part["listens"], name=str(label))
    return _layout(
        figure,
        title,
        barmode="stack",
        yaxis_title="listens per week",
        xaxis={"type": "date", "tickformat": "%d %b %Y", "title": "week starting"},
    )


def mood_bars(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure(
        go.Bar(x=frame["listens"], y=frame["label"], orientation="h", marker_color=YOU)
    )
    return _layout(figure, "Moods of what you play", yaxis={"autorange": "reversed"})


def valence_energy(you: pd.DataFrame, catalogue: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_scattergl(
        x=catalogue["valence"],
        y=catalogue["energy"],
        mode="markers",
        name="Catalogue",
        marker={"color": EVERYONE, "size": 4, "opacity": 0.5},
    )
    figure.add_scattergl(
        x=you["valence"],
        y=you["energy"],
        mode="markers",
        name="Your plays",
        marker={"color": YOU, "size": 7, "opacity": 0.8},
    )
    for x, y, text in (
        (0.75, 0.95, "happy"),
        (0.25, 0.95, "tense"),
        (0.25, 0.05, "sad"),
        (0.75, 0.05, "calm"),
    ):
        figure.add_annotation(x=x, y=y, text=text, showarrow=False, font={"color": "#6c757d"})
    figure.add_hline(y=0.5, line={"color": "#dee2e6"})
    figure.add_vline(x=0.5, line={"color": "#dee2e6"})
    return _layout(
        figure,
        "Mood map: valence \u00d7 energy",
        xaxis={"range": [0, 1], "title": "valence"},
        yaxis={"range": [0, 1], "title": "energy"},
    )


def feature_profile(frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_bar(x=frame["feature"], y=frame["everyone"], name="Everyone", marker_color=EVERYONE)
    figure.add_bar(x=frame["feature"], y=frame["you"], name="You", marker_color=YOU)
    return _layout(
        figure, "Your sound against the catalogue", barmode="group", yaxis={"range": [0, 1]}
    )


def hour_weekday(grid: pd.DataFrame, zone: str = "UTC") -> go.Figure:
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            colorscale="Blues",
            hovertemplate="%{y} %{x}:00 · %{z}<extra></extra>",
        )
    )
    return _layout(
        figure,
        f"When you listen (hour \u00d7 weekday, {zone})",
        xaxis_title="hour",
        yaxis={"autorange": "reversed"},
    )


def listening_map(you: pd.DataFrame, catalogue: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    figure.add_scattergl(
        x=catalogue["x"],
        y=catalogue["y"],
        mode="markers",
        name="Catalogue",
        marker={"color": EVERYONE, "size": 3, "opacity": 0.4},
        hoverinfo="skip",
    )
    figure.add_scattergl(
        x=you["x"], y=you["y"], mode="markers", name="Your plays", marker={"color": YOU, "size": 6}
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, "Where your plays sit on the music map")
