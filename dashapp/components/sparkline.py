"""A small energy/tempo chart of a playlist's order: how the sequence rises and falls.

Built from ``ml.ordering.flow_series`` (position, energy, tempo, valence, transition_cost); reads
nothing else.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

ENERGY_COLOUR = "#0d6efd"
TEMPO_COLOUR = "#fd7e14"
HEIGHT = 140


def sparkline_figure(flow: pd.DataFrame) -> go.Figure:
    """Energy (0..1, left axis) and tempo (BPM, right axis) by position, 1-based."""
    position = flow["position"].to_numpy() + 1
    figure = go.Figure()
    figure.add_scatter(
        x=position,
        y=flow["energy"],
        name="energy",
        mode="lines+markers",
        line={"color": ENERGY_COLOUR, "width": 2, "shape": "spline"},
        marker={"size": 4},
        hovertemplate="#%{x}: energy %{y:.2f}<extra></extra>",
    )
    figure.add_scatter(
        x=position,
        y=flow["tempo"],
        name="tempo",
        yaxis="y2",
        mode="lines",
        line={"color": TEMPO_COLOUR, "width": 1.5, "dash": "dot", "shape": "spline"},
        hovertemplate="#%{x}: %{y:.0f} BPM<extra></extra>",
    )
    figure.update_layout(
        template="plotly_white",
        height=HEIGHT,
        margin={"l": 30, "r": 40, "t": 10, "b": 25},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.15, "font": {"size": 11}},
        xaxis={"dtick": max(1, len(flow) // 10), "showgrid": False},
        yaxis={"range": [0, 1], "title": None, "tickfont": {"color": ENERGY_COLOUR}},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "tickfont": {"color": TEMPO_COLOUR},
        },
        # The same chart redrawn after an edit keeps the user's zoom.
        uirevision="sparkline",
    )
    return figure
